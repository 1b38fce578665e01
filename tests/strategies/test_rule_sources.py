"""leadrules.strategies: rule_sources() and rulesets().

Every generated file compiles (against the schema, when given), uses only what the schema lets
it name, each field as its type allows, and across examples every construct of the language.
Tests decorated with a bare ``@given`` run at Hypothesis' default settings, so they also show
that the strategies pass its health checks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Literal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategysamples import (
    EVENT_KEYS,
    NOW,
    UTC,
    Contact,
    Prospect,
    ProspectAddress,
    ProspectPlan,
    Webinar,
    collect,
)

import leadrules
from leadrules.lang import ast
from leadrules.strategies import is_reserved, leads, rule_sources, rulesets

# ------------------------------------------------------------------------------ sample schemas


@attrs.frozen
class Account:
    """No events field: rules about it may not mention events."""

    name: str
    employees: int
    is_customer: bool = False


@attrs.frozen
class Ping:
    """An event class with a name and a time and nothing for `where` to test."""

    name: str
    at: dt.datetime


@dataclasses.dataclass
class Touch:
    """An event class whose names are fixed, with a date for a time and open properties."""

    name: Literal["webinar attended", "demo requested"]
    at: dt.date
    properties: dict[str, Any] = dataclasses.field(default_factory=dict)


#: Contact's fields as rules name them, by the kind of value they hold (written out by hand).
CONTACT_KINDS = {
    "email": "text",
    "job title": "text",
    "country": "text",
    "address.country": "text",
    "address.city": "text",
    "company size": "number",
    "annual revenue": "number",
    "engagement ratio": "number",
    "opted in": "bool",
    "signed up": "date",
    "created at": "date",
    "plan": "choice",
    "tier": "choice",
}
CONTACT_CHOICES = {"plan": {"free", "team", "enterprise"}, "tier": {"bronze", "silver", "gold"}}
ACCOUNT_KINDS = {"name": "text", "employees": "number", "is customer": "bool"}
PROSPECT_KINDS = {
    "email": "text",
    "job title": "text",
    "company size": "number",
    "industry": "choice",
    "plan": "choice",
    "signed up": "date",
    "address.country": "choice",
    "address.city": "text",
}
PROSPECT_CHOICES = {
    "industry": {"software", "fintech", "retail"},
    "plan": {"free", "pro", "enterprise"},
    "address.country": {"GB", "IE"},
}
WEBINAR_KINDS = {"topic": "text"}  # `name` and `at` are what make it an event
#: A mapping schema whose events are Webinars.
WEBINAR_MAPPING = {"job title": str, "company size": int, "events": list[Webinar]}


# ------------------------------------------------------------------------------ rule_sources()


@given(rule_sources())
def test_every_generated_rule_source_compiles(source: str) -> None:
    assert isinstance(source, str)
    leadrules.compile(source)


def _walk_conditions(node: Any, in_where: bool = False) -> Iterator[tuple[Any, bool]]:
    """Every condition node below ``node``, and whether it stands inside a ``where``."""
    yield node, in_where
    if isinstance(node, (ast.And, ast.Or)):
        for operand in node.operands:
            yield from _walk_conditions(operand, in_where)
    elif isinstance(node, ast.Not):
        yield from _walk_conditions(node.operand, in_where)
    elif isinstance(node, ast.Fact) and node.where is not None:
        yield from _walk_conditions(node.where, True)


def _conditions(tree: ast.RuleFile) -> Iterator[tuple[Any, bool]]:
    statements: list[Any] = []
    for statement in tree.statements:
        statements.extend(statement.rules if isinstance(statement, ast.Group) else (statement,))
    for statement in statements:
        for cond in (getattr(statement, "condition", None), getattr(statement, "per", None)):
            if cond is not None:
                yield from _walk_conditions(cond)


def _tree(rules: str | leadrules.RuleSet) -> ast.RuleFile:
    """The tree of a rule file: of the rules given compiled, else of the text compiled here."""
    return (leadrules.compile(rules) if isinstance(rules, str) else rules).tree


def _check_schema_use(
    source: str | leadrules.RuleSet,
    kinds: dict[str, str],
    has_events: bool,
    *,
    choices: dict[str, set[str]] = CONTACT_CHOICES,
    event_keys: set[str] = EVENT_KEYS,
    where_kinds: dict[str, str] | None = None,
) -> None:
    """Every name in ``source`` is a field of ``kinds`` tested as its kind allows, a definition
    or (only when ``has_events``) one of ``event_keys``. With ``where_kinds``, the names inside
    ``where`` are checked the same way against the event class's fields."""
    tree = _tree(source)
    definitions = {s.name.key for s in tree.statements if isinstance(s, ast.Define)}
    per_names = [r.per for r in _score_rules(tree) if r.per is not None]
    for node, in_where in _conditions(tree):
        if isinstance(node, (ast.And, ast.Or, ast.Not)):
            continue
        if in_where:
            if where_kinds is not None:
                kind = where_kinds.get(node.name.key)
                assert kind is not None, f"{node.name.key!r} is not a field of the events"
                if isinstance(node, ast.Fact):
                    assert kind == "bool" and not node.has_modifiers, node.name.key
                else:
                    _check_test(node, kind, choices)
            continue
        key = node.name.key
        kind = kinds.get(key)
        if isinstance(node, ast.Fact):
            if key in definitions:
                continue
            if kind is None:
                assert has_events, f"{key!r} is no field and there are no events"
                assert key in event_keys, key
            elif node.count is not None or node.where is not None:
                raise AssertionError(f"{key!r} is a field, counted like an event")
            elif node.windows:
                assert kind == "date", key
            else:
                assert kind == "bool" or (kind == "number" and node in per_names), key
            continue
        assert kind is not None, f"{key!r} is not a field of the schema"
        _check_test(node, kind, choices.get(key, set()))


def _check_test(node: Any, kind: str, choices: set[str]) -> None:
    """``node`` (a comparison, list, range or text test) suits a field of ``kind``."""
    key = node.name.key
    if isinstance(node, (ast.TextTest, ast.Matches)):
        assert kind == "text", key
    elif isinstance(node, ast.Between):
        assert kind in ("number", "date"), key
    elif isinstance(node, ast.Compare):
        value = node.value
        if node.op not in ("=", "!="):
            assert kind in ("number", "date"), key
        expected: type | tuple[type, ...] = {
            "text": str,
            "number": Decimal,
            "bool": bool,
            "date": dt.date,
            "choice": str,
        }[kind]
        assert isinstance(value, expected) and (kind == "bool") == isinstance(value, bool)
        if kind == "choice":
            assert value in choices, (key, value)
    elif isinstance(node, ast.In):
        for item in node.values.items:
            if kind == "choice":
                assert item in choices, (key, item)
            elif kind == "number":
                assert isinstance(item, Decimal)
            elif kind == "text":
                assert isinstance(item, str)


def _score_rules(tree: ast.RuleFile) -> list[ast.ScoreRule]:
    rules: list[ast.ScoreRule] = []
    for statement in tree.statements:
        if isinstance(statement, ast.Group):
            rules.extend(statement.rules)
        elif isinstance(statement, ast.ScoreRule):
            rules.append(statement)
    return rules


@given(rule_sources(Contact))
def test_rule_sources_for_a_schema_compile_against_it_using_its_fields_fittingly(
    source: str,
) -> None:
    rules = leadrules.compile(source, schema=Contact)
    _check_schema_use(rules, CONTACT_KINDS, has_events=True)


@given(rule_sources(Account))
def test_rule_sources_for_a_schema_without_events_never_mention_events(source: str) -> None:
    rules = leadrules.compile(source, schema=Account)
    _check_schema_use(rules, ACCOUNT_KINDS, has_events=False)


def test_rule_sources_write_names_with_reserved_words_another_way() -> None:
    sources = "\n".join(collect(rule_sources(Contact), 60))
    assert re.search(r"\bcreated at\b", sources, re.IGNORECASE) is None
    assert re.search(r"`created_at`|\bcreated_at\b", sources, re.IGNORECASE)


def test_reserved_words_are_the_keywords_and_units() -> None:
    keywords = "when WHEN at per in is not between within times time days month true missing"
    for word in [*keywords.split(), "where", "decaying", "max"]:
        assert is_reserved(word), word
    for word in ("company", "size", "attended", "visited", "webinar", "created_at", "in-app"):
        assert not is_reserved(word), word


def _constructs(source: str) -> set[str]:
    """The constructs of the language that ``source`` uses."""
    tree = leadrules.compile(source).tree
    found: set[str] = set()
    rules: list[ast.ScoreRule] = []
    for statement in tree.statements:
        kind = type(statement).__name__.lower()
        found.add(kind)
        if isinstance(statement, ast.Group):
            rules.extend(statement.rules)
            found.update(f"group {k}" for k in ("max", "min") if getattr(statement, k) is not None)
            if statement.text.lower().startswith('group "'):
                found.add("quoted group")
        elif isinstance(statement, ast.ScoreRule):
            rules.append(statement)
        elif isinstance(statement, ast.Disqualify) and statement.reason is not None:
            found.add("because")
        elif isinstance(statement, ast.Stage):
            if statement.condition is not None:
                found.add("stage when")
            if statement.text.startswith(("'", '"')):
                found.add("quoted stage")
    definitions = {s.name.key for s in tree.statements if isinstance(s, ast.Define)}
    for rule in rules:
        if rule.label is not None:
            found.add("label")
        if rule.decay is not None:
            found.add("decay")
        if rule.points != rule.points.to_integral_value():
            found.add("decimal points")
        if rule.per is not None:
            found.add("per event" if rule.per.name.key in EVENT_KEYS else "per field")
            if rule.cap is not None:
                found.add("up to")
    for node, in_where in _conditions(tree):
        name = getattr(node, "name", None)
        if isinstance(name, ast.Name):
            if len(name.parts) > 1:
                found.add("dotted name")
            if any(p.exact for p in name.parts):
                found.add("backticks")
        if in_where:
            found.add("where")
        if isinstance(node, (ast.And, ast.Or, ast.Not)):
            found.add(type(node).__name__.lower())
        elif isinstance(node, ast.Compare):
            found.add(f"compare {node.op}")
            if isinstance(node.value, dt.datetime):
                found.add("date-time literal")
            elif isinstance(node.value, dt.date):
                found.add("date literal")
        elif isinstance(node, ast.In):
            found.add("not in" if node.negated else "in")
        elif isinstance(node, ast.Between):
            found.add("not between" if node.negated else "between")
        elif isinstance(node, ast.TextTest):
            found.add(node.op)
        elif isinstance(node, ast.Matches):
            found.add("matches /i" if node.flags == "i" else "matches")
        elif isinstance(node, ast.Presence):
            found.add("is present" if node.present else "is missing")
        elif isinstance(node, ast.Fact):
            if node.name.key in definitions:
                found.add("definition used")
            elif not node.has_modifiers:
                found.add("bare fact")
            if node.count is not None:
                found.add(node.count.op)
            for window in node.windows:
                dated = node.name.key in ("signed up", "last seen", "renewal date")
                found.add(f"{'date field' if dated else 'event'} {window.kind}")
    text_forms = {
        "keyword in capitals": r"\bWHEN\b",
        "semicolon": r";",
        "comment": r"#",
        "number with _": r"\b\d+_\d{3}\b",
        "is not": r"\bis not\b(?! (missing|present))",
        "==": r"==",
        "<>": r"<>",
        "escape in text": r"\\[nt\"\\]",
        "single quotes": r"'[^']*'",
    }
    for label, pattern in text_forms.items():
        if re.search(pattern, source, re.IGNORECASE if label != "keyword in capitals" else 0):
            found.add(label)
    return found


_CONSTRUCT_LIST = """
    define, definition used, group, group max, group min, quoted group, scorerule, label,
    decimal points, disqualify, because, stage, stage when, quoted stage, and, or, not,
    compare =, compare !=, compare <, compare <=, compare >, compare >=, is not, ==, <>,
    in, not in, between, not between, contains, starts with, ends with, matches, matches /i,
    is present, is missing, bare fact, at least, at most, event within, event since,
    event before, event after, where, date field within, date field since, date field before,
    date field after, per event, per field, up to, decay, dotted name, backticks,
    date literal, date-time literal, keyword in capitals, semicolon, comment, number with _,
    escape in text, single quotes
"""
EVERY_CONSTRUCT = {item.strip() for item in _CONSTRUCT_LIST.split(",")}


def test_rule_sources_use_every_construct_of_the_language() -> None:
    seen: set[str] = set()
    for source in collect(rule_sources(), 300):
        seen |= _constructs(source)
    assert EVERY_CONSTRUCT - seen == set()


def test_rule_sources_shrink_to_a_small_file() -> None:
    from hypothesis import find

    smallest = find(rule_sources(), lambda s: "disqualify" in s.lower())
    assert smallest.count("\n") <= 2 and len(smallest) < 80, smallest


def test_rule_sources_reject_a_schema_with_nothing_to_test() -> None:
    @attrs.frozen
    class Opaque:
        blob: object

    with pytest.raises(leadrules.InvalidArgument, match="no field"):
        rule_sources(Opaque)
    with pytest.raises(leadrules.InvalidArgument, match="schema"):
        rule_sources(3)


@st.composite
def _mutated_sources(draw: st.DrawFn) -> str:
    """A generated rule file with a few characters deleted, repeated or replaced."""
    text = draw(rule_sources())
    for _ in range(draw(st.integers(1, 3))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        how = draw(st.sampled_from(("delete", "repeat", "replace")))
        if how == "delete":
            text = text[:at] + text[at + 1 :]
        elif how == "repeat":
            text = text[:at] + text[at] + text[at:]
        else:
            text = (
                text[:at]
                + draw(st.sampled_from(list("\"'`/#;:,()[]=<>.-+ \n\tx9")))
                + text[at + 1 :]
            )
    return text


@settings(max_examples=50)
@given(_mutated_sources())
def test_compile_raises_only_leadrules_errors_on_mutated_rule_files(source: str) -> None:
    with contextlib.suppress(leadrules.LeadRulesError):
        leadrules.compile(source)


@settings(max_examples=50)
@given(rule_sources(), leads())
def test_formatting_a_generated_file_keeps_its_meaning(source: str, lead: dict[str, Any]) -> None:
    formatted = leadrules.format(source)
    assert leadrules.format(formatted) == formatted
    before = leadrules.compile(source).evaluate(lead, now=NOW)
    after = leadrules.compile(formatted).evaluate(lead, now=NOW)
    assert (after.score, after.stage, after.disqualified) == (
        before.score,
        before.stage,
        before.disqualified,
    )


def _wheres(source: str | leadrules.RuleSet) -> list[Any]:
    """The `where` filters of ``source``."""
    tree = _tree(source)
    found = [n.where for n, _ in _conditions(tree) if isinstance(n, ast.Fact) and n.where]
    return found


@given(rule_sources(Prospect))
def test_rule_sources_filter_typed_events_only_on_the_event_class_fields(source: str) -> None:
    rules = leadrules.compile(source, schema=Prospect)
    _check_schema_use(
        rules, PROSPECT_KINDS, True, choices=PROSPECT_CHOICES, where_kinds=WEBINAR_KINDS
    )


def test_rule_sources_for_typed_events_do_use_where_filters() -> None:
    sources = collect(rule_sources(Prospect), 100)
    filters = [w for s in sources for w in _wheres(s)]
    assert len(filters) >= 5
    assert any("topic" in str(w).lower() for w in filters)


@given(rule_sources(WEBINAR_MAPPING), leads(WEBINAR_MAPPING))
def test_a_mapping_schema_with_typed_events_gives_its_events_and_fitting_rules(
    source: str, lead: dict[str, Any]
) -> None:
    assert set(lead) <= {"job title", "company size", "events"}
    for event in lead.get("events") or []:
        assert isinstance(event, Webinar) and isinstance(event.topic, str)
    rules = leadrules.compile(source, schema=WEBINAR_MAPPING)
    _check_schema_use(
        rules,
        {"job title": "text", "company size": "number"},
        True,
        where_kinds=WEBINAR_KINDS,
    )
    result = rules.evaluate(lead, now=NOW)
    assert sum((c.points for c in result.contributions), Decimal(0)) == result.score


@given(
    rule_sources({"company size": int, "events": list[Ping]}),
    leads({"company size": int, "events": list[Ping]}),
)
def test_events_with_nothing_to_filter_on_get_no_where(source: str, lead: dict[str, Any]) -> None:
    rules = leadrules.compile(source, schema={"company size": int, "events": list[Ping]})
    assert _wheres(rules) == []
    assert all(isinstance(e, Ping) for e in lead.get("events") or [])


@given(
    rule_sources({"email": str, "events": list[Touch]}),
    leads({"email": str, "events": list[Touch]}),
)
def test_events_of_a_class_keep_to_its_names_and_its_time_type(
    source: str, lead: dict[str, Any]
) -> None:
    today = dt.datetime.now(UTC).date()
    for event in lead.get("events") or []:
        assert isinstance(event, Touch)
        assert event.name in ("webinar attended", "demo requested")
        assert type(event.at) is dt.date and event.at <= today
        assert isinstance(event.properties, dict)
    rules = leadrules.compile(source, schema={"email": str, "events": list[Touch]})
    _check_schema_use(
        rules, {"email": "text"}, True, event_keys={"webinar attended", "demo requested"}
    )


# ------------------------------------------------------------------------------ rulesets()


@given(rulesets(), leads())
def test_evaluate_never_raises_and_contributions_add_up(
    rules: leadrules.RuleSet, lead: dict[str, Any]
) -> None:
    assert isinstance(rules, leadrules.RuleSet)
    result = rules.evaluate(lead, now=NOW)
    assert sum((c.points for c in result.contributions), Decimal(0)) == result.score
    if result.disqualified:
        assert result.stage is None and not result.qualified


@given(rulesets(Contact), leads(Contact))
def test_evaluate_never_raises_on_schema_leads_and_contributions_add_up(
    rules: leadrules.RuleSet, lead: Contact
) -> None:
    assert rules.schema is Contact
    result = rules.evaluate(lead, now=NOW)
    assert sum((c.points for c in result.contributions), Decimal(0)) == result.score


@given(rulesets(Prospect), leads(Prospect))
def test_leads_of_a_schema_with_typed_events_are_built_from_the_event_class(
    rules: leadrules.RuleSet, lead: Prospect
) -> None:
    assert isinstance(lead, Prospect) and isinstance(lead.events, list)
    assert isinstance(lead.address, ProspectAddress) and isinstance(lead.plan, ProspectPlan)
    now = dt.datetime.now(UTC)
    for event in lead.events:
        assert isinstance(event, Webinar)
        assert ast.normalize_name(event.name) in EVENT_KEYS
        assert event.at.tzinfo is not None and event.at < now
        assert isinstance(event.topic, str)
    result = rules.evaluate(lead, now=now)
    assert sum((c.points for c in result.contributions), Decimal(0)) == result.score
