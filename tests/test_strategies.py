"""leadrules.strategies and leadrules.testing: the public helpers for property-based and
example-based tests of rule files.

Each strategy is drawn from and the draws are checked against what its documentation promises.
Tests decorated with a bare ``@given`` run at Hypothesis' default settings, so they also show
that the strategies pass its health checks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import functools
import importlib.util
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypedDict

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import leadrules
from leadrules.lang import ast
from leadrules.strategies import (
    COUNTRY_CODES,
    DEFAULT_EVENT_NAMES,
    PERSONAL_EMAIL_DOMAINS,
    events,
    is_reserved,
    leads,
    rule_sources,
    rulesets,
)
from leadrules.testing import (
    assert_disqualified,
    assert_not_disqualified,
    assert_score,
    assert_stage,
)

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------ sample schemas


class Plan(enum.Enum):
    FREE = "free"
    TEAM = "team"
    ENTERPRISE = "enterprise"


@attrs.frozen
class Address:
    country: str | None = None
    city: str | None = None


@attrs.frozen
class Contact:
    email: str
    job_title: str | None
    company_size: int | None = None
    annual_revenue: Decimal | None = None
    engagement_ratio: float = 0.0
    country: str = "GB"
    opted_in: bool = False
    signed_up: dt.date | None = None
    created_at: dt.datetime | None = None  # "at" is a keyword: rules must write it another way
    plan: Plan = Plan.FREE
    tier: Literal["bronze", "silver", "gold"] = "bronze"
    address: Address | None = None
    events: list[leadrules.Event] = attrs.Factory(list)


@attrs.frozen
class Account:
    """No events field: rules about it may not mention events."""

    name: str
    employees: int
    is_customer: bool = False


# The schema of docs/checking.md: its events are a class of the user's own, with required
# fields of its own (`topic`), not leadrules.Event.


@attrs.frozen
class ProspectAddress:
    country: Literal["GB", "IE"]
    city: str | None = None


@attrs.frozen
class Webinar:
    name: str
    at: dt.datetime
    topic: str


class ProspectPlan(enum.Enum):
    FREE = "free"
    PRO = "pro"
    ENTERPRISE = "enterprise"


@attrs.frozen
class Prospect:
    email: str
    job_title: str | None
    company_size: int
    industry: Literal["software", "fintech", "retail"]
    plan: ProspectPlan
    signed_up: dt.date
    tags: list[str]
    address: ProspectAddress
    events: list[Webinar]


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
EVENT_KEYS = {ast.normalize_name(n) for n in DEFAULT_EVENT_NAMES}


def _collect(strategy: st.SearchStrategy[Any], n: int = 200) -> list[Any]:
    """``n`` draws of ``strategy``, the same ones on every run."""
    found: list[Any] = []

    @settings(max_examples=n, database=None, derandomize=True, deadline=None)
    @given(strategy)
    def draw(value: Any) -> None:
        found.append(value)

    draw()
    return found


@functools.cache
def _lead_draws() -> list[dict[str, Any]]:
    """200 schema-less leads, drawn once for the tests that look at many leads."""
    return _collect(leads(), 200)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ------------------------------------------------------------------------------ import


def test_importing_without_hypothesis_says_how_to_install_it() -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "import leadrules\n"  # the library itself does not need Hypothesis,
        "from leadrules.testing import assert_score\n"  # nor do the assertion helpers
        "assert_score('+5 when x', {'x': True}, 5)\n"
        "try:\n"
        "    import leadrules.strategies\n"
        "except ImportError as exc:\n"
        "    assert isinstance(exc, leadrules.LeadRulesError), type(exc).__mro__\n"
        "    print(exc)\n"
        "else:\n"
        "    raise SystemExit('no error')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    assert 'pip install "leadrules[hypothesis]"' in run.stdout


# ------------------------------------------------------------------------------ events()


@given(events(now=NOW, max_age=dt.timedelta(days=30)))
def test_events_are_events_before_now_and_within_max_age(found: list[leadrules.Event]) -> None:
    assert isinstance(found, list)
    for event in found:
        assert isinstance(event, leadrules.Event)
        assert event.at.tzinfo is not None
        assert NOW - dt.timedelta(days=30) <= event.at < NOW
        assert ast.normalize_name(event.name) in EVENT_KEYS
        assert isinstance(event.properties, dict)


@given(events(["Booked Meeting", "visited_docs"], now=NOW, min_size=2, max_size=4))
def test_events_use_the_names_given_and_the_sizes_asked(found: list[leadrules.Event]) -> None:
    assert 2 <= len(found) <= 4
    assert {e.name for e in found} <= {"Booked Meeting", "visited_docs"}


@given(events(st.sampled_from(["trial started"]), now=NOW, min_size=1))
def test_events_take_a_strategy_of_names(found: list[leadrules.Event]) -> None:
    assert found and all(e.name == "trial started" for e in found)


def test_events_default_now_is_the_current_time() -> None:
    for found in _collect(events(min_size=1), 30):
        assert all(e.at < dt.datetime.now(UTC) for e in found)


def test_events_spell_names_the_ways_exports_do_and_carry_realistic_properties() -> None:
    draws = [e for found in _collect(events(now=NOW, min_size=1), 150) for e in found]
    names = {e.name for e in draws}
    assert any("_" in n for n in names) and any(n[0].isupper() for n in names)
    webinars = [e for e in draws if ast.normalize_name(e.name) == "attended webinar"]
    assert webinars and all("topic" in e.properties for e in webinars)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"names": "opened email"}, "names"),
        ({"names": []}, "names"),
        ({"names": ["ok", "  "]}, "non-blank"),
        ({"names": 5}, "names"),
        ({"now": "2026-01-01"}, "now"),
        ({"now": dt.date(2026, 1, 1)}, "now"),
        ({"max_age": 30}, "max_age"),
        ({"max_age": dt.timedelta(0)}, "max_age"),
        ({"min_size": -1}, "min_size"),
        ({"max_size": 2.5}, "max_size"),
        ({"min_size": 3, "max_size": 2}, "min_size"),
    ],
)
def test_events_reject_bad_arguments_at_once(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(leadrules.InvalidArgument, match=words):
        events(**kwargs)


def test_events_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        events(None, NOW)  # type: ignore[misc]


# ------------------------------------------------------------------------------ leads()

DICT_KEYS = {
    "id",
    "email",
    "first_name",
    "last_name",
    "job_title",
    "company",
    "company_size",
    "industry",
    "country",
    "lead_source",
    "budget",
    "Annual Revenue (USD)",
    "signed_up",
    "last_seen",
    "downloaded_whitepaper",
    "requested_demo",
    "booked_call",
    "subscribed",
    "address",
    "events",
}


@given(leads())
def test_leads_are_dicts_with_the_documented_keys(lead: dict[str, Any]) -> None:
    assert isinstance(lead, dict)
    assert set(lead) <= DICT_KEYS
    if not _blank(lead.get("country")):
        assert lead["country"].strip().upper() in COUNTRY_CODES
    if not _blank(lead.get("email")):
        local, _, domain = lead["email"].strip().lower().partition("@")
        assert local and "." in domain
    if not _blank(lead.get("company_size")):
        size = lead["company_size"]
        number = int(str(size).replace(",", "").strip())
        assert 1 <= number <= 250_000
    for event in lead.get("events") or ():
        assert isinstance(event, leadrules.Event)
        assert event.at <= dt.datetime.now(UTC)


def test_leads_mix_in_missing_blank_and_messy_values() -> None:
    draws = _lead_draws()
    forms: set[str] = set()
    for key in ("email", "country", "job_title", "company_size", "industry", "budget"):
        for lead in draws:
            if key not in lead:
                forms.add("absent")
            elif lead[key] is None:
                forms.add("None")
            elif isinstance(lead[key], str) and not lead[key].strip():
                forms.add("blank")
        assert sum(_blank(lead.get(key)) for lead in draws) >= 10, key
        assert sum(not _blank(lead.get(key)) for lead in draws) >= 100, key
    assert forms == {"absent", "None", "blank"}
    sizes = [lead["company_size"] for lead in draws if "company_size" in lead]
    assert any(isinstance(s, int) for s in sizes)
    assert any(isinstance(s, str) and s.strip().isdigit() for s in sizes)  # numbers as text


def test_leads_are_realistic_marketing_data() -> None:
    draws = _lead_draws()
    domains = [
        lead["email"].strip().lower().rpartition("@")[2]
        for lead in draws
        if not _blank(lead.get("email"))
    ]
    assert any(d in PERSONAL_EMAIL_DOMAINS for d in domains)
    assert any(d not in PERSONAL_EMAIL_DOMAINS for d in domains)
    titles = " | ".join(lead["job_title"] for lead in draws if not _blank(lead.get("job_title")))
    for seniority in (
        r"\b(chief|ceo|cto|cfo|founder|owner)\b",
        r"\bvp\b",
        r"\bhead of\b",
        r"\bdirector\b",
        r"\bmanager\b",
        r"\b(intern|student|assistant|associate|trainee)\b",
    ):
        assert re.search(seniority, titles, re.IGNORECASE), seniority
    sizes = [
        int(str(lead["company_size"]).replace(",", "").strip())
        for lead in draws
        if not _blank(lead.get("company_size"))
    ]
    # Log-distributed: every order of magnitude from tens to tens of thousands shows up.
    for low in (10, 100, 1_000, 10_000):
        assert any(low <= s < low * 10 for s in sizes), low
    industries = {lead["industry"].lower() for lead in draws if not _blank(lead.get("industry"))}
    assert len(industries) >= 10


@given(leads(country="FR", plan=st.sampled_from(["pro", "team"]), requested_demo=True))
def test_leads_fields_can_be_overridden_with_constants_and_strategies(lead: dict[str, Any]) -> None:
    assert lead["country"] == "FR"
    assert lead["plan"] in ("pro", "team")
    assert lead["requested_demo"] is True


@given(leads(events=events(now=NOW, min_size=1)))
def test_leads_events_can_be_overridden(lead: dict[str, Any]) -> None:
    assert lead["events"] and all(e.at < NOW for e in lead["events"])


@given(leads(Contact))
def test_leads_of_an_attrs_schema_follow_its_field_types(lead: Contact) -> None:
    assert isinstance(lead, Contact)
    assert isinstance(lead.email, str)  # required and not Optional: never None
    assert lead.job_title is None or isinstance(lead.job_title, str)
    assert lead.company_size is None or (
        isinstance(lead.company_size, int) and not isinstance(lead.company_size, bool)
    )
    assert lead.annual_revenue is None or isinstance(lead.annual_revenue, Decimal)
    assert isinstance(lead.engagement_ratio, float)
    assert isinstance(lead.opted_in, bool)
    assert lead.signed_up is None or type(lead.signed_up) is dt.date
    assert lead.created_at is None or (
        isinstance(lead.created_at, dt.datetime) and lead.created_at.tzinfo is not None
    )
    assert isinstance(lead.plan, Plan)
    assert lead.tier in ("bronze", "silver", "gold")
    assert lead.address is None or isinstance(lead.address, Address)
    assert isinstance(lead.events, list)
    assert all(isinstance(e, leadrules.Event) for e in lead.events)
    if lead.country.strip():
        assert lead.country.strip().upper() in COUNTRY_CODES


def test_leads_of_a_schema_use_realistic_values_by_field_name() -> None:
    draws = _collect(leads(Contact), 150)
    emails = [c.email for c in draws if c.email.strip()]
    assert emails and all("@" in e for e in emails)
    assert "" in [c.email.strip() for c in draws]  # text fields are sometimes blank
    assert None in [c.job_title for c in draws]  # Optional fields are sometimes None
    sizes = [c.company_size for c in draws if c.company_size is not None]
    assert min(sizes) < 100 and max(sizes) > 1_000


@given(leads(Contact, plan=Plan.ENTERPRISE, company_size=st.integers(1, 9)))
def test_leads_of_a_schema_can_be_overridden(lead: Contact) -> None:
    assert lead.plan is Plan.ENTERPRISE
    assert lead.company_size is not None and 1 <= lead.company_size <= 9


@given(leads(leadrules.Lead))
def test_leads_of_the_ready_made_lead_class(lead: leadrules.Lead) -> None:
    assert isinstance(lead, leadrules.Lead)
    assert isinstance(lead.events, tuple)
    assert "extra" not in lead.extra


def test_leads_of_the_lead_class_get_extra_fields_and_open_overrides() -> None:
    draws = _collect(leads(leadrules.Lead, budget=5000), 30)
    assert all(lead.extra["budget"] == 5000 for lead in draws)
    assert any("requested_demo" in lead.extra for lead in draws)


@given(leads({"company size": int, "country": str, "signed up": dt.date, "vip": bool}))
def test_leads_of_a_mapping_schema_are_dicts_of_those_fields(lead: dict[str, Any]) -> None:
    assert set(lead) <= {"company size", "country", "signed up", "vip"}
    assert lead.get("vip") is None or isinstance(lead["vip"], bool)
    assert lead.get("company size") is None or isinstance(lead["company size"], int)
    assert lead.get("signed up") is None or isinstance(lead["signed up"], dt.date)


@dataclasses.dataclass
class Signup:
    email: str
    seats: int = 1
    trial: bool = False


NESTED_MAPPING = {"company size": int, "address": {"country": str, "city": str}}


@given(leads(Signup), rule_sources(Signup))
def test_dataclass_schemas_give_instances_and_rules_that_fit(lead: Signup, source: str) -> None:
    assert isinstance(lead, Signup) and isinstance(lead.email, str)
    assert isinstance(lead.seats, int) and isinstance(lead.trial, bool)
    leadrules.compile(source, schema=Signup)


@given(leads(NESTED_MAPPING), rule_sources(NESTED_MAPPING))
def test_nested_mapping_schemas_give_nested_dicts_and_rules_that_fit(
    lead: dict[str, Any], source: str
) -> None:
    assert set(lead) <= {"company size", "address"}
    if lead.get("address") is not None:
        assert set(lead["address"]) <= {"country", "city"}
    leadrules.compile(source, schema=NESTED_MAPPING)


class Visitor(TypedDict, total=False):
    email: str
    seats: int


class Trialist(Visitor):
    plan: Literal["team", "enterprise"]  # required: Trialist is total


@given(leads(Trialist), rule_sources(Trialist))
def test_typeddict_schemas_give_dicts_and_rules_that_fit(lead: Any, source: str) -> None:
    assert isinstance(lead, dict) and set(lead) <= {"email", "seats", "plan"}
    assert lead["plan"] in ("team", "enterprise")
    assert lead.get("seats") is None or isinstance(lead["seats"], int)
    leadrules.compile(source, schema=Trialist)


@attrs.frozen
class Checked:
    size: int = attrs.field(validator=attrs.validators.gt(100))


@given(leads(Checked))
def test_leads_respect_the_schemas_own_validators(lead: Checked) -> None:
    assert lead.size > 100


def test_leads_reject_an_unknown_override_with_a_suggestion() -> None:
    with pytest.raises(leadrules.InvalidArgument, match="did you mean 'company_size'"):
        leads(Contact, compnay_size=5)


@pytest.mark.parametrize(
    "schema", [Contact(email="a@b.c", job_title=None), 42, "Contact", [("a", int)]]
)
def test_leads_reject_what_is_not_a_schema(schema: Any) -> None:
    with pytest.raises(leadrules.InvalidArgument, match="schema"):
        leads(schema)


def test_leads_name_an_instance_given_for_a_class() -> None:
    with pytest.raises(leadrules.InvalidArgument, match="not an instance"):
        leads(Contact(email="a@b.c", job_title=None))


def test_invalid_argument_is_a_leadrules_error() -> None:
    with pytest.raises(leadrules.LeadRulesError):
        leads(7)


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


def _check_schema_use(
    source: str,
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
    tree = leadrules.compile(source).tree
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
    leadrules.compile(source, schema=Contact)
    _check_schema_use(source, CONTACT_KINDS, has_events=True)


@given(rule_sources(Account))
def test_rule_sources_for_a_schema_without_events_never_mention_events(source: str) -> None:
    _check_schema_use(source, ACCOUNT_KINDS, has_events=False)
    leadrules.compile(source, schema=Account)


def test_rule_sources_write_names_with_reserved_words_another_way() -> None:
    sources = "\n".join(_collect(rule_sources(Contact), 60))
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
    for source in _collect(rule_sources(), 300):
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


def _wheres(source: str) -> list[Any]:
    """The `where` filters of ``source``."""
    tree = leadrules.compile(source).tree
    found = [n.where for n, _ in _conditions(tree) if isinstance(n, ast.Fact) and n.where]
    return found


@given(rule_sources(Prospect))
def test_rule_sources_filter_typed_events_only_on_the_event_class_fields(source: str) -> None:
    leadrules.compile(source, schema=Prospect)
    _check_schema_use(
        source, PROSPECT_KINDS, True, choices=PROSPECT_CHOICES, where_kinds=WEBINAR_KINDS
    )


def test_rule_sources_for_typed_events_do_use_where_filters() -> None:
    sources = _collect(rule_sources(Prospect), 100)
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
        source,
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
    assert _wheres(source) == []
    leadrules.compile(source, schema={"company size": int, "events": list[Ping]})
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
    leadrules.compile(source, schema={"email": str, "events": list[Touch]})
    _check_schema_use(
        source, {"email": "text"}, True, event_keys={"webinar attended", "demo requested"}
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


# ------------------------------------------------------------------------------ assertion helpers

RULES = leadrules.compile(
    '+30 when requested demo as "Asked for a demo"\n'
    "+25 when job title contains 'VP'\n"
    "disqualify when country != 'GB' because \"We only sell in the UK\"\n"
    "MQL at 50\n"
    "SQL at 80 when requested demo\n"
)
VP_WITH_DEMO = {"job_title": "VP Sales", "requested_demo": True, "country": "GB"}  # 55: MQL
VP_ABROAD = {"job_title": "VP Sales", "requested_demo": True, "country": "FR"}


def _explanation(lead: Any) -> str:
    return RULES.evaluate(lead, now=NOW).explain()


def test_assert_stage_returns_the_result_when_it_holds() -> None:
    result = assert_stage(RULES, VP_WITH_DEMO, "MQL", now=NOW)
    assert result.score == 55 and result.stage == "MQL"
    assert assert_stage(RULES, {"country": "GB"}, None, now=NOW).stage is None


def test_assert_stage_failure_shows_the_full_explanation() -> None:
    with pytest.raises(AssertionError) as failure:
        assert_stage(RULES, VP_WITH_DEMO, "SQL", now=NOW)
    message = str(failure.value)
    assert "expected stage 'SQL', got stage 'MQL'" in message
    assert _explanation(VP_WITH_DEMO) in message


def test_assert_stage_failure_says_the_lead_is_disqualified() -> None:
    with pytest.raises(AssertionError, match="disqualified") as failure:
        assert_stage(RULES, VP_ABROAD, "MQL", now=NOW)
    assert _explanation(VP_ABROAD) in str(failure.value)


def test_assert_stage_takes_rule_text_too() -> None:
    assert_stage(
        "+20 when downloaded whitepaper; MQL at 20",
        {"downloaded whitepaper": "yes"},
        "MQL",
        now=NOW,
    )


def test_assert_score_exact_and_bounds() -> None:
    assert_score(RULES, VP_WITH_DEMO, 55, now=NOW)
    assert_score(RULES, VP_WITH_DEMO, "55", now=NOW)
    assert_score(RULES, VP_WITH_DEMO, at_least=50, at_most=55, now=NOW)
    assert_score("+0.1 when a; +0.2 when b", {"a": True, "b": True}, 0.3)


@pytest.mark.parametrize(
    ("kwargs", "summary"),
    [
        ({"score": 60}, "expected a score of 60, got 55"),
        ({"at_least": 56}, "expected a score of at least 56, got 55"),
        ({"at_most": 54.5}, "expected a score of at most 54.5, got 55"),
    ],
)
def test_assert_score_failure_shows_the_full_explanation(
    kwargs: dict[str, Any], summary: str
) -> None:
    with pytest.raises(AssertionError) as failure:
        assert_score(RULES, VP_WITH_DEMO, now=NOW, **kwargs)
    assert summary in str(failure.value)
    assert _explanation(VP_WITH_DEMO) in str(failure.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"score": "lots"},
        {"score": True},
        {"score": float("nan")},
        {"at_least": 5, "at_most": 1},
    ],
)
def test_assert_score_rejects_bad_expectations(kwargs: dict[str, Any]) -> None:
    with pytest.raises(leadrules.InvalidArgument):
        assert_score(RULES, VP_WITH_DEMO, now=NOW, **kwargs)


def test_assert_disqualified_and_its_reason() -> None:
    result = assert_disqualified(RULES, VP_ABROAD, now=NOW)
    assert result.disqualified
    assert_disqualified(RULES, VP_ABROAD, reason="  we only sell in the uk ", now=NOW)


def test_assert_disqualified_failures_show_the_full_explanation() -> None:
    with pytest.raises(AssertionError, match="expected the lead to be disqualified") as failure:
        assert_disqualified(RULES, VP_WITH_DEMO, now=NOW)
    assert _explanation(VP_WITH_DEMO) in str(failure.value)
    with pytest.raises(AssertionError, match="Competitor") as failure:
        assert_disqualified(RULES, VP_ABROAD, reason="Competitor", now=NOW)
    assert "We only sell in the UK" in str(failure.value)
    assert _explanation(VP_ABROAD) in str(failure.value)


def test_assert_not_disqualified() -> None:
    assert not assert_not_disqualified(RULES, VP_WITH_DEMO, now=NOW).disqualified
    with pytest.raises(AssertionError, match="We only sell in the UK") as failure:
        assert_not_disqualified(RULES, VP_ABROAD, now=NOW)
    assert _explanation(VP_ABROAD) in str(failure.value)


def test_assertion_helpers_reject_bad_arguments() -> None:
    with pytest.raises(leadrules.InvalidArgument):
        assert_stage(RULES, VP_WITH_DEMO, 50, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(leadrules.InvalidArgument):
        assert_stage(42, VP_WITH_DEMO, "MQL")  # type: ignore[arg-type]
    with pytest.raises(leadrules.InvalidArgument):
        assert_not_disqualified(RULES, VP_WITH_DEMO, now="today")  # type: ignore[arg-type]
    with pytest.raises(leadrules.InvalidArgument):
        assert_disqualified(RULES, VP_ABROAD, reason=3)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ the examples


def _load_example() -> Any:
    path = ROOT / "examples" / "test_my_rules.py"
    spec = importlib.util.spec_from_file_location("example_test_my_rules", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLE = _load_example()
EXAMPLE_TESTS: list[Callable[[], None]] = [
    getattr(EXAMPLE, name) for name in dir(EXAMPLE) if name.startswith("test_")
]


@pytest.mark.parametrize("example", EXAMPLE_TESTS, ids=lambda f: f.__name__)
def test_the_example_properties_hold(example: Callable[[], None]) -> None:
    example()


def test_the_examples_are_the_three_properties_of_the_docs() -> None:
    docs = (ROOT / "docs" / "testing.md").read_text("utf-8")
    assert len(EXAMPLE_TESTS) >= 3
    for test in EXAMPLE_TESTS:
        assert f"def {test.__name__}(" in docs, test.__name__
