"""`leadrules test` and its case files, run as a user runs it (see clihelpers.py). Expected
values are worked out by hand in the comments next to each expectation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from clihelpers import B2B, DATA, EXAMPLES, NOW, SIMPLE, run, write


def test_test_command_on_the_example_cases() -> None:
    cases = EXAMPLES / "cases.jsonl"
    result = run("test", B2B, cases)
    assert result.exit_code == 0, result.output
    count = sum(
        1
        for line in cases.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert result.stdout.splitlines()[-1] == f"{count} passed, 0 failed"


def test_test_command_reports_failures_with_the_explanation(tmp_path: Path) -> None:
    cases = write(
        tmp_path / "cases.jsonl",
        """
        # whitepaper +10, director +20: 30 -> MQL
        {"name": "director with whitepaper is MQL", "lead": {"job title": "Director", "downloaded whitepaper": true, "country": "GB"}, "now": "2026-11-21", "expect": {"stage": "MQL", "score": 30, "disqualified": false}}
        {"name": "wrong on purpose", "lead": {"job title": "Director", "country": "GB"}, "now": "2026-11-21", "expect": {"stage": "SQL", "score": 99}}
        {"name": "range", "lead": {"country": "FR"}, "expect": {"score": {"min": 0, "max": 0}, "disqualified": true, "qualified": false}}
        {"name": "range fails", "lead": {"job title": "director", "country": "GB"}, "expect": {"score": {"min": 25}}}
        """,  # noqa: E501
    )
    result = run("test", SIMPLE, cases, "--now", NOW, "-v")
    assert result.exit_code == 1
    out = result.stdout
    assert f"ok    {cases}:2: director with whitepaper is MQL" in out
    assert f"FAIL  {cases}:3: wrong on purpose" in out
    # The director alone has 20 points: no stage.
    assert "stage: expected SQL, got no stage" in out
    assert "score: expected 99, got 20" in out
    assert "score: expected 25 to -, got 20" in out
    assert "Score 20 - no stage reached" in out  # the explanation of the failing case
    assert out.splitlines()[-1] == "2 passed, 2 failed"


def test_test_command_failing_example_file() -> None:
    # The second case expects MQL for a lead whose only signal is a whitepaper: under
    # b2b.leadrules that is +20 for the whitepaper and -5 for the missing budget = 15, no stage.
    cases = DATA / "failing_cases.jsonl"
    result = run("test", B2B, cases)
    assert result.exit_code == 1
    assert f"FAIL  {cases}:3: A whitepaper download alone makes an MQL" in result.stdout
    assert "stage: expected MQL, got no stage" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 passed, 1 failed"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"lead": {}, "expect": {"stag": "MQL"}}', "unknown expectation 'stag'"),
        ('{"lead": {}, "expect": {}}', '"expect"'),
        ('{"expect": {"stage": "MQL"}}', '"lead"'),
        ('{"lead": {}, "expect": {"score": "fifty"}}', "score must be a number"),
        ('{"lead": {}, "expect": {"disqualified": "no"}}', "true or false"),
        ('{"lead": {}, "now": "soon", "expect": {"stage": null}}', "now:"),
        ('{"lead": {}, "expect": {"stage": null}, "extra": 1}', "unknown key 'extra'"),
    ],
)
def test_test_command_rejects_a_malformed_cases_file(
    tmp_path: Path, line: str, message: str
) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"lead": {}, "expect": {"stage": null}}\n' + line + "\n", encoding="utf-8")
    result = run("test", SIMPLE, cases)
    assert result.exit_code == 2
    assert f"{cases}:2: " in result.stderr
    assert message in result.stderr


def test_test_command_with_no_cases(tmp_path: Path) -> None:
    cases = write(tmp_path / "cases.jsonl", "# nothing yet\n")
    assert run("test", SIMPLE, cases).exit_code == 2


# ------------------------------------------------------------------------------- issue 12


def test_an_expected_stage_that_is_not_a_stage_of_the_rules_is_a_mistake(tmp_path: Path) -> None:
    # Stages of examples/b2b.leadrules: MQL, SQL, Sales ready.
    cases = write(
        tmp_path / "cases.jsonl",
        """
        {"name": "lower case", "lead": {"country": "GB"}, "now": "2026-11-21", "expect": {"stage": "mql"}}
        {"name": "a CRM's word", "lead": {"country": "GB"}, "now": "2026-11-21", "expect": {"stage": "Marketing Qualified"}}
        {"name": "fine", "lead": {"country": "GB"}, "now": "2026-11-21", "expect": {"stage": null}}
        """,  # noqa: E501
    )
    result = run("test", B2B, cases)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{cases}:1: expects stage 'mql', which is not a stage of the rules (their stages: "
        "MQL, SQL, Sales ready; null for no stage); did you mean 'MQL'?",
        f"{cases}:2: expects stage 'Marketing Qualified', which is not a stage of the rules "
        "(their stages: MQL, SQL, Sales ready; null for no stage)",
        f"leadrules: error: {cases} has 2 mistakes",
    ]


def test_cases_without_now_warn_once_that_the_clock_was_used(tmp_path: Path) -> None:
    cases = write(
        tmp_path / "cases.jsonl",
        """
        {"lead": {"country": "GB"}, "expect": {"score": 0}}
        {"lead": {"country": "IE"}, "expect": {"score": 0}}
        {"lead": {"country": "GB"}, "now": "2026-11-21", "expect": {"score": 0}}
        """,
    )
    result = run("test", SIMPLE, cases)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert warnings[0].startswith('warning: 2 cases have no "now": scored at the current time, 20')
    assert warnings[0].endswith(
        ", so results that depend on time (within, since, decay, events) can change from day "
        'to day; give each case a "now", or pass --now'
    )
    with_now = run("test", SIMPLE, cases, "--now", NOW)
    assert "warning:" not in with_now.stderr
    every_case = run("test", B2B, EXAMPLES / "cases.jsonl")  # each has its "now"
    assert "warning:" not in every_case.stderr
