"""The Result: immutable, adds up exactly, names its evidence, renders as text and JSON
(language.md §3, api.md "Result")."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

import leadrules

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

RULES = """\
define decision maker as job title matches /\\b(vp|head|director)\\b/i
group fit max 30:
    +20 when decision maker
    +15 when company size between 50 and 5000
    -10 when email ends with "@gmail.com" as "Personal email address"
+12.5 when downloaded whitepaper
+0.1 when newsletter
disqualify when country not in ["GB", "IE"] because "UK and Ireland only"
disqualify when budget < 100
MQL at 30
SQL at 60 when requested demo
"""

LEAD = {
    "job title": "VP Marketing",
    "company size": "250",
    "email": "ann@acme.com",
    "downloaded whitepaper": True,
    "newsletter": "yes",
    "country": "GB",
    "signed up": dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
}

API_ATTRIBUTES = [
    "score",
    "stage",
    "qualified",
    "disqualified",
    "disqualifications",
    "contributions",
    "groups",
    "undecided",
    "warnings",
    "next_stage",
    "points_to_next_stage",
]


@pytest.fixture(scope="module")
def rules() -> leadrules.RuleSet:
    return leadrules.compile(RULES, filename="scoring.leadrules")


@pytest.fixture(scope="module")
def result(rules: leadrules.RuleSet) -> leadrules.Result:
    return rules.evaluate(LEAD, now=NOW)


def test_scores_as_expected(result: leadrules.Result) -> None:
    # fit: 20 + 15 = 35, clamped to 30; loose: 12.5 + 0.1.
    assert result.groups["fit"] == 30
    assert result.score == Decimal("42.6")
    assert result.stage == "MQL"
    assert result.qualified
    assert not result.disqualified
    assert result.next_stage == "SQL"
    assert result.points_to_next_stage == Decimal("17.4")


def test_types_of_the_api_attributes(result: leadrules.Result) -> None:
    assert isinstance(result.score, Decimal)
    assert isinstance(result.stage, str)
    assert isinstance(result.qualified, bool)
    assert isinstance(result.disqualified, bool)
    assert isinstance(result.disqualifications, tuple)
    assert isinstance(result.contributions, tuple)
    assert isinstance(result.undecided, tuple)
    assert isinstance(result.warnings, tuple)
    assert all(isinstance(w, str) for w in result.warnings)
    assert isinstance(result.points_to_next_stage, Decimal)


def test_contributions_with_the_clamp_add_up_exactly(result: leadrules.Result) -> None:
    assert sum((c.points for c in result.contributions), Decimal(0)) == result.score
    points = sorted(c.points for c in result.contributions)
    assert points == sorted(
        [Decimal(20), Decimal(15), Decimal(-5), Decimal("12.5"), Decimal("0.1")]
    )


def test_contribution_fields(result: leadrules.Result) -> None:
    by_line = {c.line: c for c in result.contributions if c.points != -5}
    assert set(by_line) == {3, 4, 6, 7}
    assert by_line[3].points == 20
    assert by_line[3].group == "fit"
    assert by_line[3].column == 5
    assert "decision maker" in by_line[3].label
    assert by_line[6].points == Decimal("12.5")
    assert by_line[6].group is None
    assert by_line[6].column == 1
    assert "downloaded whitepaper" in by_line[6].label


def test_the_group_clamp_is_a_contribution_of_the_group(result: leadrules.Result) -> None:
    clamps = [c for c in result.contributions if c.points == -5]
    assert len(clamps) == 1
    assert clamps[0].group == "fit"
    assert clamps[0].line == 2


def test_evidence_names_the_values(result: leadrules.Result) -> None:
    by_line = {c.line: c for c in result.contributions}
    size = {(e.name, e.value) for e in by_line[4].evidence}
    assert ("company size", "250") in size
    title = [e for e in by_line[3].evidence if e.name == "job title"]
    assert [e.value for e in title] == ["VP Marketing"]


def test_evidence_of_a_conjunction_names_every_value() -> None:
    result = leadrules.evaluate(
        '+10 when country = "GB" and company size > 100', {"country": "gb", "company size": 500}
    )
    names = {e.name: e.value for e in result.contributions[0].evidence}
    assert names == {"country": "gb", "company size": 500}


def test_disqualification_evidence() -> None:
    result = leadrules.compile(RULES).evaluate({**LEAD, "country": "FR", "budget": 50}, now=NOW)
    assert result.disqualified
    assert len(result.disqualifications) == 2
    assert result.disqualifications[0].reason == "UK and Ireland only"
    assert [(e.name, e.value) for e in result.disqualifications[0].evidence] == [("country", "FR")]
    assert ("budget", 50) in [(e.name, e.value) for e in result.disqualifications[1].evidence]
    assert [d.line for d in result.disqualifications] == [8, 9]


def test_undecided_rules_are_reported(result: leadrules.Result) -> None:
    # budget is missing: `disqualify when budget < 100` cannot be decided.
    lines = [u.line for u in result.undecided]
    assert 9 in lines
    undecided = next(u for u in result.undecided if u.line == 9)
    assert "budget" in undecided.missing


# ------------------------------------------------------------------------- immutability


def test_result_is_immutable(result: leadrules.Result) -> None:
    with pytest.raises(AttributeError):
        result.score = Decimal(1000)  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.groups["fit"] = Decimal(1000)  # type: ignore[index]
    with pytest.raises(AttributeError):
        result.contributions[0].points = Decimal(1)  # type: ignore[misc]


# ------------------------------------------------------------------------- explain()


def test_explain_mentions_every_fired_rule_with_points_and_line(result: leadrules.Result) -> None:
    text = result.explain()
    assert isinstance(text, str)
    for expected in ("+20", "+15", "+12.5", "+0.1", "-5"):
        assert expected in text, expected
    for line in (2, 3, 4, 6, 7):
        assert f"line {line}" in text
    assert "decision maker" in text
    assert "downloaded whitepaper" in text
    assert "42.6" in text
    assert "MQL" in text


def test_explain_shows_labels_negative_points_and_disqualification() -> None:
    lead = {**LEAD, "email": "ann@gmail.com", "country": "US"}
    text = leadrules.compile(RULES).evaluate(lead, now=NOW).explain()
    assert "Personal email address" in text
    assert "-10" in text
    assert "UK and Ireland only" in text
    assert "line 8" in text


def test_explain_shows_the_evidence(result: leadrules.Result) -> None:
    text = result.explain()
    assert "VP Marketing" in text
    assert "250" in text


def test_explain_lists_undecided_rules_and_warnings() -> None:
    result = leadrules.compile(RULES).evaluate({**LEAD, "company size": "lots"}, now=NOW)
    assert result.warnings
    text = result.explain()
    assert "lots" in text
    assert "budget" in text


# ------------------------------------------------------------------------- to_dict()


def test_to_dict_is_json_and_has_every_api_attribute(result: leadrules.Result) -> None:
    data = result.to_dict()
    text = json.dumps(data)
    again = json.loads(text)
    for key in API_ATTRIBUTES:
        assert key in again, key
    assert Decimal(str(again["score"])) == result.score
    assert again["stage"] == "MQL"
    assert again["qualified"] is True
    assert again["disqualified"] is False
    assert again["next_stage"] == "SQL"
    assert Decimal(str(again["points_to_next_stage"])) == Decimal("17.4")
    assert {k: Decimal(str(v)) for k, v in again["groups"].items()} == {"fit": 30}
    assert len(again["contributions"]) == len(result.contributions)
    assert len(again["undecided"]) == len(result.undecided)
    assert again["warnings"] == list(result.warnings)


def test_to_dict_contributions_have_their_fields(result: leadrules.Result) -> None:
    contributions = json.loads(json.dumps(result.to_dict()))["contributions"]
    for item in contributions:
        for key in ("points", "label", "group", "line", "column", "evidence"):
            assert key in item, key
    total = sum(Decimal(str(c["points"])) for c in contributions)
    assert total == result.score


def test_to_dict_disqualifications_have_their_fields() -> None:
    result = leadrules.compile(RULES).evaluate({**LEAD, "country": "FR"}, now=NOW)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["disqualified"] is True
    assert data["stage"] is None
    assert data["qualified"] is False
    (item,) = data["disqualifications"]
    assert item["reason"] == "UK and Ireland only"
    assert item["line"] == 8
    assert item["column"] == 1
    assert "FR" in json.dumps(item["evidence"])


def test_to_dict_with_awkward_evidence_values_is_json() -> None:
    lead: dict[str, Any] = {
        "signed up": dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        "renewal": dt.date(2026, 6, 1),
        "revenue": Decimal("1234.50"),
        "ratio": 0.75,
        "tags": ["vip", "partner"],
        "meta": {"source": object()},
    }
    rules = (
        "+1 when signed up > 2026-01-01\n+1 when renewal < 2027-01-01\n+1 when revenue > 1000\n"
        '+1 when ratio > 0.5\n+1 when tags contains "VIP"\n+1 when meta is present\n'
    )
    result = leadrules.evaluate(rules, lead, now=NOW)
    assert result.score == 6
    text = json.dumps(result.to_dict())
    assert "2026-01-05" in text
    assert "2026-06-01" in text


def test_to_dict_of_an_empty_result() -> None:
    result = leadrules.evaluate("MQL at 10", {}, now=NOW)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["score"] == 0
    assert data["stage"] is None
    assert data["contributions"] == []
    assert data["next_stage"] == "MQL"
    assert data["points_to_next_stage"] == 10
