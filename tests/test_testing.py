"""leadrules.testing, the assertion helpers for example-based tests of rule files, and the
examples of docs/testing.md (examples/test_my_rules.py), which use them with the strategies.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import leadrules
from leadrules.testing import (
    assert_disqualified,
    assert_not_disqualified,
    assert_score,
    assert_stage,
)

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


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
