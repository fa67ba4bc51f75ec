"""Facts: the small, flat records the rules engine matches on.

``kinds`` holds one model per fact kind (what rules may name); ``section``, ``items`` and
``contract`` build them, one builder per kind; ``build`` runs the builders for an evaluation.
"""

from .build import BUILDERS, FactSet, build_facts
from .kinds import FACT_KINDS, Fact, src

__all__ = ["BUILDERS", "FACT_KINDS", "Fact", "FactSet", "build_facts", "src"]
