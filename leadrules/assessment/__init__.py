"""Rule files judged against the known outcomes of historical leads (``leadrules.assess``,
``leadrules assess``): conversion by stage and score band, how well the score ranks leads,
each rule's lift with its interval and a plain-words finding, the fields that left rules
undecided, the disqualify rules that removed leads who converted, and suggested points with
their held-out AUC (docs/assess.md).

The statistics need the extra ``leadrules[assess]`` (numpy, scipy, scikit-learn); importing
this package does not, so that ``import leadrules`` stays light. Layout: :mod:`.api` (the
function), :mod:`.population` (reading outcomes and moments, scoring as of them),
:mod:`.measures` and :mod:`.stats` (the tables and their arithmetic), :mod:`.words` (the
findings in words), :mod:`.fit` (the suggestion), :mod:`.model` (the plain data returned),
:mod:`.text` (the report as text), :mod:`.report_section` (the HTML report's section, imported
only by who draws the page), :mod:`.deps` (the optional dependencies).
"""

from __future__ import annotations

from .api import assess
from .deps import MissingDependency
from .model import (
    Assessment,
    AucEstimate,
    Band,
    DisqualifyRow,
    Exclusion,
    FieldGap,
    Proportion,
    Ratio,
    RuleRow,
    StageRow,
    SuggestedRule,
    SuggestedStage,
    Suggestion,
    ThresholdRow,
)

__all__ = [
    "Assessment",
    "AucEstimate",
    "Band",
    "DisqualifyRow",
    "Exclusion",
    "FieldGap",
    "MissingDependency",
    "Proportion",
    "Ratio",
    "RuleRow",
    "StageRow",
    "SuggestedRule",
    "SuggestedStage",
    "Suggestion",
    "ThresholdRow",
    "assess",
]
