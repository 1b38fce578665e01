"""Bad lead data never stops scoring, and rule text never raises anything but LeadRulesError
(language.md §2 "Messy data", issue 2 item 8): cases found by a robustness review."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

import leadrules

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 6, 1, tzinfo=UTC)
BACKENDS = ["compiled", "reference"]


def score(source: str, lead: Any, backend: str) -> leadrules.Result:
    return leadrules.compile(source, backend=backend).evaluate(lead, now=NOW)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00", "2026-01-01T00:00:00+99:00"]
)
def test_dates_that_overflow_in_utc_are_unreadable(backend: str, text: str) -> None:
    for source, lead in [
        ("+5 when signed up >= 2026-01-01", {"signed up": text}),
        ("+5 when signed up within 30 days", {"signed up": text}),
        ("+5 when opened email within 30 days", {"events": [{"name": "opened email", "at": text}]}),
    ]:
        result = score(source, lead, backend)
        assert result.score == 0
        assert result.warnings


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_lone_surrogate_in_text_does_not_stop_a_pattern(backend: str) -> None:
    lead = json.loads('{"job title": "VP \\ud83d"}')
    assert score("+5 when job title matches /vp/i", lead, backend).score == 5


def test_a_lone_surrogate_in_a_pattern_is_a_compile_error() -> None:
    with pytest.raises(leadrules.RuleCheckError):
        leadrules.compile("+5 when t matches /vp\ud800/")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "source",
    [
        "+5 when signed up within 2026 years",
        "+5 when signed up within 999999999 days",
        "+5 when opened email within 5000 years",
        "+5 when opened email, decaying 50% every 5000 years",
    ],
)
def test_windows_reaching_before_year_one_hold_everything(backend: str, source: str) -> None:
    lead = {
        "signed up": "2020-01-01",
        "events": [{"name": "opened email", "at": "2026-05-01T00:00:00Z"}],
    }
    assert score(source, lead, backend).score == 5


def test_definitions_nested_too_deeply_are_a_compile_error_not_a_crash() -> None:
    lines = ["define d0 as b"] + [f"define d{i} as d{i - 1} and b" for i in range(1, 300)]
    with pytest.raises(leadrules.RuleCheckError) as info:
        leadrules.compile("\n".join([*lines, "+1 when d299"]))
    assert "nested" in str(info.value)


class _Hostile(str):
    def strip(self, chars: str | None = None) -> str:
        raise RuntimeError("no")


class _BadList(list):  # type: ignore[type-arg]
    def __iter__(self) -> Any:
        raise RuntimeError("no")

    def __len__(self) -> int:
        raise RuntimeError("no")


class _BadInt(int):
    def __ne__(self, other: object) -> bool:
        raise RuntimeError("no")

    def __float__(self) -> float:
        raise RuntimeError("no")


class _BadZone(dt.tzinfo):
    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta:
        raise RuntimeError("no")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "value",
    [
        _Hostile("x"),
        _BadList([1]),
        _BadInt(3),
        Decimal("sNaN"),
        dt.datetime(2026, 1, 1, tzinfo=_BadZone()),
        dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=5))),
    ],
    ids=["str-strip-raises", "list-iter-raises", "int-ne-raises", "snan", "tz-raises", "min"],
)
def test_hostile_values_become_unknown_not_exceptions(backend: str, value: Any) -> None:
    source = (
        '+1 when x\n+1 when x contains "a"\n+1 per x\n+1 when x > 2026-01-01\n'
        "+1 when x within 30 days\ndisqualify when x = 1\nMQL at 1 when x"
    )
    result = score(source, {"x": value, "events": [{"name": "x", "at": value}]}, backend)
    assert isinstance(result, leadrules.Result)
    json.dumps(result.to_dict())


def test_to_dict_survives_a_lead_that_contains_itself() -> None:
    lead: dict[str, Any] = {"x": True}
    lead["x"] = {"again": lead, "y": True}
    result = leadrules.evaluate("+1 when x.y", lead, now=NOW)
    json.dumps(result.to_dict())
