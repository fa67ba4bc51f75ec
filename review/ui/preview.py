"""The live preview beside the form: the draft judged as it stands, in a person's words.

Nothing is judged before the person has answered something (a blank form has no blockers),
and an answer the record cannot hold is named by its label and shown next to its field.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from ..core import policy
from ..core.evaluate import evaluator
from ..core.findings import Evaluation
from ..core.loading import submission_from_data
from ..core.records import Submission
from ..errors import FieldProblem, RecordInvalid
from . import components, words
from .field_names import humanise
from .form_spec import preview_record, prune
from .policy_text import plain


@dataclass(frozen=True)
class Preview:
    answered: bool
    result: Evaluation | None = None
    submission: Submission | None = None
    problems: list[FieldProblem] = field(default_factory=list)  # values the record refuses
    ms: float = 0.0


def judge(record: dict[str, Any], today: dt.date, *, answered: bool) -> Preview:
    if not answered:
        return Preview(answered=False)
    started = time.perf_counter()
    try:
        submission = submission_from_data(preview_record(prune(record)), source="form")
        result = evaluator().evaluate(submission, today)
    except RecordInvalid as exc:
        return Preview(answered=True, problems=exc.problems)
    return Preview(True, result, submission, [], 1000 * (time.perf_counter() - started))


def tier_text(result: Evaluation) -> str:
    """The engine's own sentence on the tier (GEN-2), in a person's words."""
    found = next((f for f in result.findings if f.rule_id.startswith("GEN-002-tier")), None)
    if found:
        return humanise(found.message, words.t)
    return words.t("Tier %(tier)s.") % {"tier": result.tier}


def reviews_text(result: Evaluation) -> str:
    return ", ".join(components.DOMAIN_TITLE.get(d, d) for d in result.required_signoffs)


def findings(preview: Preview, titles: dict[str, str]) -> None:
    st.subheader(words.t("What the standards say so far"))
    if not preview.answered:
        st.info(
            words.t(
                "Nothing answered yet. Once you answer, the findings of the City's standards "
                "appear here as you go."
            )
        )
        return
    if preview.result is None:
        st.warning(words.t("Some answers need fixing before the standards can be checked:"))
        for problem in preview.problems[:10]:
            st.markdown(f"- {plain(humanise(str(problem), words.t))}")
        return
    result = preview.result
    st.caption(
        words.t("Checked in %(ms).0f ms against %(standards)s.")
        % {"ms": preview.ms, "standards": result.standards_version}
    )
    st.markdown(
        words.t("**Tier %(tier)s** · TCV %(tcv)s")
        % {"tier": result.tier, "tcv": plain(f"${result.tcv:,.2f}")}
    )
    components.disposition(result.disposition)
    st.markdown(words.t("**Sign-offs needed:** %(reviews)s") % {"reviews": reviews_text(result)})
    acted_on = policy.current().acted_on
    serious = [f.to_dict() for f in result.findings if f.severity in acted_on]
    counts = {s: sum(1 for f in serious if f["severity"] == s) for s in acted_on}
    st.markdown(
        ", ".join(
            words.t("%(count)s %(severity)s") % {"count": n, "severity": s}
            for s, n in counts.items()
        )
    )
    components.findings_by_domain(serious, titles, key="preview")
