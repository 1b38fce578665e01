"""The `leadrules` command line as a whole (help, version, `python -m leadrules`, usage errors,
internal errors and --debug), run as a user runs it: through click's test runner, and as a
real process (`python -m leadrules`) where the terminal, standard input or exit status matter.

Expected values come from the rule files in tests/data/cli/ and the language's rules, worked out
by hand in the comments next to each expectation.
"""

from __future__ import annotations

import re

import pytest
from clihelpers import DATA, LEADS, SIMPLE, run, run_process

import leadrules
from leadrules.cli.commands import score as score_command


def test_help_lists_every_subcommand() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name in ("check", "score", "explain", "fmt", "test", "diff"):
        assert re.search(rf"^\s+{name}\s", result.stdout, re.MULTILINE), name


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert leadrules.__version__ in result.stdout


def test_python_dash_m_runs_the_same_command_line() -> None:
    proc = run_process("check", SIMPLE)
    assert proc.returncode == 0, proc.stderr
    assert b"0 errors" in proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        ["score", str(SIMPLE)],  # LEADS missing
        ["score", str(DATA / "no-such-file.leadrules"), str(LEADS)],
        ["score", str(SIMPLE), str(LEADS), "--output", "xml"],
        ["score", str(SIMPLE), str(LEADS), "--now", "next tuesday"],
        ["explain", str(SIMPLE), str(LEADS)],  # neither --id nor --index
        ["explain", str(SIMPLE), str(LEADS), "--id", "L001", "--index", "1"],
        ["explain", str(SIMPLE), str(LEADS), "--index", "0"],
        ["check"],
        ["check", str(SIMPLE), "--schema", "no colon here"],
        ["check", str(SIMPLE), "--schema", "no_such_module_xyz:Lead"],
    ],
)
def test_usage_errors_exit_2_without_traceback(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_usage_error_as_a_real_process_has_no_traceback() -> None:
    proc = run_process("score", "missing.leadrules", "missing.jsonl")
    assert proc.returncode == 2
    assert b"Traceback" not in proc.stderr
    assert b"missing.leadrules" in proc.stderr


def test_unexpected_error_is_one_line_unless_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: str, *rest: object) -> None:
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(score_command, "load_rules", broken)
    result = run("score", SIMPLE, LEADS)
    assert result.exit_code == 2
    assert "internal error: RuntimeError: something inside broke" in result.stderr
    assert "--debug" in result.stderr
    assert "Traceback" not in result.output

    for args in (["--debug", "score", SIMPLE, LEADS], ["score", SIMPLE, LEADS, "--debug"]):
        debugged = run(*args)
        assert isinstance(debugged.exception, RuntimeError)
