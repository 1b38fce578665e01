"""The workload's rules written for the engines a user might pick instead of leadrules.

Each engine gets the rules as ONE expression per lead returning a list of 15 values: the 12
score rules (the per-unit rule as its points, the others as true/false), the 2 disqualify
conditions and the SQL stage's condition. Python adds up the points, applies the group limits
and picks the stage (``tally``) exactly as the hand-written baseline does. One engine call per
lead is the fastest way to use each of them (a call per rule costs each engine more).

The expressions keep the rules' meaning on this data: text ignoring case (each engine's own way
of lowering case), a missing budget (absent or null) making "budget >= 10000" not fire.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workload import LABELS

Score = tuple[int, "str | None", list[str]]

_POINTS = (20, 15, 10, -10, -5, 10, 20, 30, None, 10, -15, 5)


def tally(values: Any) -> Score:
    """Score, stage and fired labels from an engine's 15 values (see the module docstring)."""
    fired: list[str] = []
    fit = engagement = extra = 0
    for i, (points, value) in enumerate(zip(_POINTS, values[:12], strict=True)):
        if points is None:  # the per-unit rule: its value is the points
            gained = int(value)
            if not gained:
                continue
        elif value:
            gained = points
        else:
            continue
        fired.append(LABELS[i])
        if i < 6:
            fit += gained
        elif i < 11:
            engagement += gained
        else:
            extra += gained
    score = min(fit, 50) + min(engagement, 60) + extra
    if values[12] or values[13]:
        return score, None, fired
    if score >= 80 and values[14]:
        return score, "SQL", fired
    return score, ("MQL" if score >= 50 else None), fired


# ----------------------------------------------------------------------------- rule-engine

RULE_ENGINE = """[
    job_title.as_lower =~~ "director" or job_title.as_lower =~ "vp",
    company_size >= 200 and company_size <= 5000,
    industry.as_lower in ["software", "fintech", "healthcare"],
    email.as_lower =~~ "@gmail\\\\.com$",
    budget == null,
    budget != null and budget >= 10000,
    downloaded_whitepaper,
    requested_demo,
    (page_views * 2 > 20 ? 20 : page_views * 2),
    webinars_attended >= 2,
    job_title.as_lower =~~ "student" or job_title.as_lower =~~ "intern",
    country.as_lower == "gb" and company_size >= 50,
    not country.as_lower in ["gb", "ie", "us", "de"],
    email.as_lower =~~ "@competitor\\\\.com$",
    requested_demo
]"""


def rule_engine_scorer() -> Callable[[dict[str, Any]], Score]:
    import rule_engine

    rule = rule_engine.Rule(RULE_ENGINE, context=rule_engine.Context(default_value=None))
    evaluate = rule.evaluate

    def score(lead: dict[str, Any]) -> Score:
        return tally(evaluate(lead))

    return score


# ----------------------------------------------------------------------------- CEL

CEL = """[
    lead.job_title.matches("(?i)director") || lead.job_title.matches("(?i)^vp"),
    lead.company_size >= 200 && lead.company_size <= 5000,
    lead.industry.matches("(?i)^(software|fintech|healthcare)$"),
    lead.email.matches("(?i)@gmail[.]com$"),
    !has(lead.budget) || type(lead.budget) == null_type,
    has(lead.budget) && type(lead.budget) != null_type && lead.budget >= 10000,
    lead.downloaded_whitepaper,
    lead.requested_demo,
    lead.page_views * 2 > 20 ? 20 : lead.page_views * 2,
    lead.webinars_attended >= 2,
    lead.job_title.matches("(?i)student|intern"),
    lead.country.matches("(?i)^gb$") && lead.company_size >= 50,
    !lead.country.matches("(?i)^(gb|ie|us|de)$"),
    lead.email.matches("(?i)@competitor[.]com$"),
    lead.requested_demo
]"""


def cel_scorer() -> Callable[[dict[str, Any]], Score]:
    import celpy

    environment = celpy.Environment()
    program = environment.program(environment.compile(CEL))
    to_cel = celpy.json_to_cel

    def score(lead: dict[str, Any]) -> Score:
        return tally(program.evaluate({"lead": to_cel(lead)}))

    return score


# ----------------------------------------------------------------------------- JsonLogic


def _var(name: str) -> dict[str, Any]:
    return {"var": name}


def _lower(name: str) -> dict[str, Any]:
    return {"lower": [{"??": [_var(name), ""]}]}


JSON_LOGIC: list[Any] = [
    {
        "or": [
            {"in": ["director", _lower("job_title")]},
            {"starts_with": [_lower("job_title"), "vp"]},
        ]
    },
    {"and": [{">=": [_var("company_size"), 200]}, {"<=": [_var("company_size"), 5000]}]},
    {"in": [_lower("industry"), ["software", "fintech", "healthcare"]]},
    {"ends_with": [_lower("email"), "@gmail.com"]},
    {"===": [{"??": [_var("budget"), None]}, None]},
    {
        "and": [
            {"!==": [{"??": [_var("budget"), None]}, None]},
            {">=": [_var("budget"), 10000]},
        ]
    },
    {"!!": [_var("downloaded_whitepaper")]},
    {"!!": [_var("requested_demo")]},
    {"min": [20, {"*": [2, _var("page_views")]}]},
    {">=": [_var("webinars_attended"), 2]},
    {
        "or": [
            {"in": ["student", _lower("job_title")]},
            {"in": ["intern", _lower("job_title")]},
        ]
    },
    {"and": [{"==": [_lower("country"), "gb"]}, {">=": [_var("company_size"), 50]}]},
    {"!": [{"in": [_lower("country"), ["gb", "ie", "us", "de"]]}]},
    {"ends_with": [_lower("email"), "@competitor.com"]},
    {"!!": [_var("requested_demo")]},
]


def json_logic_scorer() -> Callable[[dict[str, Any]], Score]:
    import datalogic_py

    rule = datalogic_py.Engine().compile(JSON_LOGIC)
    evaluate = rule.evaluate

    def score(lead: dict[str, Any]) -> Score:
        return tally(evaluate(lead))

    return score


# ----------------------------------------------------------------------------- ZEN

ZEN = """[
    contains(lower(job_title), "director") or startsWith(lower(job_title), "vp"),
    company_size >= 200 and company_size <= 5000,
    lower(industry) in ["software", "fintech", "healthcare"],
    endsWith(lower(email), "@gmail.com"),
    budget == null,
    budget != null and budget >= 10000,
    downloaded_whitepaper == true,
    requested_demo == true,
    min([20, page_views * 2]),
    webinars_attended >= 2,
    contains(lower(job_title), "student") or contains(lower(job_title), "intern"),
    lower(country) == "gb" and company_size >= 50,
    not (lower(country) in ["gb", "ie", "us", "de"]),
    endsWith(lower(email), "@competitor.com"),
    requested_demo == true
]"""


def zen_scorer() -> Callable[[dict[str, Any]], Score]:
    import zen

    expression = zen.compile_expression(ZEN)
    evaluate = expression.evaluate

    def score(lead: dict[str, Any]) -> Score:
        return tally(evaluate(lead))

    return score


#: name -> (pip distribution, factory)
PEERS: dict[str, tuple[str, Callable[[], Callable[[dict[str, Any]], Score]]]] = {
    "rule-engine": ("rule-engine", rule_engine_scorer),
    "cel-python": ("cel-python", cel_scorer),
    "json-logic (datalogic-py)": ("datalogic-py", json_logic_scorer),
    "zen-engine": ("zen-engine", zen_scorer),
}
