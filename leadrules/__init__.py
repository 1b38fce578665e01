"""leadrules: lead scoring and qualification rules as plain text.

>>> import leadrules
>>> rules = leadrules.compile(
...     "+20 when downloaded whitepaper; disqualify when country != 'GB'; MQL at 50")
>>> leadrules.evaluate(rules, {"downloaded_whitepaper": True, "country": "GB"}).score
Decimal('20')
"""

from . import _compat
from .assessment import Assessment, assess
from .errors import (
    Diagnostic,
    InvalidArgument,
    LeadRulesError,
    RuleCheckError,
    RuleSyntaxError,
    SchemaError,
)
from .lang.format import format
from .lang.schema.sample import infer_schema
from .result import (
    Clamp,
    Contribution,
    DecayInfo,
    Disqualification,
    EventRef,
    Evidence,
    Result,
    StageOutcome,
    Undecided,
)
from .ruleset import RuleSet, compile, evaluate, load
from .runtime.leads import Event, Lead

__version__ = "0.1.0"

_compat.install()  # leadrules.ast, .analysis and .compiler: the old module paths

__all__ = [
    "Assessment",
    "Clamp",
    "Contribution",
    "DecayInfo",
    "Diagnostic",
    "Disqualification",
    "Event",
    "EventRef",
    "Evidence",
    "InvalidArgument",
    "Lead",
    "LeadRulesError",
    "Result",
    "RuleCheckError",
    "RuleSet",
    "RuleSyntaxError",
    "SchemaError",
    "StageOutcome",
    "Undecided",
    "__version__",
    "assess",
    "compile",
    "evaluate",
    "format",
    "infer_schema",
    "load",
]
