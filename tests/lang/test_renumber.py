"""lang/renumber.py: the numbers of a rule file changed in place, every other character kept
(what ``leadrules assess --suggest`` writes, docs/assess.md): comments, labels, layout and the
numbers not named stay byte for byte; the numbers are found where the parser finds them, so a
number inside a label, a comment or a quoted stage name is never touched.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leadrules
from leadrules.lang.renumber import number_sites, renumber
from leadrules.strategies import rule_sources

TRAPS = """\
# +20 when in a comment is not a rule: 50 60
group "fit at 40" max 50 min -5:   # the group
    +20 when title contains "+30 when" as "up to 15 of them"
    +5 per opened email, up to 15 as "5 at 10"
    -2.5 when country is "IE"; +1_000 when size > 10_000
"Sales at 3" at 100 when booked call
MQL at 50   # hand over
"""


def test_every_number_is_found_with_the_statement_it_belongs_to() -> None:
    sites = [(s.kind, s.line, s.column, TRAPS[s.start : s.end]) for s in number_sites(TRAPS)]
    assert sites == [
        ("group max", 2, 1, "50"),
        ("group min", 2, 1, "-5"),
        ("points", 3, 5, "+20"),
        ("points", 4, 5, "+5"),
        ("cap", 4, 5, "15"),
        ("points", 5, 5, "-2.5"),
        ("points", 5, 32, "+1_000"),
        ("threshold", 6, 1, "100"),
        ("threshold", 7, 1, "50"),
    ]
    assert [s.value for s in number_sites(TRAPS)][5:7] == [Decimal("-2.5"), Decimal(1000)]


def test_only_the_named_numbers_change_and_comments_labels_and_layout_survive() -> None:
    changed = renumber(
        TRAPS,
        {
            ("points", 3, 5): Decimal(-7),
            ("cap", 4, 5): Decimal("22.5"),
            ("points", 5, 32): Decimal("0"),
            ("threshold", 7, 1): Decimal(45),
            ("group min", 2, 1): Decimal(-10),
        },
    )
    assert changed == TRAPS.replace("min -5", "min -10").replace(
        "    +20 when title", "    -7 when title"
    ).replace("up to 15 as", "up to 22.5 as").replace("+1_000", "+0").replace(
        "MQL at 50", "MQL at 45"
    )
    rules = leadrules.compile(changed)
    assert [r.points for r in rules.checked.score_rules] == [-7, 5, Decimal("-2.5"), 0]
    assert rules.checked.score_rules[0].label == "up to 15 of them"


def test_a_byte_order_mark_and_a_missing_final_newline_are_kept() -> None:
    text = "\ufeff+20 when a\nMQL at 20"
    assert renumber(text, {("points", 1, 1): Decimal(3), ("threshold", 2, 1): Decimal(2)}) == (
        "\ufeff+3 when a\nMQL at 2"
    )
    crlf = "+20 when a\r\n+5 when b\r\n"
    assert renumber(crlf, {("points", 2, 1): Decimal(6)}) == "+20 when a\r\n+6 when b\r\n"


def test_a_number_that_is_not_there_is_a_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="points"):
        renumber("+20 when a\n", {("points", 2, 1): Decimal(3)})


def test_the_positions_are_those_results_give_the_rules() -> None:
    # A contribution names its rule by line and column: the key renumber takes.
    rules = leadrules.compile(TRAPS)
    result = rules.evaluate(
        {"title": "+30 when", "opened email": [], "country": "IE", "size": 20_000, "events": []},
    )
    keys = {(s.line, s.column) for s in number_sites(TRAPS) if s.kind == "points"}
    assert {(c.line, c.column) for c in result.contributions if c.kind == "rule"} <= keys
    assert len(result.contributions) >= 3


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_sources(), st.data())
def test_new_points_and_limits_read_back_and_nothing_else_moves(source: str, data) -> None:  # type: ignore[no-untyped-def]
    sites = number_sites(source)
    checked = leadrules.compile(source).checked
    # Every score rule's position (as results give it) names its points.
    points = {(s.line, s.column) for s in sites if s.kind == "points"}
    assert {(r.span.line, r.span.column) for r in checked.score_rules} == points
    chosen = [s for s in sites if s.kind in ("points", "cap")]
    picks = data.draw(st.lists(st.sampled_from(chosen), unique=True) if chosen else st.just([]))
    new = {
        s.key: Decimal(
            data.draw(st.integers(-500, 500) if s.kind == "points" else st.integers(0, 500))
        )
        for s in picks
    }
    changed = renumber(source, new)
    after = number_sites(changed)
    # (A wider number moves the columns after it on its line: the keys name the old text.)
    assert [(s.kind, s.line) for s in after] == [(s.kind, s.line) for s in sites]
    for old, now in zip(sites, after, strict=True):
        assert now.value == new.get(old.key, old.value)

    # Between the numbers, every character is as it was.
    def gaps(text: str, found: tuple) -> list[str]:  # type: ignore[type-arg]
        ends = [0, *(p for s in found for p in (s.start, s.end)), len(text)]
        return [text[ends[i] : ends[i + 1]] for i in range(0, len(ends), 2)]

    assert gaps(changed, after) == gaps(source, sites)
    leadrules.compile(changed)
