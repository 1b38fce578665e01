"""The public API of api.md: compile, load, evaluate, RuleSet.evaluate(_many), now, errors."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import leadrules
import leadrules.ruleset

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GUIDE = "+20 when downloaded whitepaper; disqualify when country != 'GB'; MQL at 50"


def test_public_names() -> None:
    for name in (
        "compile",
        "load",
        "evaluate",
        "format",
        "RuleSet",
        "Result",
        "Lead",
        "Event",
        "LeadRulesError",
        "RuleSyntaxError",
    ):
        assert hasattr(leadrules, name), name
    assert issubclass(leadrules.RuleSyntaxError, leadrules.LeadRulesError)


# ------------------------------------------------------------------------- compile / load


def test_compile_returns_a_ruleset_that_evaluates() -> None:
    rules = leadrules.compile(GUIDE)
    assert isinstance(rules, leadrules.RuleSet)
    result = rules.evaluate({"downloaded whitepaper": True, "country": "GB"}, now=NOW)
    assert isinstance(result, leadrules.Result)
    assert result.score == 20


def test_compile_error_carries_filename_line_and_column() -> None:
    with pytest.raises(leadrules.RuleSyntaxError) as info:
        leadrules.compile("+20 when a\n+ when b\n", filename="scoring.leadrules")
    error = info.value
    assert isinstance(error, leadrules.LeadRulesError)
    assert error.filename == "scoring.leadrules"
    assert error.line == 2
    assert error.column >= 1
    text = str(error)
    assert "scoring.leadrules" in text
    assert "+ when b" in text
    assert "^" in text


def test_load_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "scoring.leadrules"
    path.write_text('+20 when requested demo as "Demandé une démo"\nMQL at 20\n', encoding="utf-8")
    for arg in (path, str(path)):
        rules = leadrules.load(arg)
        result = rules.evaluate({"requested demo": True}, now=NOW)
        assert result.score == 20
        assert result.stage == "MQL"
        assert result.contributions[0].label == "Demandé une démo"


def test_load_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.leadrules"
    path.write_text("+20 when a\ndisqualify when\nMQL at 10\n", encoding="utf-8")
    with pytest.raises(leadrules.RuleSyntaxError) as info:
        leadrules.load(path)
    assert info.value.filename == str(path)
    assert info.value.line == 2
    assert str(path) in str(info.value)


def test_load_missing_file_is_a_leadrules_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.leadrules"
    with pytest.raises(leadrules.LeadRulesError) as info:
        leadrules.load(path)
    assert "nope.leadrules" in str(info.value)


def test_load_non_utf8_file_is_a_leadrules_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.leadrules"
    path.write_bytes('+20 when a as "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(leadrules.LeadRulesError):
        leadrules.load(path)


# ------------------------------------------------------------------------- evaluate()


def test_evaluate_accepts_a_ruleset_or_text() -> None:
    lead = {"downloaded whitepaper": True, "country": "GB"}
    from_text = leadrules.evaluate(GUIDE, lead, now=NOW)
    from_rules = leadrules.evaluate(leadrules.compile(GUIDE), lead, now=NOW)
    assert from_text.score == from_rules.score == 20
    assert from_text.to_dict() == from_rules.to_dict()


def test_evaluate_compiles_text_once() -> None:
    text = f"# {uuid.uuid4()}\n+20 when a\nMQL at 10\n"
    cache = leadrules.ruleset._compile_cached
    before = cache.cache_info()
    first = leadrules.evaluate(text, {"a": True}, now=NOW)
    second = leadrules.evaluate(text, {"a": False}, now=NOW)
    third = leadrules.evaluate(text, {"a": "yes"}, now=NOW)
    after = cache.cache_info()
    assert after.misses - before.misses == 1
    assert after.hits - before.hits == 2
    assert [first.score, second.score, third.score] == [20, 0, 20]


def test_evaluate_bad_text_raises_a_syntax_error() -> None:
    with pytest.raises(leadrules.RuleSyntaxError):
        leadrules.evaluate("+20 whem a", {"a": True}, now=NOW)


@pytest.mark.parametrize("rules", [42, None, b"+20 when a", ["+20 when a"]])
def test_evaluate_with_neither_rules_nor_text(rules: Any) -> None:
    with pytest.raises(leadrules.LeadRulesError):
        leadrules.evaluate(rules, {"a": True}, now=NOW)


# ------------------------------------------------------------------------- leads


def test_lead_class_and_event_class() -> None:
    event = leadrules.Event("requested demo", NOW - dt.timedelta(days=1))
    assert event.name == "requested demo"
    assert event.properties == {}
    lead = leadrules.Lead(
        email="ann@acme.com", company_size=300, events=[event], budget=10_000, lead_source="ads"
    )
    result = leadrules.evaluate(
        "+10 when company size > 100\n+5 when budget >= 5000\n+3 when lead source = 'ADS'\n"
        "+30 when requested demo",
        lead,
        now=NOW,
    )
    assert result.score == 48


# ------------------------------------------------------------------------- evaluate_many


def test_evaluate_many_is_lazy() -> None:
    pulled = 0

    def leads() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for i in range(100):
            pulled += 1
            yield {"a": i % 2 == 0}
        raise AssertionError("the input was read to the end")

    rules = leadrules.compile("+10 when a")
    results = rules.evaluate_many(leads(), now=NOW)
    assert pulled <= 1
    first_two = list(itertools.islice(results, 2))
    assert [r.score for r in first_two] == [10, 0]
    assert 2 <= pulled <= 3


def test_evaluate_many_scores_in_order_at_one_now() -> None:
    rules = leadrules.compile("+1 per visits")
    leads = ({"visits": n} for n in range(5))
    results = list(rules.evaluate_many(leads, now=NOW))
    assert [r.score for r in results] == [0, 1, 2, 3, 4]
    assert {r.to_dict()["now"] for r in results} == {NOW.isoformat()}


def test_evaluate_many_without_now_uses_one_now_for_all() -> None:
    rules = leadrules.compile("+1 when a")
    results = list(rules.evaluate_many([{"a": 1}] * 3))
    assert len({r.to_dict()["now"] for r in results}) == 1


def test_evaluate_many_rejects_a_single_lead() -> None:
    rules = leadrules.compile("+1 when a")
    with pytest.raises(leadrules.LeadRulesError):
        list(rules.evaluate_many(42))  # type: ignore[arg-type]


# ------------------------------------------------------------------------- now


def _now_of(result: leadrules.Result) -> dt.datetime:
    return dt.datetime.fromisoformat(result.to_dict()["now"].replace("Z", "+00:00"))


def test_now_is_recorded() -> None:
    result = leadrules.evaluate("+1 when a", {"a": 1}, now=NOW)
    assert _now_of(result) == NOW


def test_naive_now_is_utc() -> None:
    naive = NOW.replace(tzinfo=None)
    result = leadrules.evaluate("+1 when a", {"a": 1}, now=naive)
    recorded = _now_of(result)
    assert recorded.tzinfo is not None
    assert recorded == NOW
    rules = leadrules.compile("+10 when signed up within 1 hours")
    lead = {"signed up": NOW - dt.timedelta(minutes=30)}
    assert rules.evaluate(lead, now=naive).score == rules.evaluate(lead, now=NOW).score == 10


def test_aware_now_in_another_zone_is_the_same_instant() -> None:
    other = NOW.astimezone(dt.timezone(dt.timedelta(hours=-7)))
    rules = leadrules.compile("+10 when signed up within 1 hours")
    lead = {"signed up": "2026-03-01T11:30:00Z"}
    assert rules.evaluate(lead, now=other).score == 10
    assert _now_of(rules.evaluate(lead, now=other)) == NOW


def test_default_now_is_the_current_utc_time() -> None:
    before = dt.datetime.now(UTC)
    result = leadrules.evaluate("+1 when a", {"a": 1})
    after = dt.datetime.now(UTC)
    assert before <= _now_of(result) <= after


@pytest.mark.parametrize(
    "now", ["2026-03-01", dt.date(2026, 3, 1), 1767225600, NOW.timestamp()], ids=repr
)
def test_now_of_the_wrong_type_is_a_leadrules_error(now: Any) -> None:
    with pytest.raises(leadrules.LeadRulesError):
        leadrules.evaluate("+1 when a", {"a": 1}, now=now)
    with pytest.raises(leadrules.LeadRulesError):
        leadrules.compile("+1 when a").evaluate({"a": 1}, now=now)
    with pytest.raises(leadrules.LeadRulesError):
        list(leadrules.compile("+1 when a").evaluate_many([{"a": 1}], now=now))


def test_results_are_deterministic_given_now() -> None:
    rules = leadrules.compile("+10 when signed up within 30 days\n+5 when a")
    lead = {"signed up": "2026-02-10", "a": True}
    assert rules.evaluate(lead, now=NOW).to_dict() == rules.evaluate(lead, now=NOW).to_dict()


# ------------------------------------------------------------- found in review


def test_evaluate_many_refuses_a_single_lead_mapping() -> None:
    # A dict is iterable (over its keys): scoring its keys as leads would be silently wrong.
    rules = leadrules.compile("disqualify when country != 'GB'")
    with pytest.raises(leadrules.InvalidArgument):
        list(rules.evaluate_many({"country": "FR"}))


@pytest.mark.parametrize("path", [None, 5, b"rules.leadrules"])
def test_load_refuses_what_is_not_a_path(path: object) -> None:
    with pytest.raises(leadrules.LeadRulesError):
        leadrules.load(path)  # type: ignore[arg-type]


def test_a_ruleset_is_immutable() -> None:
    rules = leadrules.compile("+1 when x")
    with pytest.raises(AttributeError):
        rules.schema = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        rules.backend = "reference"  # type: ignore[misc]
    assert rules.schema is None


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("source", ["+5 when x\nMQL at 5", "+5 whenn x"])
def test_compiling_leaves_the_garbage_collector_as_it_found_it(enabled: bool, source: str) -> None:
    """compile() pauses Python's cyclic garbage collector while it works (it is faster so);
    it must switch it back on afterwards, also when the rules have a mistake, and must not
    switch it on for a program that had switched it off."""
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with contextlib.suppress(leadrules.RuleSyntaxError):
            leadrules.compile(source)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
