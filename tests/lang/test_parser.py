"""The language front end: every construct of the rule language parses into the right AST.

Expected trees are written out by hand from language.md. Node equality ignores positions
(the ``span`` fields are ``eq=False``), and the helpers below drop the statements' copies of
their source text, so a comparison is about what was written, not where or how it was spaced.
Positions have tests of their own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from lark import Lark

import leadrules
from leadrules.lang import ast
from leadrules.lang.ast import (
    And,
    Between,
    Compare,
    Count,
    Decay,
    Define,
    Disqualify,
    Duration,
    Fact,
    Group,
    In,
    ListValue,
    Matches,
    Name,
    NamePart,
    Not,
    Or,
    Presence,
    ScoreRule,
    Stage,
    TextTest,
    Window,
)
from leadrules.lang.parser import GRAMMAR_PATH, _Indenter, lark_parser, parse

UTC = dt.timezone.utc

# ------------------------------------------------------------------------------------ helpers


def N(*segments: str | tuple[str, bool]) -> Name:
    """A name from its dotted segments; ``("x", True)`` is a backticked segment."""
    parts = []
    for seg in segments:
        if isinstance(seg, tuple):
            parts.append(NamePart(seg[0], exact=seg[1]))
        else:
            parts.append(NamePart(seg))
    return Name(tuple(parts))


def F(*segments: str, **kwargs: object) -> Fact:
    return Fact(N(*segments), **kwargs)  # type: ignore[arg-type]


def D(text: str) -> Decimal:
    return Decimal(text)


def bare(statement: ast.Statement) -> ast.Statement:
    """``statement`` without its copies of the source text, to compare what it means."""
    if isinstance(statement, Group):
        return attrs.evolve(statement, text="", rules=tuple(bare(r) for r in statement.rules))  # type: ignore[misc]
    if isinstance(statement, ScoreRule):
        return attrs.evolve(statement, text="", what="")
    return attrs.evolve(statement, text="")


def statements(source: str) -> tuple[ast.Statement, ...]:
    """The statements of ``source``, without their source text (see :func:`bare`)."""
    return tuple(bare(s) for s in parse(source).statements)


def only(source: str) -> ast.Statement:
    found = statements(source)
    assert len(found) == 1, found
    return found[0]


def cond(condition: str) -> ast.Cond:
    """The condition of ``+1 when <condition>``."""
    rule = only(f"+1 when {condition}")
    assert isinstance(rule, ScoreRule)
    assert rule.condition is not None
    return rule.condition


def rule(points: str, condition: ast.Cond, **kwargs: object) -> ScoreRule:
    """The expected score rule (text fields are not compared by the callers)."""
    return ScoreRule(points=D(points), condition=condition, **kwargs)  # type: ignore[arg-type]


def same_rule(actual: ast.Statement, expected: ScoreRule) -> None:
    """Compare the meaning of two score rules, ignoring their source text fields."""
    assert isinstance(actual, ScoreRule)
    assert (
        actual.points,
        actual.condition,
        actual.per,
        actual.cap,
        actual.decay,
        actual.label,
    ) == (
        expected.points,
        expected.condition,
        expected.per,
        expected.cap,
        expected.decay,
        expected.label,
    )


# ------------------------------------------------------------------------------------ grammar


def test_grammar_builds_under_lark_strict_mode() -> None:
    # strict=True turns shift/reduce conflicts and terminal collisions into errors.
    Lark(
        GRAMMAR_PATH.read_text("utf-8"),
        parser="lalr",
        lexer="contextual",
        postlex=_Indenter(),
        propagate_positions=True,
        maybe_placeholders=False,
        strict=True,
    )


def test_parser_is_lalr_with_contextual_lexer_and_every_token_kept() -> None:
    options = lark_parser().options
    assert options.parser == "lalr"
    assert options.lexer == "contextual"
    assert isinstance(options.postlex, _Indenter)
    # Spans are worked out from the tokens (brackets and keywords included), so none may be
    # dropped from the tree.
    assert options.keep_all_tokens


def test_guiding_example_parses_into_three_statements(guiding_example: str) -> None:
    whitepaper, disqualify, stage = statements(guiding_example)
    same_rule(whitepaper, rule(points="+20", condition=F("downloaded whitepaper")))
    assert disqualify == Disqualify(Compare(N("country"), "!=", "GB"), None)
    assert stage == Stage("MQL", D("50"), None)


# ------------------------------------------------------------------------------------ score rules


@pytest.mark.parametrize(
    ("points", "value"),
    [
        ("+20", "20"),
        ("-10", "-10"),
        ("+12.5", "12.5"),
        ("-0.25", "-0.25"),
        ("+10_000", "10000"),
        ("+1_000.5", "1000.5"),
    ],
)
def test_score_rule_points(points: str, value: str) -> None:
    found = only(f"{points} when requested demo")
    same_rule(found, rule(points=value, condition=F("requested demo")))
    assert isinstance(found, ScoreRule)
    assert isinstance(found.points, Decimal)


def test_decimal_points_are_exact_decimals() -> None:
    found = only("+0.1 when a")
    assert isinstance(found, ScoreRule)
    assert found.points == Decimal("0.1")  # not the binary float 0.1


def test_score_rule_label() -> None:
    (found,) = parse('-10 when email ends with "@gmail.com" as "Personal email address"').statements
    expected = rule(
        points="-10",
        condition=TextTest(N("email"), "ends with", "@gmail.com"),
        label="Personal email address",
    )
    same_rule(found, expected)
    assert isinstance(found, ScoreRule)
    assert found.display == "Personal email address"


def test_score_rule_without_label_is_named_by_its_condition() -> None:
    (found,) = parse("+15 when company size between 50 and 5000").statements
    assert isinstance(found, ScoreRule)
    assert found.label is None
    assert "company size between 50 and 5000" in found.display


def test_score_rule_keeps_its_source_text() -> None:
    (found,) = parse("+20 when downloaded whitepaper  # a comment").statements
    assert isinstance(found, ScoreRule)
    assert found.text == "+20 when downloaded whitepaper"


# ------------------------------------------------------------------------------------ disqualify


def test_disqualify_without_reason() -> None:
    found = only('disqualify when email ends with "@competitor.com"')
    assert found == Disqualify(TextTest(N("email"), "ends with", "@competitor.com"), None)


def test_disqualify_with_reason() -> None:
    found = only(
        'disqualify when country not in ["GB", "IE"] because "We only sell in the UK and Ireland"'
    )
    assert found == Disqualify(
        In(N("country"), ListValue(("GB", "IE")), negated=True),
        "We only sell in the UK and Ireland",
    )


# ------------------------------------------------------------------------------------ stages


def test_stage_with_identifier_name() -> None:
    assert only("MQL at 50") == Stage("MQL", D("50"), None)


@pytest.mark.parametrize("quoted", ['"Sales Qualified"', "'Sales Qualified'"])
def test_stage_with_quoted_name(quoted: str) -> None:
    assert only(f"{quoted} at 80") == Stage("Sales Qualified", D("80"), None)


def test_stage_with_condition() -> None:
    found = only("SQL at 80 when requested demo or booked call")
    assert found == Stage("SQL", D("80"), Or((F("requested demo"), F("booked call"))))


def test_stage_with_decimal_threshold() -> None:
    assert only("MQL at 49.5") == Stage("MQL", D("49.5"), None)


# ------------------------------------------------------------------------------------ define


def test_define() -> None:
    found = only("define enterprise as company size >= 1000")
    assert found == Define(N("enterprise"), Compare(N("company size"), ">=", D("1000")))


def test_define_multi_word_name_with_regex() -> None:
    found = only(r"define decision maker as job title matches /\b(chief|vp|head|director)\b/i")
    assert found == Define(
        N("decision maker"), Matches(N("job title"), r"\b(chief|vp|head|director)\b", "i")
    )


# ------------------------------------------------------------------------------------ groups


def test_group_with_max_and_indented_block() -> None:
    source = (
        "group fit max 50:\n"
        "    +20 when decision maker\n"
        "    +15 when company size between 50 and 5000\n"
    )
    found = only(source)
    assert isinstance(found, Group)
    assert found.name == "fit"
    assert found.max == D("50")
    assert found.min is None
    assert len(found.rules) == 2
    same_rule(found.rules[0], rule(points="+20", condition=F("decision maker")))
    same_rule(
        found.rules[1],
        rule(points="+15", condition=Between(N("company size"), D("50"), D("5000"))),
    )


@pytest.mark.parametrize(
    "header",
    ["group fit max 50 min -10:", "group fit min -10 max 50:", "GROUP fit MIN -10 MAX 50:"],
)
def test_group_with_max_and_min_in_any_order(header: str) -> None:
    found = only(header + "\n    +5 when a\n")
    assert isinstance(found, Group)
    assert (found.max, found.min) == (D("50"), D("-10"))


def test_group_without_limits() -> None:
    found = only("group fit:\n    +5 when a\n")
    assert isinstance(found, Group)
    assert (found.max, found.min) == (None, None)


def test_group_with_quoted_name() -> None:
    found = only('group "Fit & Finish" max 10:\n    +5 when a\n')
    assert isinstance(found, Group)
    assert found.name == "Fit & Finish"


def test_group_block_ends_at_the_dedent() -> None:
    source = "group fit:\n    +1 when a\n    +2 when b\n+3 when c\nMQL at 3\n"
    group, loose, stage = statements(source)
    assert isinstance(group, Group)
    assert [r.points for r in group.rules] == [D("1"), D("2")]
    same_rule(loose, rule(points="+3", condition=F("c")))
    assert stage == Stage("MQL", D("3"), None)


def test_two_groups_one_after_the_other() -> None:
    source = "group fit:\n    +1 when a\ngroup engagement:\n    +2 when b\n"
    fit, engagement = statements(source)
    assert isinstance(fit, Group) and isinstance(engagement, Group)
    assert (fit.name, engagement.name) == ("fit", "engagement")
    assert len(fit.rules) == len(engagement.rules) == 1


def test_group_with_two_space_indentation() -> None:
    found = only("group fit:\n  +1 when a\n  +2 when b\n")
    assert isinstance(found, Group)
    assert len(found.rules) == 2


def test_group_rules_separated_by_semicolons() -> None:
    found = only("group fit:\n    +1 when a; +2 when b\n")
    assert isinstance(found, Group)
    assert [r.points for r in found.rules] == [D("1"), D("2")]


# ------------------------------------------------------------------------------------ layout


def test_statements_separated_by_semicolons() -> None:
    found = statements("+1 when a; -2 when b;disqualify when c ;MQL at 5")
    assert [type(s) for s in found] == [ScoreRule, ScoreRule, Disqualify, Stage]


def test_trailing_semicolon_is_allowed() -> None:
    assert len(statements("+1 when a;")) == 1


def test_statements_separated_by_newlines_and_blank_lines() -> None:
    found = statements("\n\n+1 when a\n\n\n-2 when b\n\nMQL at 5\n\n")
    assert [type(s) for s in found] == [ScoreRule, ScoreRule, Stage]


def test_windows_line_endings() -> None:
    found = statements("group fit:\r\n    +1 when a\r\n+2 when b\r\n")
    assert [type(s) for s in found] == [Group, ScoreRule]


def test_no_final_newline_needed() -> None:
    found = statements("+1 when a\nMQL at 1")
    assert found[-1] == Stage("MQL", D("1"), None)


@pytest.mark.parametrize("source", ["", "\n\n", "# only a comment", "  \n# one\n# two\n"])
def test_empty_and_comment_only_files(source: str) -> None:
    assert statements(source) == ()


def test_byte_order_mark_is_ignored() -> None:
    assert len(statements("\ufeff+1 when a\n")) == 1


def test_comments_on_their_own_line_and_after_statements() -> None:
    source = (
        "# Who they are\n"
        "define enterprise as company size >= 1000  # big ones\n"
        "+10 when enterprise # trailing, no space before\n"
        "MQL at 10#tight\n"
    )
    define, score, stage = statements(source)
    assert define == Define(N("enterprise"), Compare(N("company size"), ">=", D("1000")))
    same_rule(score, rule(points="+10", condition=F("enterprise")))
    assert stage == Stage("MQL", D("10"), None)


def test_comments_inside_groups() -> None:
    source = (
        "group fit max 50:  # the fit group\n"
        "    # a comment line inside the block\n"
        "    +20 when a  # trailing comment\n"
        "\n"
        "# a comment at column one does not end the block\n"
        "    +10 when b\n"
        "+5 when c\n"
    )
    group, loose = statements(source)
    assert isinstance(group, Group)
    assert [r.points for r in group.rules] == [D("20"), D("10")]
    assert group.max == D("50")
    same_rule(loose, rule(points="+5", condition=F("c")))


def test_hash_inside_quotes_is_not_a_comment() -> None:
    found = only('+1 when utm campaign = "#launch" as "tag #1"')
    assert isinstance(found, ScoreRule)
    assert found.condition == Compare(N("utm campaign"), "=", "#launch")
    assert found.label == "tag #1"


# ------------------------------------------------------------------------------------ keywords


@pytest.mark.parametrize("when", ["when", "WHEN", "When", "wHeN"])
def test_keywords_are_case_insensitive(when: str) -> None:
    same_rule(only(f"+1 {when} a"), rule(points="+1", condition=F("a")))


def test_every_keyword_in_upper_case() -> None:
    source = (
        "DEFINE big AS size >= 10 AND NOT (x IS MISSING OR y IS PRESENT)\n"
        "GROUP fit MAX 5 MIN 0:\n"
        "    +1 WHEN country NOT IN ['GB'] AND size BETWEEN 1 AND 2\n"
        "    +1 WHEN name STARTS WITH 'a' OR name ENDS WITH 'b' OR name CONTAINS 'c'\n"
        "    +1 WHEN title MATCHES /vp/i AND flag IS TRUE AND other = FALSE\n"
        "DISQUALIFY WHEN big BECAUSE 'too big'\n"
        "MQL AT 3 WHEN big\n"
    )
    define, group, disqualify, stage = statements(source)
    assert define == Define(
        N("big"),
        And(
            (
                Compare(N("size"), ">=", D("10")),
                Not(Or((Presence(N("x"), False), Presence(N("y"), True)))),
            )
        ),
    )
    assert isinstance(group, Group)
    assert (group.max, group.min) == (D("5"), D("0"))
    assert group.rules[0].condition == And(
        (In(N("country"), ListValue(("GB",)), negated=True), Between(N("size"), D("1"), D("2")))
    )
    assert group.rules[1].condition == Or(
        (
            TextTest(N("name"), "starts with", "a"),
            TextTest(N("name"), "ends with", "b"),
            TextTest(N("name"), "contains", "c"),
        )
    )
    assert group.rules[2].condition == And(
        (
            Matches(N("title"), "vp", "i"),
            Compare(N("flag"), "=", True),
            Compare(N("other"), "=", False),
        )
    )
    assert disqualify == Disqualify(F("big"), "too big")
    assert stage == Stage("MQL", D("3"), F("big"))


# ------------------------------------------------------------------------------------ comparisons


@pytest.mark.parametrize(
    ("written", "op"),
    [
        ("=", "="),
        ("==", "="),
        ("is", "="),
        ("IS", "="),
        ("!=", "!="),
        ("is not", "!="),
        ("Is Not", "!="),
        ("<", "<"),
        ("<=", "<="),
        (">", ">"),
        (">=", ">="),
    ],
)
def test_comparison_operators(written: str, op: str) -> None:
    assert cond(f"company size {written} 50") == Compare(N("company size"), op, D("50"))  # type: ignore[arg-type]


def test_comparison_without_spaces() -> None:
    assert cond("size>=50") == Compare(N("size"), ">=", D("50"))
    assert cond("country!='GB'") == Compare(N("country"), "!=", "GB")


def test_comparison_with_negative_number() -> None:
    assert cond("balance < -5") == Compare(N("balance"), "<", D("-5"))


def test_membership() -> None:
    assert cond('industry in ["software", "fintech"]') == In(
        N("industry"), ListValue(("software", "fintech")), negated=False
    )
    assert cond("country not in ['GB', 'IE']") == In(
        N("country"), ListValue(("GB", "IE")), negated=True
    )


def test_membership_with_numbers_and_empty_list() -> None:
    assert cond("employees in [1, 2.5, 10_000]") == In(
        N("employees"), ListValue((D("1"), D("2.5"), D("10000")))
    )
    assert cond("x in []") == In(N("x"), ListValue(()))


def test_list_with_trailing_comma() -> None:
    assert cond('x in ["a", "b",]') == In(N("x"), ListValue(("a", "b")))


def test_multi_line_list_inside_brackets() -> None:
    source = (
        "+10 when industry in [\n"
        '    "software",\n'
        '    "fintech",   # comment inside the list\n'
        "\n"
        '  "retail",\n'
        "]\n"
        "MQL at 10\n"
    )
    score, stage = statements(source)
    assert isinstance(score, ScoreRule)
    assert score.condition == In(N("industry"), ListValue(("software", "fintech", "retail")))
    assert stage == Stage("MQL", D("10"), None)


def test_multi_line_list_inside_a_group() -> None:
    source = "group fit:\n    +10 when industry in [\n        'a',\n  'b']\n    +1 when c\n"
    group = only(source)
    assert isinstance(group, Group)
    assert group.rules[0].condition == In(N("industry"), ListValue(("a", "b")))
    assert group.rules[1].condition == F("c")


def test_condition_in_parentheses_may_span_lines() -> None:
    file = statements("+1 when (requested demo or\n         booked call)\nMQL at 1")
    assert len(file) == 2
    assert isinstance(file[0], ScoreRule)
    assert file[0].condition == Or((F("requested demo"), F("booked call")))


def test_between() -> None:
    assert cond("company size between 50 and 5000") == Between(
        N("company size"), D("50"), D("5000"), negated=False
    )


def test_between_dates() -> None:
    assert cond("signup date between 2026-01-01 and 2026-03-31") == Between(
        N("signup date"), dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    )


@pytest.mark.parametrize(
    ("written", "op"),
    [("contains", "contains"), ("starts with", "starts with"), ("ends with", "ends with")],
)
def test_text_operators(written: str, op: str) -> None:
    assert cond(f'email {written} "@acme.com"') == TextTest(N("email"), op, "@acme.com")  # type: ignore[arg-type]


def test_matches_with_flag() -> None:
    assert cond(r"job title matches /\b(vp|head)\b/i") == Matches(
        N("job title"), r"\b(vp|head)\b", "i"
    )


def test_matches_without_flag() -> None:
    assert cond("job title matches /^CEO$/") == Matches(N("job title"), "^CEO$", "")


def test_matches_escaped_slash_in_pattern() -> None:
    found = cond(r"website matches /https?:\/\/acme/")
    assert isinstance(found, Matches)
    assert found.pattern in (r"https?://acme", r"https?:\/\/acme")  # either spelling means /


def test_presence() -> None:
    assert cond("budget is missing") == Presence(N("budget"), present=False)
    assert cond("budget is present") == Presence(N("budget"), present=True)


def test_bare_facts() -> None:
    assert cond("downloaded whitepaper") == F("downloaded whitepaper")
    assert cond("requested demo") == F("requested demo")


def test_bare_fact_and_test_together() -> None:
    assert cond("requested demo and country = 'GB'") == And(
        (F("requested demo"), Compare(N("country"), "=", "GB"))
    )


# ------------------------------------------------------------------------------------ precedence


def test_not_binds_tighter_than_and_which_binds_tighter_than_or() -> None:
    assert cond("not a and b or c") == Or((And((Not(F("a")), F("b"))), F("c")))
    assert cond("a or b and not c") == Or((F("a"), And((F("b"), Not(F("c"))))))
    assert cond("a or not b and c or d") == Or((F("a"), And((Not(F("b")), F("c"))), F("d")))


def test_parentheses_override_precedence() -> None:
    assert cond("(a or b) and c") == And((Or((F("a"), F("b"))), F("c")))
    assert cond("not (a and b)") == Not(And((F("a"), F("b"))))
    assert cond("a and (b or (c and d))") == And((F("a"), Or((F("b"), And((F("c"), F("d")))))))


def test_redundant_parentheses_change_nothing() -> None:
    assert cond("((a))") == F("a")
    assert cond("(a) and ((b))") == And((F("a"), F("b")))


def test_chains_of_and_or() -> None:
    assert cond("a and b and c") == And((F("a"), F("b"), F("c")))
    assert cond("a or b or c") == Or((F("a"), F("b"), F("c")))


def test_double_negation() -> None:
    assert cond("not not a") == Not(Not(F("a")))


def test_not_applies_to_a_whole_test() -> None:
    assert cond("not country = 'GB'") == Not(Compare(N("country"), "=", "GB"))
    assert cond("not x in [1]") == Not(In(N("x"), ListValue((D("1"),))))


# ------------------------------------------------------------------------------------ names


def test_multi_word_name() -> None:
    assert cond("company size >= 1") == Compare(N("company size"), ">=", D("1"))


def test_extra_spaces_inside_a_name_are_one_space() -> None:
    found = cond("company    size >= 1")
    assert isinstance(found, Compare)
    assert found.name.key == "company size"


def test_dotted_name() -> None:
    assert cond("address.country = 'GB'") == Compare(N("address", "country"), "=", "GB")
    assert cond("company . size > 1") == Compare(N("company", "size"), ">", D("1"))
    assert cond("a.b c.d > 1") == Compare(N("a", "b c", "d"), ">", D("1"))


def test_backticked_name() -> None:
    assert cond("`Annual Revenue (USD)` > 1_000_000") == Compare(
        N(("Annual Revenue (USD)", True)), ">", D("1000000")
    )


def test_backticks_make_a_keyword_a_name() -> None:
    assert cond("`max` = 1") == Compare(N(("max", True)), "=", D("1"))
    assert cond("`when`") == Fact(N(("when", True)))


def test_backticked_segment_in_a_dotted_name() -> None:
    assert cond("company.`Annual Revenue` > 5") == Compare(
        N("company", ("Annual Revenue", True)), ">", D("5")
    )


def test_name_keys_ignore_case_and_separators() -> None:
    a = cond("Company_Size > 1")
    b = cond("company size > 1")
    assert isinstance(a, Compare) and isinstance(b, Compare)
    assert a.name.key == b.name.key == "company size"


def test_hyphenated_and_non_ascii_names() -> None:
    assert cond("e-mail contains 'x'") == TextTest(N("e-mail"), "contains", "x")
    assert cond("Firmengröße > 5") == Compare(N("Firmengröße"), ">", D("5"))


def test_name_words_that_are_keywords_elsewhere() -> None:
    # `up`, `time` and `per` are keywords only where the grammar expects them.
    assert cond("signed up within 30 days") == F(
        "signed up", windows=(Window("within", Duration(D("30"), "days")),)
    )
    assert cond("time on site > 5") == Compare(N("time on site"), ">", D("5"))


def test_digits_inside_names() -> None:
    assert cond("utm source2 = 'x'") == Compare(N("utm source2"), "=", "x")


# ------------------------------------------------------------------------------------ literals


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("50", Decimal("50")),
        ("12.5", Decimal("12.5")),
        ("10_000", Decimal("10000")),
        ("-3", Decimal("-3")),
        ("0.001", Decimal("0.001")),
    ],
)
def test_number_literals(written: str, value: Decimal) -> None:
    found = cond(f"x > {written}")
    assert isinstance(found, Compare)
    assert isinstance(found.value, Decimal)
    assert found.value == value


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ('"GB"', "GB"),
        ("'GB'", "GB"),
        ('""', ""),
        ('"it\'s"', "it's"),
        ("'say \"hi\"'", 'say "hi"'),
        (r"'it\'s'", "it's"),
        (r'"a \"b\""', 'a "b"'),
        (r'"back\\slash"', "back\\slash"),
        (r'"line\nbreak"', "line\nbreak"),
        (r'"tab\there"', "tab\there"),
        (r'"caf\u00e9"', "café"),
        ('"café ☕"', "café ☕"),
    ],
)
def test_string_literals(written: str, value: str) -> None:
    assert cond(f"x = {written}") == Compare(N("x"), "=", value)


@pytest.mark.parametrize(("written", "value"), [("true", True), ("false", False), ("TRUE", True)])
def test_boolean_literals(written: str, value: bool) -> None:
    found = cond(f"x = {written}")
    assert isinstance(found, Compare)
    assert found.value is value


def test_date_literal() -> None:
    found = cond("signup date >= 2026-01-15")
    assert isinstance(found, Compare)
    assert type(found.value) is dt.date
    assert found.value == dt.date(2026, 1, 15)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("2026-01-15T10:00:00Z", dt.datetime(2026, 1, 15, 10, tzinfo=UTC)),
        ("2026-01-15T10:00Z", dt.datetime(2026, 1, 15, 10, tzinfo=UTC)),
        (
            "2026-01-15T10:00:00+02:00",
            dt.datetime(2026, 1, 15, 8, tzinfo=UTC),  # the same instant
        ),
        ("2026-01-15T10:00:00.5Z", dt.datetime(2026, 1, 15, 10, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_datetime_literals(written: str, value: dt.datetime) -> None:
    found = cond(f"last seen > {written}")
    assert isinstance(found, Compare)
    assert isinstance(found.value, dt.datetime)
    assert found.value.tzinfo is not None
    assert found.value == value


def test_naive_datetime_literal_is_taken_as_utc() -> None:
    found = cond("last seen > 2026-01-15T10:00:00")
    assert isinstance(found, Compare)
    assert isinstance(found.value, dt.datetime)
    assert found.value.utcoffset() == dt.timedelta(0)
    assert found.value == dt.datetime(2026, 1, 15, 10, tzinfo=UTC)


def test_list_of_mixed_literals() -> None:
    found = cond("x in [1, 'a', true, false, 2026-01-15, 2026-01-15T10:00:00Z]")
    assert found == In(
        N("x"),
        ListValue(
            (
                D("1"),
                "a",
                True,
                False,
                dt.date(2026, 1, 15),
                dt.datetime(2026, 1, 15, 10, tzinfo=UTC),
            )
        ),
    )


# ------------------------------------------------------------------------------------ positions


def test_statement_and_condition_spans() -> None:
    source = "# heading\ngroup fit:\n    +20 when company size >= 1000\n"
    group = only(source)
    assert isinstance(group, Group)
    assert (group.span.line, group.span.column) == (2, 1)
    score = group.rules[0]
    assert (score.span.line, score.span.column) == (3, 5)
    test = score.condition
    assert isinstance(test, Compare)
    assert (test.span.line, test.span.column) == (3, 14)
    assert (test.name.span.line, test.name.span.column) == (3, 14)
    assert test.span.text(parse(source).source) == "company size >= 1000"


def test_spans_after_a_semicolon() -> None:
    _, stage = statements("+1 when a; MQL at 5")
    assert isinstance(stage, Stage)
    assert (stage.span.line, stage.span.column) == (1, 12)


def _span_texts(source: str) -> dict[str, list[str]]:
    """The source text of every node with a span in the condition of ``+1 when <source>``, by
    the kind of node."""
    parsed = parse(f"+1 when {source}")
    rule = parsed.statements[0]
    assert isinstance(rule, ScoreRule)
    found: dict[str, list[str]] = {}
    todo: list[object] = [rule.condition]
    while todo:
        node = todo.pop()
        if isinstance(node, tuple):
            todo.extend(node)
        elif attrs.has(type(node)):
            span = getattr(node, "span", None)
            if isinstance(span, ast.Span):
                found.setdefault(type(node).__name__, []).append(span.text(parsed.source))
            todo.extend(getattr(node, f.name) for f in attrs.fields(type(node)) if f.name != "span")
    return found


@pytest.mark.parametrize(
    ("condition", "kind", "texts"),
    [
        # A condition starts at its first operand's opening bracket and ends at its last
        # operand's closing one; a parenthesised condition's own span leaves them out.
        ("(a or b) and c", "And", ["(a or b) and c"]),
        ("(a or b) and c", "Or", ["a or b"]),
        ("c or (a and (b))", "Or", ["c or (a and (b))"]),
        ("not (a or b)", "Not", ["not (a or b)"]),
        ("((not a))", "Not", ["not a"]),
        ('x in ["a", "b",]', "In", ['x in ["a", "b",]']),
        ('x in ["a", "b",]', "ListValue", ['["a", "b",]']),
        ("x not in []", "ListValue", ["[]"]),
        ("x between 1 and 5", "Between", ["x between 1 and 5"]),
        ("job  title >= 3", "Name", ["job  title"]),
        ("a.`b c`.d e = 1", "Name", ["a.`b c`.d e"]),
        ("e at least 3 times within 14 days", "Fact", ["e at least 3 times within 14 days"]),
        ("e at least 3 times within 14 days", "Count", ["at least 3 times"]),
        ("e at least 3 times within 14 days", "Window", ["within 14 days"]),
        ("e where (p = 1 or q) and f", "Fact", ["e where (p = 1 or q)", "f", "q"]),
        ("e where not p", "Not", ["not p"]),
        ("t matches /a\\/b/i", "Matches", ["t matches /a\\/b/i"]),
        ("t is not missing", "Presence", ["t is not missing"]),
    ],
)
def test_condition_spans_cover_their_brackets_and_keywords(
    condition: str, kind: str, texts: list[str]
) -> None:
    assert sorted(_span_texts(condition)[kind]) == sorted(texts)


def test_statement_spans_and_texts() -> None:
    source = (
        "define  hot as (a or b)\n"
        'disqualify when x = 1 because "no"\n'
        '+5 per  visits, up to 20 as "Visits"\n'
        "SQL at 80 when (a)\n"
    )
    parsed = parse(source)
    define, _, per, stage = parsed.statements
    texts = [s.span.text(parsed.source) for s in parsed.statements]
    assert texts == [
        "define  hot as (a or b)",
        'disqualify when x = 1 because "no"',
        '+5 per  visits, up to 20 as "Visits"',
        "SQL at 80 when (a)",
    ]
    assert isinstance(define, Define)
    assert define.text == "define hot as (a or b)"
    assert isinstance(per, ScoreRule)
    assert per.text == '+5 per visits, up to 20 as "Visits"'
    assert per.what == "per visits"
    assert (stage.span.line, stage.span.column, stage.span.end_line) == (4, 1, 4)


def test_score_rule_named_by_its_condition_without_outer_parentheses() -> None:
    (found,) = parse("+1 when (a  and b)").statements
    assert isinstance(found, ScoreRule)
    assert found.what == "a and b"


def test_group_header_text_and_span() -> None:
    source = "group `fit`  max 50 min 5:\n    +1 when a\n    +2 when b\nMQL at 5\n"
    group, stage = parse(source).statements
    assert isinstance(group, Group)
    assert group.text == "group `fit` max 50 min 5:"
    assert (group.span.line, group.span.column) == (1, 1)
    assert (stage.span.line, stage.span.column) == (4, 1)


def test_filename_is_kept_on_the_tree() -> None:
    assert parse("+1 when a", filename="scoring.leadrules").filename == "scoring.leadrules"


# ------------------------------------------------------------------------------- events and time


def test_event_count_at_least_and_at_most() -> None:
    assert cond("visited pricing page at least 3 times") == F(
        "visited pricing page", count=Count("at least", 3)
    )
    assert cond("opened email at most 1 time") == F("opened email", count=Count("at most", 1))


def test_count_combined_with_window() -> None:
    assert cond("visited pricing page at least 3 times within 14 days") == F(
        "visited pricing page",
        count=Count("at least", 3),
        windows=(Window("within", Duration(D("14"), "days")),),
    )


@pytest.mark.parametrize(
    ("written", "duration"),
    [
        ("30 days", Duration(D("30"), "days")),
        ("1 day", Duration(D("1"), "days")),
        ("2 weeks", Duration(D("2"), "weeks")),
        ("6 months", Duration(D("6"), "months")),
        ("1 year", Duration(D("1"), "years")),
        ("90 minutes", Duration(D("90"), "minutes")),
        ("12 HOURS", Duration(D("12"), "hours")),
    ],
)
def test_within_durations(written: str, duration: Duration) -> None:
    assert cond(f"signed up within {written}") == F(
        "signed up", windows=(Window("within", duration),)
    )


@pytest.mark.parametrize("kind", ["since", "before", "after"])
def test_date_windows(kind: str) -> None:
    assert cond(f"last seen {kind} 2026-01-01") == F(
        "last seen",
        windows=(Window(kind, dt.date(2026, 1, 1)),),  # type: ignore[arg-type]
    )


def test_datetime_window() -> None:
    assert cond("created after 2025-06-30T12:00:00Z") == F(
        "created", windows=(Window("after", dt.datetime(2025, 6, 30, 12, tzinfo=UTC)),)
    )


def test_where_filter_on_event_properties() -> None:
    assert cond('attended webinar where topic contains "AI"') == F(
        "attended webinar", where=TextTest(N("topic"), "contains", "AI")
    )


def test_where_takes_one_test_so_and_belongs_outside() -> None:
    assert cond("attended webinar where topic contains 'AI' and country = 'GB'") == And(
        (
            F("attended webinar", where=TextTest(N("topic"), "contains", "AI")),
            Compare(N("country"), "=", "GB"),
        )
    )


def test_where_with_parenthesised_condition_and_count() -> None:
    found = cond("attended webinar where (topic contains 'AI' or length > 30) at least 2 times")
    assert found == F(
        "attended webinar",
        where=Or((TextTest(N("topic"), "contains", "AI"), Compare(N("length"), ">", D("30")))),
        count=Count("at least", 2),
    )


def test_per_rule_with_window_and_cap() -> None:
    found = only("+5 per opened email within 30 days, up to 15")
    assert isinstance(found, ScoreRule)
    assert found.condition is None
    assert found.per == F("opened email", windows=(Window("within", Duration(D("30"), "days")),))
    assert found.cap == D("15")
    assert found.points == D("5")


def test_per_rule_on_a_numeric_field_without_cap() -> None:
    found = only("+1 per employees")
    assert isinstance(found, ScoreRule)
    assert found.per == F("employees")
    assert found.cap is None


def test_per_rule_with_where_and_label() -> None:
    found = only("+2 per page view where url contains '/pricing', up to 10 as 'Pricing views'")
    assert isinstance(found, ScoreRule)
    assert found.per == F("page view", where=TextTest(N("url"), "contains", "/pricing"))
    assert (found.cap, found.label) == (D("10"), "Pricing views")


def test_decay() -> None:
    found = only("+20 when attended webinar, decaying 50% every 30 days")
    assert isinstance(found, ScoreRule)
    assert found.condition == F("attended webinar")
    assert found.decay == Decay(D("50"), Duration(D("30"), "days"))


def test_decay_with_decimal_percent_and_label() -> None:
    found = only("+20 when attended webinar, decaying 12.5% every 2 weeks as 'Webinar'")
    assert isinstance(found, ScoreRule)
    assert found.decay == Decay(D("12.5"), Duration(D("2"), "weeks"))
    assert found.label == "Webinar"


# --------------------------------------------------------------------------------- the spec file


def test_spec_example_parses_into_the_right_statements(spec_example: str) -> None:
    found = statements(spec_example)
    kinds = [type(s).__name__ for s in found]
    assert kinds == [
        "Define",
        "Define",
        "Group",
        "Group",
        "Disqualify",
        "Disqualify",
        "Stage",
        "Stage",
    ]
    fit, engagement = found[2], found[3]
    assert isinstance(fit, Group) and isinstance(engagement, Group)
    assert (fit.name, fit.max, len(fit.rules)) == ("fit", D("50"), 4)
    assert (engagement.name, engagement.max, len(engagement.rules)) == ("engagement", D("60"), 5)
    assert [r.points for r in fit.rules] == [D("20"), D("15"), D("10"), D("-10")]
    assert [r.points for r in engagement.rules] == [D("20"), D("5"), D("25"), D("30"), D("20")]
    assert found[6] == Stage("MQL", D("50"), None)
    assert found[7] == Stage("SQL", D("80"), Or((F("requested demo"), F("booked call"))))


def test_parse_is_reachable_from_the_package() -> None:
    # The public entry point builds on the same parser: a compiled rule set keeps the tree.
    rules = leadrules.compile("+1 when a")
    assert rules.tree.statements == parse("+1 when a").statements
