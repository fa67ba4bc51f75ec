"""Security questionnaires a vendor already has, read into intake answers (issue 14).

``parse_questionnaire(data, filename=..., as_of=...)`` reads a CSA CAIQ v4.0.x or an EDUCAUSE
HECVAT 3.x (Full or Lite) workbook and returns a ``QuestionnaireResult``: the layout, version,
date, vendor and product, every answer, the intake fields it filled (each with the question
id, the vendor's own words and the policy section), what it could not map, and findings
(a questionnaire older than ``standards/questionnaires.yaml`` allows).

Safety: the size is checked first, the package by ``review.safezip`` (entry count, total and
per-entry expansion, no DOCTYPE), then openpyxl reads it in read-only mode with cached values
only (``data_only``): no formula is evaluated, nothing is fetched. Rows and columns read are
bounded. Every refusal is a ``FileProblem`` naming the file.
"""

from .mapping import Filled, QuestionnaireResult, parse_questionnaire
from .workbook import MAX_BYTES, Answer

__all__ = ["MAX_BYTES", "Answer", "Filled", "QuestionnaireResult", "parse_questionnaire"]
