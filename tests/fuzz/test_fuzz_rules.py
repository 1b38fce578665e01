"""Rule texts, valid and broken: compiling, checking and formatting either succeed or raise a
LeadRulesError naming a line and column; nothing else ever escapes."""

from __future__ import annotations

import contextlib
import datetime as dt

from fuzzing import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

import leadrules
from leadrules.strategies import rule_sources

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)

#: Pieces rule texts are made of, and the hostile ones: numbers of every size, long texts,
#: patterns RE2 refuses or finds costly, brackets, separators, escapes, odd characters.
PIECES = st.one_of(
    st.sampled_from(
        [
            "+10 ",
            "-5 ",
            "when ",
            "per ",
            "define ",
            "as ",
            "disqualify ",
            "MQL at ",
            "group g:",
            "\n    ",
            "\n",
            ";",
            " and ",
            " or ",
            "not ",
            "(",
            ")",
            "[",
            "]",
            ",",
            " = ",
            " > ",
            " between 1 and 2",
            " in ",
            " contains ",
            " starts with ",
            " ends with ",
            " matches ",
            "/",
            "/i",
            '"',
            "'",
            "`",
            "\\",
            " is present",
            " within 30 days",
            " since 0001-01-01",
            " after 9999-12-31",
            " at least 3 times",
            " where ",
            ", decaying 50% every 1 day",
            ", up to 10",
            " because ",
            "#",
            "\ufeff",
            "\ud800",
            "\x00",
            "\t",
            "title",
            "a",
            "d0",
            "events",
            "0001-01-01T00:00:00Z",
        ]
    ),
    st.integers(0, 60).map(lambda n: "9" * n),
    st.integers(0, 60).map(lambda n: "0." + "0" * n + "1"),
    st.integers(0, 12_000).map(lambda n: '"' + "x" * n + '"'),
    st.integers(0, 1200).map(lambda n: "/" + "(a)" * (n // 3) + "/"),
    st.integers(1, 40).map(lambda n: "/" + "\\w{" + str(n * 25) + "}/i"),
    st.integers(1, 300).map(lambda n: "(" * n + "a" + ")" * n),
    st.text(max_size=6),
)


def _outcome(text: str) -> None:
    try:
        rules = leadrules.compile(text)
    except leadrules.LeadRulesError as exc:
        text_of = str(exc)
        assert text_of
        line = getattr(exc, "line", None)
        if line is not None:
            assert line >= 1 and exc.column >= 1  # type: ignore[attr-defined]
        return
    rules.evaluate({}, NOW).to_dict()


@fuzz_settings(150)
@given(st.lists(PIECES, max_size=14).map("".join))
def test_any_text_compiles_or_is_a_rule_error(text: str) -> None:
    _outcome(text)
    with contextlib.suppress(leadrules.LeadRulesError):
        leadrules.format(text)


@fuzz_settings(60)
@given(rule_sources(), st.data())
def test_valid_rules_broken_anywhere_compile_or_are_rule_errors(
    source: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(source)))
    cut = data.draw(st.integers(0, 5))
    inserted = data.draw(PIECES)
    _outcome(source[:at] + inserted + source[at + cut :])


@fuzz_settings(20)
@given(st.integers(1, 30), st.sampled_from(["or", "and"]), st.booleans())
def test_definitions_used_twice_at_every_level_compile_or_are_refused(
    levels: int, word: str, negate: bool
) -> None:
    """The doubling definitions of issue 15: refused beyond the limit, and cheap below it."""
    lines = ["define d0 as a"]
    for i in range(1, levels + 1):
        lines.append(f"define d{i} as {'not ' if negate else ''}d{i - 1} {word} d{i - 1}")
    lines.append(f"+1 when d{levels}")
    _outcome("\n".join(lines))
