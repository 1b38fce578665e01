"""leadrules.strategies: events() and leads(), and importing the strategies without Hypothesis.

Each strategy is drawn from and the draws are checked against what its documentation promises.
Tests decorated with a bare ``@given`` run at Hypothesis' default settings, so they also show
that the strategies pass its health checks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import subprocess
import sys
from decimal import Decimal
from typing import Any, Literal, TypedDict

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategysamples import EVENT_KEYS, NOW, UTC, Address, Contact, Plan, collect

import leadrules
from leadrules.lang import ast
from leadrules.strategies import (
    COUNTRY_CODES,
    PERSONAL_EMAIL_DOMAINS,
    events,
    leads,
    rule_sources,
)


@functools.cache
def _lead_draws() -> list[dict[str, Any]]:
    """200 schema-less leads, drawn once for the tests that look at many leads."""
    return collect(leads(), 200)


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
    # Commands that work before leadrules is on a package index: Hypothesis itself, or the
    # extra from a checkout.
    assert 'pip install "hypothesis>=6.100"' in run.stdout
    assert 'in a checkout of leadrules, pip install -e ".[hypothesis]"' in run.stdout


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
    for found in collect(events(min_size=1), 30):
        assert all(e.at < dt.datetime.now(UTC) for e in found)


def test_events_spell_names_the_ways_exports_do_and_carry_realistic_properties() -> None:
    draws = [e for found in collect(events(now=NOW, min_size=1), 150) for e in found]
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
    draws = collect(leads(Contact), 150)
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
    draws = collect(leads(leadrules.Lead, budget=5000), 30)
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
