"""Syntax errors: each a RuleSyntaxError (a LeadRulesError) naming the file, line and column,
showing the line with a caret under the spot and saying in plain words what to write.

Also the law of issue 2: ``compile`` raises nothing but LeadRulesError, whatever the text.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import leadrules
from leadrules import LeadRulesError, RuleSyntaxError

PointsAt = Callable[[BaseException, str, int, int], None]


def error_of(source: str, filename: str = "<rules>") -> RuleSyntaxError:
    with pytest.raises(RuleSyntaxError) as info:
        leadrules.compile(source, filename=filename)
    return info.value


# ------------------------------------------------------------------------------------ the type


def test_rule_syntax_error_is_a_leadrules_error() -> None:
    assert issubclass(RuleSyntaxError, LeadRulesError)
    assert issubclass(LeadRulesError, Exception)


def test_error_carries_filename_line_and_column(points_at: PointsAt) -> None:
    source = "+20 when downloaded whitepaper\nMQL at 50\n+5 whem requested demo\n"
    error = error_of(source, filename="scoring.leadrules")
    assert error.filename == "scoring.leadrules"
    points_at(error, source, 3, 4)
    assert "scoring.leadrules" in str(error)
    assert "3" in str(error).splitlines()[0]


def test_default_filename_is_used_when_none_is_given() -> None:
    error = error_of("MQL 50")
    assert error.filename == "<rules>"


def test_the_offending_line_is_shown_not_the_first_one() -> None:
    source = "+1 when a\n+2 when b\n+3 whn c\n+4 when d\n"
    text = str(error_of(source))
    assert "+3 whn c" in text
    assert "+1 when a" not in text
    assert "+4 when d" not in text


def test_load_puts_the_path_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "scoring.leadrules"
    path.write_text("+20 when a\nMQL 50\n", encoding="utf-8")
    with pytest.raises(RuleSyntaxError) as info:
        leadrules.load(path)
    assert info.value.filename.endswith("scoring.leadrules")
    assert "scoring.leadrules" in str(info.value)
    assert info.value.line == 2


def test_evaluate_with_bad_rule_text_raises_the_syntax_error() -> None:
    with pytest.raises(RuleSyntaxError):
        leadrules.evaluate("+20 downloaded whitepaper", {"downloaded whitepaper": True})


@pytest.mark.parametrize("source", [b"+1 when a", None, 42, ["+1 when a"]])
def test_compile_rejects_non_text_with_a_leadrules_error(source: object) -> None:
    with pytest.raises(LeadRulesError):
        leadrules.compile(source)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------ when


def test_missing_when(points_at: PointsAt) -> None:
    source = "+20 downloaded whitepaper"
    error = error_of(source)
    points_at(error, source, 1, 5)
    assert "expected `when` or `per` after the points" in str(error)


@pytest.mark.parametrize("typo", ["whem", "wehn", "WHEM", "whn"])
def test_misspelt_when_gets_a_did_you_mean(points_at: PointsAt, typo: str) -> None:
    source = f"+20 {typo} downloaded whitepaper"
    error = error_of(source)
    points_at(error, source, 1, 5)
    assert "did you mean `when`" in str(error)


def test_if_instead_of_when_says_to_write_when(points_at: PointsAt) -> None:
    source = "+20 if downloaded whitepaper"
    error = error_of(source)
    points_at(error, source, 1, 5)
    assert "`when`" in str(error)


def test_misspelt_keyword_after_a_value_gets_a_did_you_mean() -> None:
    error = error_of("+1 when a is misssing")
    assert (error.line, error.column) == (1, 14)
    assert "did you mean `missing`" in str(error)


@pytest.mark.parametrize(
    ("source", "keyword"),
    [
        ("+20 when company size betwen 50 and 5000", "between"),
        ('+20 when job title containz "vp"', "contains"),
    ],
)
def test_misspelt_operator_after_a_name_gets_a_did_you_mean(source: str, keyword: str) -> None:
    error = error_of(source)
    assert error.line == 1
    assert f"did you mean `{keyword}`" in str(error)


@pytest.mark.parametrize(
    "source",
    [
        "disqualify whenever a",  # read as `disqualify when ever a`
        "+1 when x = 1 andy",  # read as `x = 1 and y`
        "+1 when x = 1 order = 2",  # read as `x = 1 or der = 2`
    ],
)
def test_a_keyword_must_be_a_whole_word(source: str) -> None:
    error = error_of(source)
    assert error.line == 1


def test_misspelt_at_in_a_stage(points_at: PointsAt) -> None:
    source = "MQL att 50"
    error = error_of(source)
    points_at(error, source, 1, 5)
    assert "`att`" in str(error)


# ------------------------------------------------------------------------------------ points


def test_space_between_sign_and_number(points_at: PointsAt) -> None:
    source = "+ 20 when downloaded whitepaper"
    error = error_of(source)
    assert error.line == 1
    points_at(error, source, 1, error.column)
    assert error.column in (1, 2)  # the sign, or the space after it
    assert "+20" in str(error)  # says what to write instead


def test_points_without_a_sign(points_at: PointsAt) -> None:
    source = "MQL at 50\n20 when downloaded whitepaper\n"
    error = error_of(source)
    points_at(error, source, 2, 1)
    assert "+20" in str(error)
    assert "sign" in error.message


def test_points_that_are_not_a_number() -> None:
    error = error_of("+twenty when a")
    assert error.line == 1
    assert error.column in (1, 2)


# ------------------------------------------------------------------------------------ stages


def test_stage_without_at(points_at: PointsAt) -> None:
    source = "+20 when a\nMQL 50\n"
    error = error_of(source)
    points_at(error, source, 2, 5)
    assert "`at`" in error.message
    assert "MQL at 50" in str(error)


def test_stage_without_a_number() -> None:
    error = error_of("MQL at\n")
    assert error.line == 1
    assert "number" in str(error) or "threshold" in str(error)


def test_stage_with_a_word_instead_of_a_number(points_at: PointsAt) -> None:
    source = "MQL at fifty"
    error = error_of(source)
    points_at(error, source, 1, 8)


# ------------------------------------------------------------------------------------ literals


def test_unclosed_double_quote(points_at: PointsAt) -> None:
    source = '+5 when country = "GB\nMQL at 5\n'
    error = error_of(source)
    points_at(error, source, 1, 19)
    assert "quote" in error.message


def test_unclosed_single_quote(points_at: PointsAt) -> None:
    source = "+5 when country = 'GB"
    error = error_of(source)
    points_at(error, source, 1, 19)
    assert "quote" in error.message


def test_unclosed_backtick(points_at: PointsAt) -> None:
    source = "+5 when `Annual Revenue > 5"
    error = error_of(source)
    points_at(error, source, 1, 9)
    assert "backtick" in error.message


def test_unclosed_regex(points_at: PointsAt) -> None:
    source = "+5 when job title matches /vp|head"
    error = error_of(source)
    points_at(error, source, 1, 27)
    assert "/" in str(error)


def test_unclosed_list() -> None:
    error = error_of("+1 when country in ['GB', 'IE'\nMQL at 1\n")
    assert "[" in error.message
    assert "]" in str(error)


def test_unclosed_parenthesis() -> None:
    error = error_of("+1 when (a or b\n")
    assert error.line == 1
    assert ")" in str(error)


def test_impossible_date(points_at: PointsAt) -> None:
    source = "+1 when signup date > 2026-02-30"
    error = error_of(source)
    points_at(error, source, 1, 23)
    assert "2026-02-30" in error.message


def test_unknown_escape_in_text(points_at: PointsAt) -> None:
    source = r"+1 when name = 'a\q'"
    error = error_of(source)
    points_at(error, source, 1, 16)
    assert r"\q" in error.message


# ------------------------------------------------------------------------------------ units


def test_unknown_unit_of_time_points_at_it(points_at: PointsAt) -> None:
    source = "+5 when signed up within 30 dayz"
    error = error_of(source)
    points_at(error, source, 1, 29)
    assert "dayz" in str(error)


def test_unknown_unit_of_time_gets_a_did_you_mean() -> None:
    error = error_of("+5 when signed up within 30 dayz")
    assert "did you mean `days`" in str(error)


# ------------------------------------------------------------------------------------ and / or


@pytest.mark.parametrize("word", ["and", "or", "AND"])
def test_dangling_and_or_at_line_end(points_at: PointsAt, word: str) -> None:
    source = f"+5 when requested demo {word}\n+3 when booked call\n"
    error = error_of(source)
    assert error.line == 1  # the line that ends too early, not the next one
    assert 24 <= error.column <= 24 + len(word)  # at the word or just after it
    points_at(error, source, 1, error.column)
    assert f"`{word.lower()}`" in error.message.lower()


def test_dangling_and_at_end_of_file() -> None:
    error = error_of("+5 when requested demo and")
    assert error.line == 1
    assert "`and`" in error.message


# ------------------------------------------------------------------------------------ indentation


def test_tab_indentation_in_a_group(points_at: PointsAt) -> None:
    source = "group fit max 50:\n\t+20 when decision maker\n"
    error = error_of(source)
    points_at(error, source, 2, 1)
    assert "tab" in str(error)


def test_inconsistent_indentation_in_a_group() -> None:
    error = error_of("group fit:\n    +1 when a\n  +2 when b\n")
    assert error.line == 3
    assert "indent" in str(error)


def test_indented_line_outside_a_group(points_at: PointsAt) -> None:
    source = "+1 when a\n    +2 when b\n"
    error = error_of(source)
    assert "group" in error.message
    points_at(error, source, 2, error.column)


def test_indented_first_line() -> None:
    error = error_of("    +2 when b\n")
    assert error.line == 1
    assert "group" in str(error)


def test_group_without_an_indented_block() -> None:
    error = error_of("group fit max 50:\n+1 when a\n")
    assert error.line in (1, 2)
    assert "indent" in str(error)


def test_group_without_colon() -> None:
    error = error_of("group fit max 50\n    +1 when a\n")
    assert error.line == 1
    assert "`:`" in str(error)


# ------------------------------------------------------------------------------------ grammar


def test_only_the_first_error_is_at_the_top() -> None:
    error = error_of("+1 when a\nMQL 50\n+2 wen b\n")
    assert (error.line, error.column) == (2, 5)


@pytest.mark.parametrize(
    "source",
    [
        "+1 when",
        "+1 when a =",
        "+1 when a in",
        "+1 when a between 1",
        "+1 when a between 1 and",
        "+1 when a matches",
        "+1 when not",
        "+1 when ()",
        "disqualify",
        "disqualify when",
        "disqualify when a because",
        "define x",
        "define x as",
        "define as a",
        "group:",
        "group fit max:",
        "+1 when a as",
        "+1 when a; ;",
        "when a",
        ")",
        "+1 when a is",
        "+1 when a starts",
        "+1 when a ends 'x'",
        "+1 when x in ['a' 'b']",
        "+1 when a = b",
    ],
)
def test_incomplete_statements_are_syntax_errors(source: str) -> None:
    error = error_of(source)
    assert error.line >= 1
    assert error.column >= 1
    assert source.splitlines()[error.line - 1].strip() in str(error)


# ------------------------------------------------------------------------------------ deep nesting


def test_deeply_nested_not_raises_only_leadrules_errors() -> None:
    source = "+1 when " + "not " * 1000 + "a"
    with contextlib.suppress(LeadRulesError):  # a valid rule, or a "too deep" error
        leadrules.compile(source)


def test_deeply_nested_lists_raise_only_leadrules_errors() -> None:
    source = "+1 when x in " + "[" * 1000 + "]" * 1000
    with pytest.raises(LeadRulesError):
        leadrules.compile(source)


def test_deeply_nested_parentheses() -> None:
    rules = leadrules.compile("+1 when " + "(" * 1000 + "a" + ")" * 1000)
    assert len(rules.checked.score_rules) == 1


def test_long_flat_condition() -> None:
    rules = leadrules.compile("+1 when " + " and ".join(f"f{i}" for i in range(3000)))
    assert len(rules.checked.score_rules) == 1


# ------------------------------------------------------------------------------------ properties


def _compile_raises_only_leadrules_errors(source: str) -> None:
    try:
        leadrules.compile(source)
    except LeadRulesError as error:
        # A rule-text error must point somewhere real.
        if isinstance(error, RuleSyntaxError):
            assert error.line >= 1
            assert error.column >= 1
            str(error)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_compile_never_raises_anything_but_leadrules_errors_on_any_text(source: str) -> None:
    _compile_raises_only_leadrules_errors(source)


#: Pieces of the language, so that random text gets deep into the grammar.
_PIECES = [
    "+20", "-5", "+1.5", "20", "+ 20", "when", "WHEN", "per", "disqualify", "because", "define",
    "as", "group", "max", "min", "at", "MQL", "SQL", "and", "or", "not", "is", "in", "between",
    "contains", "starts", "ends", "with", "matches", "missing", "present", "where", "least",
    "most", "times", "within", "since", "before", "after", "up", "to", "decaying", "every",
    "true", "false", "country", "company size", "a.b", "`x y`", "`_p`", "_p", "'GB'", '"IE"',
    "'open", "2026-01-15", "2026-02-30", "2026-01-15T10:00:00Z", "30 days", "3 dayz", "50%",
    "/vp/i", "/(a/", r"/(a)\1/", "/x/g", "[", "]", "(", ")", ",", ";", ":", "=", "==", "!=",
    "<", "<=", ">", ">=", "<>", "#", "# note", "\n", "\n    ", "\n\t", "\n  ", "\\", "'\\q'",
    "10_000", "1e5", "-", ".", "%",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map(" ".join))
def test_compile_never_raises_anything_but_leadrules_errors_on_token_soup(source: str) -> None:
    _compile_raises_only_leadrules_errors(source)


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")

_mutation = st.tuples(
    st.sampled_from(["delete", "duplicate", "swap", "insert"]),
    st.sampled_from(["char", "token"]),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from([*_PIECES, " ", "\t", "'", '"', "`", "/", "\r\n"]),
)


def _mutate(text: str, mutations: list[tuple[str, str, int, int, str]]) -> str:
    for op, unit, i, j, piece in mutations:
        parts = list(text) if unit == "char" else _TOKEN.findall(text)
        if not parts:
            parts = [piece]
        a, b = i % len(parts), j % len(parts)
        if op == "delete":
            del parts[a]
        elif op == "duplicate":
            parts.insert(a, parts[a])
        elif op == "swap":
            parts[a], parts[b] = parts[b], parts[a]
        else:
            parts.insert(a, piece)
        text = "".join(parts)
    return text


@settings(max_examples=400, deadline=None)
@given(st.lists(_mutation, min_size=1, max_size=6))
def test_compile_never_raises_anything_but_leadrules_errors_on_mutated_spec_file(
    spec_example: str, mutations: list[tuple[str, str, int, int, str]]
) -> None:
    _compile_raises_only_leadrules_errors(_mutate(spec_example, mutations))


def test_mutating_helper_changes_the_text(spec_example: str) -> None:
    # The property above is only worth something if mutations really alter the file.
    assert _mutate(spec_example, [("delete", "char", 0, 0, "")]) == spec_example[1:]
    swapped = _mutate("a b", [("swap", "token", 0, 2, "")])
    assert swapped == "b a"
    assert _mutate("+20 when a", [("insert", "token", 1, 0, "whem ")]) == "+whem 20 when a"


# ------------------------------------------------------- misspellings found in review


@pytest.mark.parametrize(
    ("source", "column", "suggestion"),
    [
        ("disqualfy when x\n", 11, "disqualify"),
        ("dfine hot as x\n", 7, "define"),
        ("grup fit max 5:\n    +1 when x\n", 6, "group"),
    ],
)
def test_a_misspelt_statement_keyword_is_named_with_a_suggestion(
    source: str, column: int, suggestion: str
) -> None:
    with pytest.raises(RuleSyntaxError) as info:
        leadrules.compile(source)
    error = info.value
    assert (error.line, error.column) == (1, column)
    assert f"did you mean `{suggestion}`?" in str(error)
    # Only the misspelt line is reported: the group's indented rules are not echoed as errors.
    assert len(error.diagnostics) == 1


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ('+1 when x stars with "a"\n', "did you mean `starts with` instead of `stars with`?"),
        ('+1 when x ens with "a"\n', "did you mean `ends with` instead of `ens with`?"),
        ('disqualify when x becuase "y"\n', "did you mean `because` instead of `becuase`?"),
        ("group fit mx 5:\n    +1 when x\n", "did you mean `max` instead of `mx`?"),
        ("+1 when x at least 3 tims\n", "did you mean `times`?"),
        ("+1 per x, upto 15\n", "write `, up to 15`"),
        ("+abc when x\n", "expected a number after `+`"),
        ("+1 when x = 1e3\n", "not in scientific notation"),
    ],
)
def test_common_misspellings_get_a_plain_words_fix(source: str, fragment: str) -> None:
    with pytest.raises(RuleSyntaxError) as info:
        leadrules.compile(source)
    assert fragment in str(info.value)
    assert "WORD" not in str(info.value) and "_NL" not in str(info.value)


@pytest.mark.parametrize(
    ("source", "message", "hint"),
    [
        ("Sales ready at 100\n", "must be in quotes", '"Sales ready" at'),
        ('+1 when country in ["GB" "IE"]\n', "a comma is missing", "with commas"),
        ("+1 when budget > 50,000\n", "without thousands separators", "50000"),
        ("+1 when budget > 50k\n", "letters attached", "50000"),
        ("+1 when x within 30d\n", "letters attached", "`30 days`"),
        ("+5 when vip // VIPs\n", "`//` does not start a comment", "`#`"),
        ("+1 when company size \u2265 50\n", "not part of the language", "`>=`"),
        ("+1 when country = \u201cGB\u201d\n", "not part of the language", "straight quotes"),
        ("+1 when budget > \u00a350\n", "not part of the language", "currency sign"),
        ("+1 when x\u00a0= 1\n", "invisible character U+00A0", "ordinary space"),
        ("group g:\n   +1 when a\n    +2 when b\n", "indented more than the line above", "same"),
    ],
)
def test_marketer_mistakes_get_a_message_that_says_what_to_write(
    source: str, message: str, hint: str
) -> None:
    with pytest.raises(RuleSyntaxError) as info:
        leadrules.compile(source)
    text = str(info.value)
    assert message in text
    assert hint in text
