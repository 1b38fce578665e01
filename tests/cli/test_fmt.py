"""`leadrules fmt`, run as a user runs it (see clihelpers.py): the real formatter, and a
stand-in one for the command's own mechanics.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from clihelpers import BAD, DATA, SIMPLE, run, write

import leadrules
from leadrules.cli.commands import fmt as fmt_command


def test_fmt_check_on_a_formatted_file_changes_nothing(tmp_path: Path) -> None:
    rules = tmp_path / "rules.leadrules"
    canonical = leadrules.format(SIMPLE.read_text(encoding="utf-8"))
    rules.write_text(canonical, encoding="utf-8")
    result = run("fmt", "--check", rules)
    assert result.exit_code == 0, result.output
    assert "would reformat" not in result.output
    assert rules.read_text(encoding="utf-8") == canonical


def test_fmt_real_formatter_adds_the_final_newline(tmp_path: Path) -> None:
    rules = tmp_path / "rules.leadrules"
    rules.write_text("MQL at 50", encoding="utf-8")  # no newline at the end
    result = run("fmt", "--check", rules)
    assert result.exit_code == 1
    assert f"would reformat {rules}" in result.stdout
    assert rules.read_text(encoding="utf-8") == "MQL at 50"
    assert run("fmt", rules).exit_code == 0
    assert rules.read_text(encoding="utf-8").endswith("\n")
    assert run("fmt", "--check", rules).exit_code == 0


def test_fmt_check_real_formatter_on_a_draft() -> None:
    # draft.leadrules has upper-case keywords, 2-space indentation and single quotes: the
    # canonical layout has none of them.
    draft = DATA / "draft.leadrules"
    before = draft.read_text(encoding="utf-8")
    result = run("fmt", "--check", draft)
    assert result.exit_code == 1
    assert f"would reformat {draft}" in result.stdout
    diff = run("fmt", "--diff", draft)
    assert "-GROUP fit MAX 40:" in diff.stdout
    assert "+group fit max 40:" in diff.stdout
    assert draft.read_text(encoding="utf-8") == before


def _lowercase_formatter(source: str, filename: str = "<rules>") -> str:
    """A stand-in formatter for the command's own mechanics: lower-case everything."""
    return source.lower()


def test_fmt_check_lists_files_that_would_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fmt_command, "format_rules", _lowercase_formatter)
    messy = write(tmp_path / "messy.leadrules", "MQL AT 50\n")
    tidy = write(tmp_path / "tidy.leadrules", "mql at 50\n")
    result = run("fmt", "--check", messy, tidy)
    assert result.exit_code == 1
    assert f"would reformat {messy}" in result.stdout
    assert str(tidy) not in result.stdout
    assert messy.read_text(encoding="utf-8") == "MQL AT 50\n"  # --check changes nothing


def test_fmt_diff_prints_a_unified_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt_command, "format_rules", _lowercase_formatter)
    messy = write(tmp_path / "messy.leadrules", "# rules\nMQL AT 50\n")
    result = run("fmt", "--diff", messy)
    assert result.exit_code == 0  # like black: --diff alone does not fail
    assert result.stdout.splitlines() == [
        f"--- {messy} (original)",
        f"+++ {messy} (formatted)",
        "@@ -1,2 +1,2 @@",
        " # rules",
        "-MQL AT 50",
        "+mql at 50",
    ]
    assert messy.read_text(encoding="utf-8") == "# rules\nMQL AT 50\n"
    assert run("fmt", "--diff", "--check", messy).exit_code == 1


def test_fmt_rewrites_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt_command, "format_rules", _lowercase_formatter)
    messy = write(tmp_path / "messy.leadrules", "MQL AT 50\n")
    result = run("fmt", messy)
    assert result.exit_code == 0
    assert messy.read_text(encoding="utf-8") == "mql at 50\n"
    assert f"reformatted {messy}" in result.stderr
    assert run("fmt", "--check", messy).exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["messy.leadrules"]  # no temporary left


def test_fmt_standard_input_to_standard_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt_command, "format_rules", _lowercase_formatter)
    result = run("fmt", "-", input="MQL AT 50\n")
    assert result.exit_code == 0
    assert result.stdout == "mql at 50\n"


def test_fmt_file_that_does_not_parse_exits_2(tmp_path: Path) -> None:
    rules = tmp_path / "bad.leadrules"
    rules.write_text(BAD.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("fmt", rules)
    assert result.exit_code == 2
    assert f"{rules}:1:5: error:" in result.stderr
    assert rules.read_text(encoding="utf-8") == BAD.read_text(encoding="utf-8")
