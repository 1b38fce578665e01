"""`leadrules check`, run as a user runs it (see clihelpers.py). Expected values come from the
rule files in tests/data/cli/, worked out by hand in the comments next to each expectation.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from clihelpers import BAD, DATA, LEADS, SIMPLE, run, write


def test_check_clean_file_exits_0() -> None:
    result = run("check", SIMPLE)
    assert result.exit_code == 0, result.output
    assert "error:" not in result.stdout
    assert "1 file checked: 0 errors" in result.stdout


def test_check_bad_file_reports_every_error_in_compiler_convention() -> None:
    # bad.leadrules: line 1 misspells `when` as `whem` (column 5); line 2 writes `+ 10`;
    # line 3 writes `MQL 50` without `at`.
    result = run("check", BAD)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    name = str(BAD)
    heads = [line for line in lines if line.startswith(name + ":")]
    assert [h.split(":")[1] for h in heads] == ["1", "2", "3"]
    first = heads[0]
    assert first.startswith(f"{name}:1:5: error: ")
    # The offending line, then a caret under column 5.
    at = lines.index(first)
    assert lines[at + 1].strip() == "+20 whem downloaded whitepaper"
    caret_line = lines[at + 2]
    source_line = lines[at + 1]
    assert caret_line.index("^") == source_line.index("whem")
    assert "did you mean `when`" in result.stdout
    assert "3 errors" in lines[-1]


def test_check_several_files_fails_when_one_has_errors() -> None:
    result = run("check", SIMPLE, BAD)
    assert result.exit_code == 1
    assert not re.search(
        rf"^{re.escape(str(SIMPLE))}:\d+:\d+: (error|warning):", result.stdout, re.M
    )
    assert "2 files checked: 3 errors, 0 warnings" in result.stdout


def test_check_json_for_tools() -> None:
    result = run("check", "--format", "json", BAD, SIMPLE)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["errors"] == 3
    assert [f["file"] for f in data["files"]] == [str(BAD), str(SIMPLE)]
    assert [f["errors"] for f in data["files"]] == [3, 0]
    first = data["diagnostics"][0]
    assert (first["file"], first["line"], first["column"], first["severity"]) == (
        str(BAD),
        1,
        5,
        "error",
    )
    assert first["source_line"] == "+20 whem downloaded whitepaper"
    assert first["message"]


def test_check_json_clean_file_exits_0() -> None:
    result = run("check", "--format", "json", SIMPLE)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["errors"] == 0


def test_check_reports_static_analysis_warnings_but_exits_0(tmp_path: Path) -> None:
    rules = write(
        tmp_path / "never.leadrules",
        """
        +5 when company size > 5 and company size < 3
        +10 when downloaded whitepaper
        MQL at 10
        """,
    )
    result = run("check", rules)
    assert result.exit_code == 0, result.output
    # Line 1 can never fire: no size is both above 5 and below 3.
    assert re.search(rf"^{re.escape(str(rules))}:1:\d+: warning: ", result.stdout, re.MULTILINE)
    data = json.loads(run("check", "--format", "json", rules).stdout)
    assert any(d["severity"] == "warning" and d["line"] == 1 for d in data["diagnostics"])


def test_check_with_schema_rejects_unknown_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path / "cli_schema_models.py",
        """
        import attrs

        @attrs.define
        class Prospect:
            company_size: int | None = None
            country: str | None = None
        """,
    )
    good = write(tmp_path / "good.leadrules", "+5 when company size > 50\n")
    typo = write(tmp_path / "typo.leadrules", "+5 when compnay size > 50\n")
    monkeypatch.chdir(tmp_path)
    ok = run("check", good.name, "--schema", "cli_schema_models:Prospect")
    assert ok.exit_code == 0, ok.output
    bad = run("check", typo.name, "--schema", "cli_schema_models:Prospect")
    assert bad.exit_code == 1
    assert bad.stdout.startswith("typo.leadrules:1:9: error: ")
    assert "company size" in bad.stdout  # the did-you-mean
    # The same class, named by its file path.
    by_path = run("check", typo.name, "--schema", "cli_schema_models.py:Prospect")
    assert by_path.exit_code == 1
    missing = run("check", good.name, "--schema", "cli_schema_models:Nope")
    assert missing.exit_code == 2


def test_check_with_the_schema_example_reports_both_mistakes() -> None:
    # typo.leadrules: `job titel` (line 1) is not a field of Prospect; `company size` is an int,
    # so `contains` (line 2) does not suit it. Both names start at column 10.
    rules = DATA / "typo.leadrules"
    result = run("check", rules, "--schema", f"{DATA / 'crm_schema.py'}:Prospect")
    assert result.exit_code == 1
    heads = [line for line in result.stdout.splitlines() if line.startswith(f"{rules}:")]
    assert [h.split(": ")[0] for h in heads] == [f"{rules}:1:10", f"{rules}:2:10"]
    assert all(": error: " in h for h in heads)
    assert "`job title`" in result.stdout  # did you mean
    # Without the schema the same file is fine: any name may be a field of a plain lead.
    assert run("check", rules).exit_code == 0


def test_check_rule_file_that_is_not_utf8(tmp_path: Path) -> None:
    rules = tmp_path / "latin1.leadrules"
    rules.write_bytes('+5 when country = "España"\n'.encode("latin-1"))
    result = run("check", rules)
    assert result.exit_code == 1
    # '+5 when country = "Espa' is 23 characters: the ñ (0xf1 in latin-1) is at column 24.
    assert (
        f"{rules}:1:24: error: could not read the text as UTF-8 (byte 0xf1 at column 24); "
        "save the file as UTF-8"
    ) in result.stdout
    # Rule files are UTF-8 whatever the command: scoring with them stops at once.
    scored = run("score", rules, LEADS)
    assert scored.exit_code == 2
    assert f"{rules}:1: could not read the text as UTF-8" in scored.stderr
