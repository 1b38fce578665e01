"""Resource limits (docs/language.md, Limits): each hostile input of issue 15, in a child
process bounded in CPU time and memory (fuzzing.run_bounded). The child must finish within
the bounds, with the answer or the rule error expected; a runaway is killed by the bound and
fails the test. No timing is asserted."""

from __future__ import annotations

import textwrap

import pytest
from fuzzing import run_bounded

#: Every case's child process: at most this much CPU time and address space.
SECONDS = 30
MEGABYTES = 1500

PRELUDE = """
import datetime as dt, json
from decimal import Decimal
import leadrules
NOW = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)

def refused(text, said):
    try:
        leadrules.compile(text)
    except leadrules.RuleSyntaxError as exc:
        assert said in str(exc), str(exc)[:300]
    else:
        raise AssertionError("compiled: " + text[:60])

def every_method(result):
    str(result); repr(result); json.dumps(result.to_dict()); result.explain()
    assert result == result

def scored(text, lead, backends=("reference", "compiled")):
    for backend in backends:
        rules = leadrules.compile(text, backend=backend)
        result = rules.evaluate(lead, NOW)
        every_method(result)
        result.undecided  # the compiled backend builds its explanation when it is read
"""

CASES = {
    "doubling definitions": """
        lines = ["define d0 as a"] + [f"define d{i} as d{i-1} or d{i-1}" for i in range(1, 27)]
        refused("\\n".join(lines + ["+1 when d26"]), "tests")
        lines = ["define d0 as a"] + [f"define d{i} as d{i-1} and d{i-1}" for i in range(1, 14)]
        scored("\\n".join(lines + ["+1 when d13"]), {"a": "yes"})
        scored("\\n".join(lines + ["+1 when d13"]), {})
    """,
    "patterns": """
        scored("+1 when title matches /" + "(a)" * 100 + "/", {"title": "a" * 99_400})
        refused("+1 when title matches /" + "(a)" * 700 + "/", "this pattern")
        refused("+1 when title matches /" + "(a)" * 300 + "/", "groups")
        for piece in ("(a|b)", "[abc]", "\\\\d"):
            refused("+1 when t matches /" + piece * 200_000 + "/", "characters long")
        refused("+1 when t matches /" + "(" * 100_000 + "a" + ")" * 100_000 + "/", "long")
        refused("+1 when t matches /\\\\w{1000}z/i", "too big")
        # the costliest patterns within the limits, on the longest text a pattern reads
        for pattern in ("(?:[ab]*a[ab]{20}){20}c", "\\\\w{240}z", "(?:.*a){100}c"):
            scored(f"+1 when t matches /{pattern}/i", {"t": "ab" * 500_000})
    """,
    "huge texts": """
        refused('+1 when t = "' + "x" * 10_000_000 + '"', "characters long")
        refused('+1 when t = "' + "x" * 900_000 + '"', "characters long")
        refused("+1 when " + " or ".join(["a"] * 200_000), "characters long")
        refused("+1 when " + " or ".join(["a"] * 50_000), "tests")
        refused(";".join(f"+1 when f{i}" for i in range(90_909)), "characters long")
        refused(";".join(f"+1 when f{i}" for i in range(9_000)), "statements")
        chained = ["define d0 as a"] + [f"define d{i} as d{i-1}" for i in range(1, 3000)]
        refused("\\n".join(chained + ["+1 when d2999"]), "nested")
        scored(";".join(f"+1 when f{i}" for i in range(2_000)), {"f1": "yes"}, ("compiled",))
    """,
    "huge numbers": """
        refused("+1 when n > " + "9" * 900_000, "too large or too small")
        refused("+1 when n > " + "9" * 5000, "too large or too small")
        for value in (Decimal("1E+999999"), 10**5000, Decimal("-NaN"), "9" * 100_000):
            scored("+1 when n is present\\n+1 when n > 5", {"n": value})
    """,
    "hostile leads": """
        deep = []
        for _ in range(100_000):
            deep = [deep]
        class Unshowable:
            def __repr__(self):
                raise RuntimeError
        for value in (deep, Unshowable(), "x" * 1_000_000, ["vp"] * 100_000):
            scored('+1 when x is present\\n+1 when x contains "vp"\\n+1 when x matches /vp$/',
                   {"x": value})
        events = [{"name": "opened email", "at": "2026-01-01"}] * 50_000
        scored("+1 per opened email within 365 days, decaying 10% every 1 day",
               {"events": events})
    """,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_stays_within_bounds(case: str) -> None:
    code = PRELUDE + textwrap.dedent(CASES[case]) + "\nprint('finished')\n"
    done = run_bounded(code, seconds=SECONDS, megabytes=MEGABYTES)
    assert done.returncode == 0, f"{case}: exit {done.returncode}\n{done.stderr[-3000:]}"
    assert done.stdout.strip().endswith("finished")
    # RE2 writes nothing (its logging is off, and patterns it would log about never reach it)
    assert done.stderr == "", done.stderr[-2000:]
