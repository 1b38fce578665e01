"""The checker: what can be known from the rule text alone, each mistake a compile error with
a position (a RuleSyntaxError, so a LeadRulesError), and the checked tree every backend reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

import leadrules
from leadrules import LeadRulesError, RuleSyntaxError
from leadrules.lang import ast

PointsAt = Callable[[BaseException, str, int, int], None]


def error_of(source: str, filename: str = "<rules>") -> RuleSyntaxError:
    with pytest.raises(RuleSyntaxError) as info:
        leadrules.compile(source, filename=filename)
    return info.value


# ------------------------------------------------------------------------------------ examples


def test_guiding_example_compiles(guiding_example: str) -> None:
    rules = leadrules.compile(guiding_example)
    checked = rules.checked
    assert len(checked.score_rules) == 1
    assert len(checked.disqualifications) == 1
    assert rules.stages == ("MQL",)
    assert checked.stages[0].threshold == Decimal("50")


def test_spec_example_compiles(spec_example: str) -> None:
    rules = leadrules.compile(spec_example, filename="scoring.leadrules")
    checked = rules.checked
    assert rules.filename == "scoring.leadrules"
    assert [d.name.key for d in checked.definitions] == ["decision maker", "enterprise"]
    assert rules.groups == ("fit", "engagement")
    assert [(g.name, g.max, g.min, len(g.rules)) for g in checked.groups] == [
        ("fit", Decimal("50"), None, 4),
        ("engagement", Decimal("60"), None, 5),
    ]
    assert len(checked.score_rules) == 9
    assert len(checked.disqualifications) == 2
    assert rules.stages == ("MQL", "SQL")
    # `+20 when decision maker` uses the definition above it.
    first = checked.groups[0].rules[0].condition
    assert isinstance(first, ast.DefRef)
    assert first.definition.name.key == "decision maker"


def test_spec_example_compiles_from_a_file(spec_example: str, tmp_path: Path) -> None:
    path = tmp_path / "scoring.leadrules"
    path.write_text(spec_example, encoding="utf-8")
    rules = leadrules.load(path)
    assert rules.stages == ("MQL", "SQL")


def test_rule_set_keeps_source_order_of_loose_rules_and_groups() -> None:
    rules = leadrules.compile("+1 when a\ngroup g:\n    +2 when b\n+3 when c\n")
    checked = rules.checked
    assert [r.points for r in checked.score_rules] == [Decimal(1), Decimal(2), Decimal(3)]
    assert [type(i).__name__ for i in checked.items] == ["ScoreRule", "CheckedGroup", "ScoreRule"]


def test_stages_are_ranked_by_threshold_not_by_source_order() -> None:
    rules = leadrules.compile("SQL at 80\nLead at 0\nMQL at 50\n")
    assert rules.stages == ("Lead", "MQL", "SQL")
    assert [s.threshold for s in rules.checked.stages] == [Decimal(0), Decimal(50), Decimal(80)]


def test_stage_condition_is_checked_too() -> None:
    rules = leadrules.compile("define hot as requested demo\nSQL at 80 when hot\n")
    condition = rules.checked.stages[0].condition
    assert isinstance(condition, ast.DefRef)


# ------------------------------------------------------------------------------------ definitions


def test_definition_uses_are_resolved() -> None:
    rules = leadrules.compile(
        "define enterprise as company size >= 1000\n"
        "define big buyer as enterprise and budget > 10_000\n"
        "+10 when big buyer\n"
        "disqualify when not enterprise\n"
    )
    big_buyer = rules.checked.definitions[1]
    assert isinstance(big_buyer.condition, ast.And)
    inner = big_buyer.condition.operands[0]
    assert isinstance(inner, ast.DefRef)
    assert inner.definition.name.key == "enterprise"
    score = rules.checked.score_rules[0].condition
    assert isinstance(score, ast.DefRef)
    assert score.definition.name.key == "big buyer"
    disqualify = rules.checked.disqualifications[0].condition
    assert isinstance(disqualify, ast.Not)
    assert isinstance(disqualify.operand, ast.DefRef)


def test_definition_name_matches_ignoring_case_and_separators() -> None:
    rules = leadrules.compile("define decision maker as title = 'vp'\n+1 when Decision_Maker\n")
    condition = rules.checked.score_rules[0].condition
    assert isinstance(condition, ast.DefRef)


def test_definition_used_inside_a_group() -> None:
    rules = leadrules.compile("define dm as title = 'vp'\ngroup fit max 5:\n    +5 when dm\n")
    assert isinstance(rules.checked.groups[0].rules[0].condition, ast.DefRef)


def test_backticked_name_is_a_field_not_the_definition() -> None:
    rules = leadrules.compile("define vip as tier = 'gold'\n+1 when `vip`\n")
    condition = rules.checked.score_rules[0].condition
    assert isinstance(condition, ast.Fact)


def test_unknown_name_that_is_not_close_to_a_definition_is_a_field() -> None:
    rules = leadrules.compile("define decision maker as title = 'vp'\n+1 when requested demo\n")
    assert isinstance(rules.checked.score_rules[0].condition, ast.Fact)


def test_definition_used_before_it_is_defined(points_at: PointsAt) -> None:
    source = "+20 when decision maker\ndefine decision maker as job title matches /vp/i\n"
    error = error_of(source)
    points_at(error, source, 1, 10)
    assert "before" in error.message
    assert "decision maker" in error.message


def test_definition_used_before_it_is_defined_in_another_definition() -> None:
    error = error_of("define a as b and x = 1\ndefine b as y = 2\n")
    assert error.line == 1
    assert "before" in error.message


def test_definition_cannot_use_itself() -> None:
    error = error_of("define loop as loop or x = 1\n")
    assert error.line == 1
    assert isinstance(error, LeadRulesError)


def test_misspelt_definition_gets_a_did_you_mean(points_at: PointsAt) -> None:
    source = "define decision maker as job title = 'vp'\n+20 when decison maker\n"
    error = error_of(source)
    points_at(error, source, 2, 10)
    assert "did you mean `decision maker`" in str(error)


def test_misspelt_definition_in_a_stage_condition() -> None:
    error = error_of("define enterprise as size > 1000\nSQL at 80 when enterprize\n")
    assert error.line == 2
    assert "did you mean `enterprise`" in str(error)


def test_definition_defined_twice(points_at: PointsAt) -> None:
    source = "define enterprise as size > 1000\n+1 when a\ndefine enterprise as size > 5000\n"
    error = error_of(source)
    assert error.line == 3
    assert error.column in (1, 8)  # the statement or its name
    points_at(error, source, 3, error.column)
    assert "twice" in error.message
    assert "line 1" in error.message  # where the first one is


def test_definition_defined_twice_with_different_spelling() -> None:
    error = error_of("define decision maker as a\ndefine Decision-Maker as b\n")
    assert error.line == 2


def test_definition_with_a_count_or_window_is_an_error() -> None:
    error = error_of("define hot as requested demo\n+1 when hot at least 2 times\n")
    assert error.line == 2


# ------------------------------------------------------------------------------------ stages


def test_stage_defined_twice(points_at: PointsAt) -> None:
    source = "MQL at 50\nSQL at 80\nMQL at 60\n"
    error = error_of(source)
    points_at(error, source, 3, 1)
    assert "MQL" in error.message
    assert "twice" in error.message


def test_two_stages_with_the_same_threshold(points_at: PointsAt) -> None:
    source = "MQL at 50\nSQL at 50\n"
    error = error_of(source)
    points_at(error, source, 2, 1)
    assert "MQL" in error.message and "SQL" in error.message
    assert "threshold" in error.message


def test_same_threshold_written_differently() -> None:
    error = error_of("MQL at 50\nSQL at 50.0\n")
    assert error.line == 2


def test_quoted_stage_names_count_as_stage_names() -> None:
    error = error_of('"Sales Qualified" at 80\n"Sales Qualified" at 90\n')
    assert error.line == 2


def test_stages_with_different_thresholds_compile() -> None:
    rules = leadrules.compile("MQL at 50\nSQL at 50.5\n")
    assert rules.stages == ("MQL", "SQL")


# ------------------------------------------------------------------------------------ groups


def test_group_defined_twice(points_at: PointsAt) -> None:
    source = "group fit max 50:\n    +1 when a\ngroup fit max 20:\n    +2 when b\n"
    error = error_of(source)
    points_at(error, source, 3, 1)
    assert "fit" in error.message
    assert "twice" in error.message


def test_group_min_above_max_is_an_error() -> None:
    error = error_of("group fit max 10 min 20:\n    +1 when a\n")
    assert error.line == 1


@pytest.mark.parametrize(
    "line", ["disqualify when b", "MQL at 50", "define c as d", "DISQUALIFY WHEN b"]
)
def test_misplaced_statement_inside_a_group(points_at: PointsAt, line: str) -> None:
    source = f"group fit:\n    +1 when a\n    {line}\n"
    error = error_of(source)
    points_at(error, source, 3, 5)
    assert "group" in error.message
    assert "score rules" in error.message


def test_misplaced_definition_is_named_in_plain_words() -> None:
    error = error_of("group fit:\n    +1 when a\n    define c as d\n")
    assert "definition" in error.message


# ------------------------------------------------------------------------------------ regexes


def test_valid_regexes_compile() -> None:
    leadrules.compile(
        r"define dm as job title matches /\b(chief|vp|head|director)\b/i"
        "\n"
        r"+1 when email matches /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/"
        "\n"
        r"+1 when phone matches /^\+44\s?\d{4}/"
        "\n"
    )


@pytest.mark.parametrize(
    "pattern",
    [
        "/(a/",  # unbalanced parenthesis
        "/[a-/",  # unclosed class
        "/a{2,1}/",  # bad repetition
        "/*a/",  # nothing to repeat
    ],
)
def test_invalid_regex_is_a_compile_error(points_at: PointsAt, pattern: str) -> None:
    source = f"MQL at 5\n+5 when job title matches {pattern}\n"
    error = error_of(source)
    points_at(error, source, 2, 9)  # the start of the `matches` test
    assert "pattern" in error.message


def test_invalid_regex_error_is_a_leadrules_error_with_filename() -> None:
    error = error_of("+5 when title matches /(a/", filename="scoring.leadrules")
    assert isinstance(error, LeadRulesError)
    assert error.filename == "scoring.leadrules"
    assert str(error).startswith("scoring.leadrules:1:")


@pytest.mark.parametrize(
    "pattern",
    [
        r"/(a)\1/",  # a backreference: RE2 (linear time) rejects it
        "/(?=a)b/",  # a look-ahead
        "/(?<!a)b/",  # a look-behind
    ],
)
def test_backtracking_only_regex_features_are_compile_errors(pattern: str) -> None:
    error = error_of(f"+5 when title matches {pattern}")
    assert error.line == 1
    assert "pattern" in error.message
    assert error.hint is not None


def test_catastrophic_regex_compiles_and_is_safe_to_run() -> None:
    # `(a+)+$` is valid; with a linear-time engine it cannot hang on 40 a's and a '!'.
    rules = leadrules.compile("+5 when name matches /(a+)+$/")
    result = rules.evaluate({"name": "a" * 40 + "!"})
    assert result.score == 0


def test_unknown_regex_flag_is_an_error() -> None:
    error = error_of("+5 when title matches /vp/g")
    assert error.line == 1
    assert "`g`" in error.message or "flag" in error.message


# ------------------------------------------------------------------------------------ private names


@pytest.mark.parametrize(
    "condition",
    [
        "`_secret` = 1",
        "`_secret`",
        "address.`_internal` = 'x'",
        "`_score` > 5 and country = 'GB'",
        "attended webinar where `_cost` > 5",
    ],
)
def test_private_names_are_rejected(condition: str) -> None:
    error = error_of(f"+5 when {condition}")
    assert error.line == 1
    assert "_" in error.message
    assert "private" in error.message


def test_private_name_error_points_at_the_name(points_at: PointsAt) -> None:
    source = "+5 when country = 'GB' and `_secret` = 1"
    error = error_of(source)
    points_at(error, source, 1, 28)


def test_private_name_in_a_definition_name() -> None:
    error = error_of("define `_x` as a = 1\n")
    assert "private" in error.message


def test_private_name_message_quotes_the_name_once() -> None:
    error = error_of("+5 when `_secret` = 1")
    assert "`_secret`" in error.message
    assert "``" not in error.message


def test_underscores_inside_names_are_not_private() -> None:
    rules = leadrules.compile("+5 when `company_size` > 5 and utm_source = 'x'")
    assert len(rules.checked.score_rules) == 1


# ------------------------------------------------------------------------------------ all at once


def test_every_check_problem_is_listed() -> None:
    source = "define a as x = 1\ndefine a as y = 2\nMQL at 5\nSQL at 5\n"
    error = error_of(source)
    assert error.line == 2
    lines = [d.line for d in error.diagnostics]
    assert lines == [2, 4]
    assert "line 4" in str(error) or ":4:" in str(error)


def test_check_errors_carry_the_filename() -> None:
    error = error_of("MQL at 5\nMQL at 6\n", filename="scoring.leadrules")
    assert error.filename == "scoring.leadrules"
    assert "scoring.leadrules:2:" in str(error)


def test_decay_may_reach_its_event_through_a_definition() -> None:
    # A definition is usable anywhere after it (language.md §2), decay included.
    rules = leadrules.compile(
        "define hot as attended webinar\n+20 when hot, decaying 50% every 30 days\n"
    )
    now = dt.datetime(2026, 3, 31, tzinfo=dt.timezone.utc)
    lead = {"events": [{"name": "attended webinar", "at": "2026-03-01T00:00:00Z"}]}
    assert rules.evaluate(lead, now=now).score == 10
