"""``leadrules test``: the cases of a JSON Lines file (a lead, maybe a time, what is expected)
run against a rule file; each failure shown with the lead's explanation.

Holds the command, the case file's format (what a case may say, checked line by line) and the
comparison of a result with what a case expects. Not here: reading the file (:mod:`..inputs`).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from typing import Any

import click

from ...lang.decimal_text import number_text
from ...lang.messages import did_you_mean
from ...result import Result
from ..base import (
    EXIT_FINDINGS,
    EXIT_OK,
    Failure,
    command,
    counted,
    echo_err,
    load_rules,
    open_input,
)
from ..findings import Findings
from ..inputs import parse_moment, undecodable
from ..options import (
    RULES_FILE,
    color_option,
    dayfirst_option,
    encoding_option,
    now_option,
    scoring_time,
)
from ..terminal import color_wanted, colorize

__all__ = ["CaseError", "test_cmd"]


_EXPECT_KEYS = ("stage", "score", "disqualified", "qualified")


class CaseError(Exception):
    """A mistake in a case file (not a failing case)."""


def _expect_number(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise CaseError(f"{what} must be a number, not {json.dumps(value, default=str)}")
    return Decimal(str(value))


def _parse_case(text: str) -> dict[str, Any]:
    try:
        case = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CaseError(f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(case, dict):
        raise CaseError("a case must be a JSON object")
    unknown = sorted(set(case) - {"name", "lead", "now", "expect"})
    if unknown:
        raise CaseError(f"unknown key {unknown[0]!r} (a case has name, lead, now, expect)")
    if not isinstance(case.get("lead"), dict):
        raise CaseError('a case needs "lead": an object with the lead\'s fields')
    expect = case.get("expect")
    if not isinstance(expect, dict) or not expect:
        raise CaseError(
            'a case needs "expect": an object with stage, score, disqualified and/or qualified'
        )
    for key in expect:
        if key not in _EXPECT_KEYS:
            raise CaseError(f"unknown expectation {key!r} (use {', '.join(_EXPECT_KEYS)})")
    if "stage" in expect and not (expect["stage"] is None or isinstance(expect["stage"], str)):
        raise CaseError('"stage" must be a stage name or null (no stage)')
    for key in ("disqualified", "qualified"):
        if key in expect and not isinstance(expect[key], bool):
            raise CaseError(f'"{key}" must be true or false')
    if "score" in expect:
        wanted = expect["score"]
        if isinstance(wanted, dict):
            extra = set(wanted) - {"min", "max"}
            if extra or not wanted:
                raise CaseError('"score" is a number or {"min": N, "max": N}')
            for key, value in wanted.items():
                _expect_number(value, f"score {key}")
        else:
            _expect_number(wanted, "score")
    if "now" in case:
        if not isinstance(case["now"], str):
            raise CaseError('"now" must be ISO-8601 text')
        try:
            case["now"] = parse_moment(case["now"])
        except ValueError as exc:
            raise CaseError(f"now: {exc}") from exc
    return case


def _unknown_stage(expect: dict[str, Any], stages: tuple[str, ...]) -> str | None:
    """A mistake when the case expects a stage the rules do not have."""
    wanted = expect.get("stage")
    if wanted is None or wanted in stages:
        return None
    guess = did_you_mean(wanted, stages)
    hint = f"; did you mean {guess!r}?" if guess is not None else ""
    shown = ", ".join(stages) if stages else "none"
    return (
        f"expects stage {wanted!r}, which is not a stage of the rules (their stages: "
        f"{shown}; null for no stage){hint}"
    )


def _stage_text(stage: str | None) -> str:
    return "no stage" if stage is None else stage


def _mismatches(expect: dict[str, Any], result: Result) -> list[str]:
    out: list[str] = []
    if "stage" in expect and expect["stage"] != result.stage:
        got = _stage_text(result.stage)
        if result.disqualified and result.stage is None:
            got += " (disqualified)"
        out.append(f"stage: expected {_stage_text(expect['stage'])}, got {got}")
    if "score" in expect:
        wanted = expect["score"]
        if isinstance(wanted, dict):
            low = None if "min" not in wanted else _expect_number(wanted["min"], "min")
            high = None if "max" not in wanted else _expect_number(wanted["max"], "max")
            if (low is not None and result.score < low) or (
                high is not None and result.score > high
            ):
                bounds = f"{'-' if low is None else number_text(low)} to " + (
                    "-" if high is None else number_text(high)
                )
                out.append(f"score: expected {bounds}, got {number_text(result.score)}")
        elif _expect_number(wanted, "score") != result.score:
            out.append(
                f"score: expected {number_text(_expect_number(wanted, 'score'))}, "
                f"got {number_text(result.score)}"
            )
    for key in ("disqualified", "qualified"):
        if key in expect and expect[key] != getattr(result, key):
            out.append(
                f"{key}: expected {str(expect[key]).lower()}, "
                f"got {str(getattr(result, key)).lower()}"
            )
    return out


@command("test")
@click.argument("rules", type=RULES_FILE)
@click.argument("cases", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@now_option
@dayfirst_option
@click.option("--verbose", "-v", is_flag=True, help="Also list the cases that pass.")
@color_option("Colours (default: on a terminal).")
@encoding_option("Text encoding of CASES.")
def test_cmd(
    rules: str,
    cases: str,
    now: dt.datetime | None,
    dayfirst: bool,
    verbose: bool,
    color: bool | None,
    encoding: str,
) -> int:
    """Run the rule-file tests in CASES against RULES.

    CASES is JSON Lines, one case per line (blank lines and lines starting with # are skipped):

    \b
    {"name": "VP at a GB software firm is SQL",
     "lead": {"job title": "VP Sales", "country": "GB", "requested demo": true},
     "now": "2026-11-21T00:00:00Z",
     "expect": {"stage": "SQL", "score": 80, "disqualified": false}}

    expect may hold stage (a name, or null for none), score (a number, or {"min": N, "max": N}),
    disqualified and qualified (true/false). A case without now uses --now, else the current
    time (and a warning says so). Exit 1 when a case fails, 2 when CASES itself has mistakes
    (an expected stage that is not a stage of the rules is one).
    """
    ruleset = load_rules(rules, dayfirst)
    default_now = scoring_time(now)
    parsed: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    with open_input(cases, "jsonl", encoding, table=False) as stream:
        name = stream.name
        for line_no, text in stream.lines():
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            bad = undecodable(text, encoding)
            if bad is not None:
                problems.append(f"{name}:{line_no}: {bad[1]}")
                continue
            try:
                case = _parse_case(text)
            except CaseError as exc:
                problems.append(f"{name}:{line_no}: {exc}")
                continue
            mistake = _unknown_stage(case["expect"], ruleset.stages)
            if mistake is not None:
                problems.append(f"{name}:{line_no}: {mistake}")
                continue
            parsed.append((line_no, case))
    if problems:
        for problem in problems:
            echo_err(problem)
        raise Failure(f"{name} has {counted(len(problems), 'mistake')}")
    if not parsed:
        raise Failure(f"{name} has no cases")
    use_color = color_wanted(color, sys.stdout)
    findings = Findings([ruleset.checked], kind="field", things=("case's lead", "cases' leads"))
    passed = failed = 0
    for line_no, case in parsed:
        title = case.get("name") or f"case at line {line_no}"
        result = ruleset.evaluate(case["lead"], case.get("now", default_now))
        findings.observe(case["lead"], result)
        wrong = _mismatches(case["expect"], result)
        if not wrong:
            passed += 1
            if verbose:
                click.echo(f"ok    {name}:{line_no}: {title}")
            continue
        failed += 1
        fail = click.style("FAIL", fg="red", bold=True) if use_color else "FAIL"
        click.echo(f"{fail}  {name}:{line_no}: {title}", color=use_color)
        for message in wrong:
            click.echo(f"      {message}")
        click.echo("      explanation:")
        explanation = result.explain().rstrip("\n")
        if use_color:
            explanation = colorize(explanation)
        for line in explanation.split("\n"):
            click.echo(("        " + line).rstrip(), color=use_color)
        click.echo("")
    clocked = sum(1 for _, case in parsed if "now" not in case)
    if clocked and now is None:
        which = "case has" if clocked == 1 else "cases have"
        echo_err(
            f'warning: {clocked} {which} no "now": scored at the current time, '
            f"{default_now.isoformat(timespec='seconds')}, so results that depend on time "
            "(within, since, decay, events) can change from day to day; give each case a "
            '"now", or pass --now'
        )
    for line in findings.name_lines():
        echo_err(line)
    click.echo(f"{passed} passed, {failed} failed")
    return EXIT_FINDINGS if failed else EXIT_OK
