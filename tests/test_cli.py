"""The `leadrules` command line, run as a user runs it: through click's test runner, and as a
real process (`python -m leadrules`) where the terminal, standard input or exit status matter.

Expected values come from the rule files in tests/data/cli/ and the language's rules, worked out
by hand in the comments next to each expectation.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import leadrules
from leadrules.cli import cli, terminal
from leadrules.cli.commands import fmt as fmt_command
from leadrules.cli.commands import score as score_command

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = ROOT / "tests" / "data" / "cli"
SIMPLE = DATA / "simple.leadrules"
SIMPLE_V2 = DATA / "simple_v2.leadrules"
BAD = DATA / "bad.leadrules"
B2B = EXAMPLES / "b2b.leadrules"
LEADS = EXAMPLES / "leads.jsonl"
NOW = "2026-11-21T00:00:00Z"
NOW_DT = dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc)

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args: Any, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(cli, [str(a) for a in args], input=input, env=env)


def run_process(
    *args: Any, input: bytes | None = None, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "leadrules", *[str(a) for a in args]],
        input=input,
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def table_rows(stdout: str) -> dict[str, tuple[str, str, str]]:
    """id -> (score, stage, note) from the table output (fixed columns: id 12, score 8 right,
    stage 15)."""
    lines = stdout.splitlines()
    assert lines[0].split() == ["ID", "SCORE", "STAGE", "NOTE"]
    return {
        line[:12].strip(): (line[13:21].strip(), line[23:38].strip(), line[39:].strip())
        for line in lines[1:]
    }


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding=encoding)
    return path


# ------------------------------------------------------------------------------- the basics


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
    def broken(path: str) -> None:
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


# ------------------------------------------------------------------------------- check


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


# ------------------------------------------------------------------------------- score

MESSY_CSV = (
    "\ufeffLead ID, Job Title ,COMPANY_SIZE,Downloaded-Whitepaper,Country,Requested Demo,"
    "signed up\n"
    'A1,Director of Sales,"1,200",yes, gb ,TRUE,2026-11-01\n'
    "B2,VP Marketing,,no,IE,,\n"
    "C3,director, 250 ,1,US,no,2025-01-01\n"
    "\n"
    "E5,Head of Ops,50,0,GB,,\n"
)


def test_score_messy_csv(tmp_path: Path) -> None:
    leads = tmp_path / "export.csv"
    leads.write_text(MESSY_CSV, encoding="utf-8")
    result = run("score", SIMPLE, leads, "--now", NOW)
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout)
    # A1: director +20, size "1,200" >= 100 +15 -> fit clamped to 30; "yes" whitepaper +10;
    #     signed up 20 days before now +10 -> 50; requested demo "TRUE" -> SQL at 50.
    # B2: no director, blank size is missing, "no" whitepaper, blank sign-up -> 0, no stage.
    # C3: 20 + 15 -> 30, "1" whitepaper +10 -> 40; country US -> disqualified.
    # E5: 50 people is not >= 100; "0" whitepaper is false -> 0. The blank line is not a lead.
    assert rows["A1"][:2] == ("50", "SQL")
    assert rows["B2"][:2] == ("0", "(no stage)")  # "(no stage)"
    assert rows["C3"][:2] == ("40", "(disqualified)")
    assert "Outside UK and Ireland" in rows["C3"][2]
    assert rows["E5"][:2] == ("0", "(no stage)")
    assert list(rows) == ["A1", "B2", "C3", "E5"]
    # The summary, on standard error: per stage, no stage, disqualified.
    summary = result.stderr
    assert "4 leads scored" in summary
    assert re.search(r"SQL\s+1\b", summary)
    assert re.search(r"MQL\s+0\b", summary)
    assert re.search(r"no stage\s+2\b", summary)
    assert re.search(r"disqualified\s+1\b", summary)


def test_score_messy_csv_blank_cell_is_missing_in_the_result(tmp_path: Path) -> None:
    leads = tmp_path / "export.csv"
    leads.write_text(MESSY_CSV, encoding="utf-8")
    result = run("score", SIMPLE, leads, "--now", NOW, "--output", "jsonl", "--explain")
    assert result.exit_code == 0
    records = {r["id"]: r for r in jsonl(result.stdout)}
    b2 = records["B2"]["result"]
    # `company size >= 100` could not be decided for B2: its cell was blank.
    assert any("company size" in u["missing"] for u in b2["undecided"])
    assert records["A1"]["explanation"].startswith("Score 50")


def test_score_json_lines_output_matches_the_library() -> None:
    result = run("score", B2B, LEADS, "--now", NOW, "--output", "jsonl")
    assert result.exit_code == 0, result.output
    records = jsonl(result.stdout)
    rules = leadrules.load(B2B)
    leads = [json.loads(line) for line in LEADS.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(leads) >= 50
    for record, lead in zip(records, leads, strict=True):
        expected = rules.evaluate(lead, NOW_DT)
        assert record["id"] == lead["id"]
        assert record["score"] == json.loads(json.dumps(expected.to_dict()))["score"]
        assert record["stage"] == expected.stage
        assert record["disqualified"] == expected.disqualified
        assert record["reasons"] == [d.reason for d in expected.disqualifications]


def test_score_examples_table_and_summary_add_up() -> None:
    result = run("score", B2B, LEADS, "--now", NOW)
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout)
    count = len(LEADS.read_text(encoding="utf-8").splitlines())
    assert len(rows) == count
    counted = [int(n) for n in re.findall(r"^\s+[\w ]+?\s+(\d+)$", result.stderr, re.MULTILINE)]
    assert sum(counted) == count  # every lead is in exactly one line of the summary
    assert f"{count} leads scored" in result.stderr


def test_score_output_is_stable_between_runs() -> None:
    first = run("score", B2B, LEADS, "--now", NOW)
    second = run("score", B2B, LEADS, "--now", NOW)
    assert first.stdout == second.stdout


def test_score_csv_output() -> None:
    result = run("score", SIMPLE, LEADS, "--now", NOW, "--output", "csv", "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""  # --quiet: no summary
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "id",
        "score",
        "stage",
        "qualified",
        "disqualified",
        "reasons",
        "next_stage",
        "points_to_next_stage",
        "warnings",
    ]
    assert len(rows) == len(LEADS.read_text(encoding="utf-8").splitlines())
    for row in rows:
        assert row["qualified"] in ("true", "false")
        if row["disqualified"] == "true":
            assert row["qualified"] == "false" and row["stage"] == ""


def test_score_csv_output_with_explanations() -> None:
    result = run("score", SIMPLE, LEADS, "--now", NOW, "-o", "csv", "--explain", "-q")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["explanation"].startswith(f"Score {rows[0]['score']}")


def test_score_table_with_explanations() -> None:
    result = run("score", SIMPLE, LEADS, "--now", NOW, "--explain", "-q")
    assert result.exit_code == 0
    assert "    Score " in result.stdout


def test_score_empty_leads_file(tmp_path: Path) -> None:
    for name in ("empty.jsonl", "empty.csv", "empty.json"):
        leads = tmp_path / name
        leads.write_bytes(b"")
        result = run("score", SIMPLE, leads, "--now", NOW)
        assert result.exit_code == 0, (name, result.output)
        assert result.stdout.split() == ["ID", "SCORE", "STAGE", "NOTE"]
        assert "0 leads scored" in result.stderr
    header_only = write(tmp_path / "header.csv", "id,country\n")
    result = run("score", SIMPLE, header_only, "-o", "jsonl")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_score_broken_line_is_reported_and_the_rest_scored(tmp_path: Path) -> None:
    leads = write(
        tmp_path / "leads.jsonl",
        """
        {"id": "a", "country": "GB", "downloaded whitepaper": true}
        {"id": "b", "country": "GB",
        [1, 2, 3]

        {"id": "d", "country": "IE", "job title": "Director"}
        """,
    )
    result = run("score", SIMPLE, leads, "--now", NOW, "-o", "jsonl")
    assert result.exit_code == 1  # records were skipped
    assert [r["id"] for r in jsonl(result.stdout)] == ["a", "d"]
    # Each problem names the file and its line; the rest was scored.
    assert re.search(rf"{re.escape(str(leads))}:2: skipped: not valid JSON", result.stderr)
    assert re.search(rf"{re.escape(str(leads))}:3: skipped: .*JSON object", result.stderr)
    assert re.search(r"skipped\s+2\b", result.stderr)
    assert "2 leads scored" in result.stderr


def test_score_broken_line_example_file() -> None:
    # tests/data/cli/leads_broken.jsonl: line 2 is cut short; lines 1 and 3 are fine.
    leads = DATA / "leads_broken.jsonl"
    result = run("score", SIMPLE, leads, "--now", NOW, "-o", "jsonl")
    assert result.exit_code == 1
    assert [r["id"] for r in jsonl(result.stdout)] == ["B1", "B3"]
    assert f"{leads}:2: skipped: not valid JSON" in result.stderr


def test_score_json_array_file(tmp_path: Path) -> None:
    leads = tmp_path / "leads.json"
    leads.write_text(
        json.dumps(
            [
                {"id": "x", "country": "GB", "downloaded_whitepaper": True},
                {"id": "y", "country": "FR"},
            ],
            indent=2,
        ),
        encoding="utf-8",
    )
    result = run("score", SIMPLE, leads, "--now", NOW, "-o", "jsonl")
    assert result.exit_code == 0, result.output
    records = jsonl(result.stdout)
    # x: whitepaper +10; y: outside GB/IE -> disqualified.
    assert [(r["id"], r["score"], r["disqualified"]) for r in records] == [
        ("x", 10, False),
        ("y", 0, True),
    ]


def test_score_broken_json_array_reports_where(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.json", '[\n  {"id": "x", "country": "GB"},\n  {"id": }\n]\n')
    result = run("score", SIMPLE, leads, "--now", NOW, "-o", "jsonl")
    assert result.exit_code == 1
    assert [r["id"] for r in jsonl(result.stdout)] == ["x"]
    assert f"{leads}:3:" in result.stderr


def test_score_reads_standard_input_and_sniffs_the_format() -> None:
    as_jsonl = '{"id": "s1", "country": "GB", "downloaded whitepaper": "yes"}\n'
    result = run("score", SIMPLE, "-", "--now", NOW, "-o", "jsonl", input=as_jsonl)
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["score"]) for r in jsonl(result.stdout)] == [("s1", 10)]
    as_csv = "id,Country,Downloaded Whitepaper\ns2,GB,yes\n"
    result = run("score", SIMPLE, "-", "--now", NOW, "-o", "jsonl", input=as_csv)
    assert [(r["id"], r["score"]) for r in jsonl(result.stdout)] == [("s2", 10)]
    as_array = '[{"id": "s3", "country": "GB", "downloaded whitepaper": 1}]'
    result = run("score", SIMPLE, "-", "--now", NOW, "-o", "jsonl", input=as_array)
    assert [(r["id"], r["score"]) for r in jsonl(result.stdout)] == [("s3", 10)]


def test_score_standard_input_in_a_real_process() -> None:
    proc = run_process("score", SIMPLE, "-", "--now", NOW, input=b'{"id": "p1", "country": "GB"}\n')
    assert proc.returncode == 0, proc.stderr
    assert table_rows(proc.stdout.decode())["p1"][:2] == ("0", "(no stage)")


def test_score_joins_an_events_file(tmp_path: Path) -> None:
    leads = tmp_path / "export.csv"
    leads.write_text(MESSY_CSV, encoding="utf-8")
    events = write(
        tmp_path / "events.csv",
        """
        lead_id,name,at,campaign
        A1,opened email,2026-11-01T09:00:00Z,news
        A1,Opened Email,2026-11-08T09:00:00Z,news
        A1,opened_email,2026-11-15T09:00:00Z,news
        A1,opened email,2026-11-20T09:00:00Z,offer
        E5,opened email,2026-11-20T09:00:00Z,offer
        Z9,opened email,2026-11-20T09:00:00Z,offer
        """,
    )
    result = run("score", SIMPLE, leads, "--events", events, "--now", NOW)
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout)
    # A1: 50 as before + 5 per opened email (4 of them) up to 15 -> 65. E5: one email -> 5.
    assert rows["A1"][:2] == ("65", "SQL")
    assert rows["E5"][:2] == ("5", "(no stage)")
    assert "1 event for 1 lead id not in the leads file" in result.stderr


def test_score_events_file_as_json_lines_joined_by_id_field(tmp_path: Path) -> None:
    leads = write(
        tmp_path / "leads.jsonl",
        """
        {"email": "ann@acme.co.uk", "country": "GB"}
        {"email": "bob@acme.co.uk", "country": "GB"}
        """,
    )
    events = write(
        tmp_path / "events.jsonl",
        """
        {"email": "bob@acme.co.uk", "name": "opened email", "timestamp": "2026-11-20T10:00:00Z"}
        {"email": "bob@acme.co.uk", "event": "opened email", "at": "2026-11-19T10:00:00Z"}
        """,
    )
    result = run(
        "score", SIMPLE, leads, "--events", events, "--id-field", "email", "--now", NOW,
        "-o", "jsonl",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["score"]) for r in jsonl(result.stdout)] == [
        ("ann@acme.co.uk", 0),
        ("bob@acme.co.uk", 10),
    ]


def test_score_now_is_used(tmp_path: Path) -> None:
    leads = write(tmp_path / "l.jsonl", '{"id": "n", "country": "GB", "signed up": "2026-11-01"}\n')
    # `+10 when signed up within 30 days`: 20 days before 2026-11-21, 61 days before 2027-01-01.
    early = run("score", SIMPLE, leads, "--now", "2026-11-21", "-o", "jsonl")
    late = run("score", SIMPLE, leads, "--now", "2027-01-01T00:00:00+00:00", "-o", "jsonl")
    assert jsonl(early.stdout)[0]["score"] == 10
    assert jsonl(late.stdout)[0]["score"] == 0
    assert "2026-11-21T00:00:00+00:00" in early.stderr


def test_score_leads_without_id_are_numbered(tmp_path: Path) -> None:
    leads = write(tmp_path / "l.csv", "Country\nGB\n\nIE\n")
    result = run("score", SIMPLE, leads, "-o", "jsonl")
    assert [r["id"] for r in jsonl(result.stdout)] == ["#1", "#2"]
    assert [r["source"] for r in jsonl(result.stdout)] == [f"{leads}:2", f"{leads}:4"]


def test_score_csv_duplicate_headers_and_extra_cells_are_noted(tmp_path: Path) -> None:
    leads = write(
        tmp_path / "l.csv",
        """
        id,Company Size,company_size,country
        a,500,5,GB,surplus
        """,
    )
    result = run("score", SIMPLE, leads, "-o", "jsonl", "--now", NOW)
    assert result.exit_code == 0
    assert f"{leads}:1: warning: columns 'Company Size' and 'company_size'" in result.stderr
    assert f"{leads}:2: warning: 5 cells but the header has 4 columns" in result.stderr
    assert [r["id"] for r in jsonl(result.stdout)] == ["a"]  # still scored


# ------------------------------------------------------------------------------- encodings

# A rule that reads an accented value, so that a wrongly decoded one shows in the score.
ACCENT_RULES = '+20 when job title contains "général"\n+10 when country = "GB"\nMQL at 30\n'
# Line 3 holds "é" (0xe9 in cp1252, not UTF-8): "a2,Directeur g" is 14 characters, so the first
# é is at column 15.
ACCENT_CSV = "id,Job Title,country\na1,VP Sales,GB\na2,Directeur général,GB\na3,Head of Sales,IE\n"
UTF8_ADVICE = (
    "could not read the text as UTF-8 (byte 0xe9 at column 15); "
    "save the file as UTF-8 or pass --encoding cp1252"
)


def _accent_files(tmp_path: Path, encoding: str = "cp1252") -> tuple[Path, Path]:
    rules = write(tmp_path / "accents.leadrules", ACCENT_RULES)
    leads = tmp_path / "leads.csv"
    leads.write_bytes(ACCENT_CSV.encode(encoding))
    return rules, leads


def test_score_reports_and_skips_a_record_that_is_not_utf8(tmp_path: Path) -> None:
    rules, leads = _accent_files(tmp_path)
    result = run("score", rules, leads, "-o", "jsonl", "--now", NOW)
    assert result.exit_code == 1  # a record was skipped
    assert f"{leads}:3: skipped: {UTF8_ADVICE}\n" in result.stderr
    # The other leads are scored as usual: a1 10 (GB), a3 0; a2 is not scored at all.
    assert [(r["id"], r["score"]) for r in jsonl(result.stdout)] == [("a1", 10), ("a3", 0)]
    assert "\ufffd" not in result.output
    assert re.search(r"skipped\s+1\b", result.stderr)


def test_score_with_the_files_encoding_reads_it_right(tmp_path: Path) -> None:
    rules, leads = _accent_files(tmp_path)
    result = run("score", rules, leads, "--encoding", "cp1252", "-o", "jsonl", "--now", NOW)
    assert result.exit_code == 0, result.output
    # a2: "Directeur général" contains "général" (+20) and is in GB (+10): 30, MQL.
    scores = {r["id"]: (r["score"], r["stage"]) for r in jsonl(result.stdout)}
    assert scores == {"a1": (10, None), "a2": (30, "MQL"), "a3": (0, None)}
    assert "skipped" not in result.stderr


def test_explain_with_the_files_encoding_shows_the_text_as_written(tmp_path: Path) -> None:
    rules, leads = _accent_files(tmp_path)
    result = run("explain", rules, leads, "--id", "a2", "--encoding", "cp1252", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "Directeur général" in result.stdout
    assert "\ufffd" not in result.stdout
    # Without it the lead cannot be read, and says why.
    missing = run("explain", rules, leads, "--id", "a2", "--now", NOW)
    assert missing.exit_code == 1
    assert f"{leads}:3: skipped: {UTF8_ADVICE}" in missing.stderr
    assert "\ufffd" not in missing.output


def test_diff_with_and_without_the_files_encoding(tmp_path: Path) -> None:
    rules, leads = _accent_files(tmp_path)
    result = run("diff", rules, rules, leads, "--output", "json", "--now", NOW)
    assert result.exit_code == 1
    assert f"{leads}:3: skipped: {UTF8_ADVICE}" in result.stderr
    report = json.loads(result.stdout)
    assert report["skipped"] == 1
    right = run("diff", rules, rules, leads, "-o", "json", "--encoding", "cp1252", "--now", NOW)
    assert right.exit_code == 0, right.output
    assert json.loads(right.stdout)["skipped"] == 0


def test_a_utf8_file_with_a_byte_order_mark_is_read_as_utf8(tmp_path: Path) -> None:
    rules, leads = _accent_files(tmp_path, "utf-8-sig")
    assert leads.read_bytes().startswith(b"\xef\xbb\xbf")
    result = run("score", rules, leads, "-o", "jsonl", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in jsonl(result.stdout)] == ["a1", "a2", "a3"]  # "id" found after it
    assert jsonl(result.stdout)[1]["score"] == 30


def test_a_csv_record_over_several_lines_is_reported_at_the_line_of_the_bad_byte(
    tmp_path: Path,
) -> None:
    rules = write(tmp_path / "accents.leadrules", ACCENT_RULES)
    leads = tmp_path / "leads.csv"
    leads.write_bytes(
        'id,Job Title,country\nb1,"Head of\nM\xe9dia",GB\nb2,VP,GB\n'.encode("latin-1")
    )
    result = run("score", rules, leads, "-o", "jsonl", "--now", NOW)
    assert result.exit_code == 1
    # The record starts on line 2; its é is the 2nd character of line 3.
    assert f"{leads}:3: skipped: could not read the text as UTF-8 (byte 0xe9 at column 2)" in (
        result.stderr
    )
    assert [r["id"] for r in jsonl(result.stdout)] == ["b2"]  # the next record is still read


def test_a_csv_header_that_is_not_utf8_stops_before_any_output(tmp_path: Path) -> None:
    rules = write(tmp_path / "accents.leadrules", ACCENT_RULES)
    leads = tmp_path / "leads.csv"
    leads.write_bytes("id,Société,country\nc1,Acme,GB\n".encode("cp1252"))
    result = run("score", rules, leads, "--now", NOW)
    assert result.exit_code == 2
    assert result.stdout == ""
    # "id,Soci" is 7 characters: the é is at column 8 of line 1.
    assert (
        f"leadrules: error: {leads}:1: cannot read the CSV header: could not read the text as "
        "UTF-8 (byte 0xe9 at column 8); save the file as UTF-8 or pass --encoding cp1252"
    ) in result.stderr
    assert run("score", rules, leads, "--encoding", "cp1252", "--now", NOW).exit_code == 0


def test_json_lines_and_json_records_that_are_not_utf8_are_skipped(tmp_path: Path) -> None:
    rules = write(tmp_path / "accents.leadrules", ACCENT_RULES)
    bad = "Directeur général".encode("cp1252")
    lines = tmp_path / "leads.jsonl"
    lines.write_bytes(b'{"id": "j1", "country": "GB"}\n{"id": "j2", "job title": "' + bad + b'"}\n')
    result = run("score", rules, lines, "-o", "jsonl", "--now", NOW)
    assert result.exit_code == 1
    # '{"id": "j2", "job title": "Directeur g' is 38 characters: é at column 39.
    assert f"{lines}:2: skipped: could not read the text as UTF-8 (byte 0xe9 at column 39)" in (
        result.stderr
    )
    assert [r["id"] for r in jsonl(result.stdout)] == ["j1"]
    array = tmp_path / "leads.json"
    array.write_bytes(
        b'[{"id": "k1", "country": "GB"},\n {"id": "k2",\n  "job title": "'
        + bad
        + b'"},\n {"id": "k3", "country": "IE"}]\n'
    )
    result = run("score", rules, array, "-o", "jsonl", "--now", NOW)
    assert result.exit_code == 1
    # Line 3 is '  "job title": "Directeur g' (27 characters): é at column 28.
    assert f"{array}:3: skipped: could not read the text as UTF-8 (byte 0xe9 at column 28)" in (
        result.stderr
    )
    assert [r["id"] for r in jsonl(result.stdout)] == ["k1", "k3"]  # the rest still read


def test_an_events_file_in_another_encoding(tmp_path: Path) -> None:
    rules = write(
        tmp_path / "webinar.leadrules",
        '+15 when attended webinar where topic contains "stratégie"\nMQL at 10\n',
    )
    leads = write(tmp_path / "leads.csv", "id,country\ne1,FR\n")
    events = tmp_path / "events.csv"
    events.write_bytes(
        "lead_id,name,at,topic\ne1,attended webinar,2026-11-01,La stratégie B2B\n".encode("cp1252")
    )
    result = run("score", rules, leads, "--events", events, "-o", "jsonl", "--now", NOW)
    assert result.exit_code == 1
    # "e1,attended webinar,2026-11-01,La strat" is 39 characters: é at column 40.
    assert f"{events}:2: skipped: could not read the text as UTF-8 (byte 0xe9 at column 40)" in (
        result.stderr
    )
    assert jsonl(result.stdout)[0]["score"] == 0  # the event was not joined
    right = run(
        "score", rules, leads, "--events", events, "--encoding", "cp1252", "-o", "jsonl",
        "--now", NOW,
    )  # fmt: skip
    assert right.exit_code == 0, right.output
    assert jsonl(right.stdout)[0]["score"] == 15


def test_test_command_cases_in_another_encoding(tmp_path: Path) -> None:
    rules = write(tmp_path / "accents.leadrules", ACCENT_RULES)
    cases = tmp_path / "cases.jsonl"
    case = '{"lead": {"job title": "Directeur général", "country": "GB"}, "expect": {"score": 30}}'
    cases.write_bytes(case.encode("cp1252") + b"\n")
    result = run("test", rules, cases, "--now", NOW)
    assert result.exit_code == 2
    # '{"lead": {"job title": "Directeur g' is 35 characters: é at column 36.
    assert f"{cases}:1: could not read the text as UTF-8 (byte 0xe9 at column 36)" in (
        result.stderr
    )
    right = run("test", rules, cases, "--encoding", "cp1252", "--now", NOW)
    assert right.exit_code == 0, right.output
    assert "1 passed, 0 failed" in right.stdout


@pytest.mark.parametrize("encoding", ["klingon", "hex"])
def test_an_unknown_or_non_text_encoding_is_a_usage_error(tmp_path: Path, encoding: str) -> None:
    rules, leads = _accent_files(tmp_path)
    result = run("score", rules, leads, "--encoding", encoding)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert encoding in result.stderr and "Traceback" not in result.output


def test_an_encoding_the_bytes_do_not_fit_names_that_encoding(tmp_path: Path) -> None:
    rules = write(tmp_path / "accents.leadrules", ACCENT_RULES)
    leads = tmp_path / "leads.csv"
    leads.write_bytes(b"id,country\nd1,G\x81B\nd2,GB\n")  # 0x81 means nothing in cp1252
    result = run("score", rules, leads, "--encoding", "cp1252", "-o", "jsonl", "--now", NOW)
    assert result.exit_code == 1
    assert f"{leads}:2: skipped: could not read the text as cp1252 (byte 0x81 at column 5)" in (
        result.stderr
    )
    assert [r["id"] for r in jsonl(result.stdout)] == ["d2"]


def test_score_with_a_bad_rule_file_exits_2_with_diagnostics() -> None:
    result = run("score", BAD, LEADS)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{BAD}:1:5: error:" in result.stderr
    assert "Traceback" not in result.output


def test_score_examples_messy_csv_with_events() -> None:
    result = run(
        "score", B2B, EXAMPLES / "leads_messy.csv", "--events", EXAMPLES / "events.csv",
        "--now", NOW, "-o", "jsonl",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ids = [r["id"] for r in jsonl(result.stdout)]
    # Leads with a "Lead ID" column are found by the default --id-field; the blank row is gone.
    assert ids == [f"C-10{n}" for n in range(1, 10)]


# ------------------------------------------------------------------------------- progress


def _run_with_terminal_stderr(
    args: list[str], env: dict[str, str], out: Path, size: tuple[int, int] | None
) -> tuple[int, bytes, bytes]:
    """Run `python -m leadrules ARGS` with standard error on a pseudo-terminal of ``size``
    (rows, columns; None leaves it 0 x 0) and standard output in a file, so that neither side
    can fill a pipe and wait for the other."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    if size is not None:
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    try:
        with out.open("wb") as stdout:
            proc = subprocess.Popen(
                [sys.executable, "-m", "leadrules", *args],
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=slave,
                cwd=ROOT,
                env={**os.environ, **env},
            )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
    finally:
        os.close(master)
    return proc.returncode, out.read_bytes(), b"".join(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("size", [(24, 100), None], ids=["sized", "unsized"])
def test_progress_bar_on_a_terminal(tmp_path: Path, size: tuple[int, int] | None) -> None:
    lines = LEADS.read_text(encoding="utf-8").splitlines()
    big = tmp_path / "many.jsonl"
    big.write_text("\n".join(lines * 3) + "\n", encoding="utf-8")
    code, stdout, stderr = _run_with_terminal_stderr(
        ["score", str(B2B), str(big), "--now", NOW, "-o", "jsonl"],
        {},
        tmp_path / "out.jsonl",
        size,
    )
    assert code == 0
    text = stderr.decode("utf-8", "replace")
    assert "scoring" in text and "%|" in text  # the bar
    assert "leads/s" in text  # the rate
    assert re.search(r"\[\d\d:\d\d<", text)  # elapsed<remaining: the ETA
    assert f"{len(lines) * 3} leads scored" in text
    assert len(stdout.splitlines()) == len(lines) * 3  # standard output has only results


def test_no_progress_bar_when_not_a_terminal() -> None:
    proc = run_process("score", SIMPLE, LEADS, "--now", NOW)
    assert b"%|" not in proc.stderr and b"leads/s" not in proc.stderr


# ------------------------------------------------------------------------------- explain


def test_explain_by_id() -> None:
    result = run("explain", B2B, LEADS, "--id", "L003", "--now", NOW)
    assert result.exit_code == 0, result.output
    lead = json.loads(LEADS.read_text(encoding="utf-8").splitlines()[2])
    expected = leadrules.load(B2B).evaluate(lead, NOW_DT).explain()
    header, _, body = result.stdout.partition("\n")
    assert header.startswith(f"Lead L003 ({LEADS}:3)")
    assert body.rstrip("\n") == expected.rstrip("\n")
    assert "\x1b[" not in result.stdout  # not a terminal: no colours


def test_explain_by_index_counts_leads_not_lines(tmp_path: Path) -> None:
    leads = tmp_path / "export.csv"
    leads.write_text(MESSY_CSV, encoding="utf-8")
    # Leads: A1 (1), B2 (2), C3 (3), E5 (4: after a blank line, which is not a lead).
    result = run("explain", SIMPLE, leads, "--index", "4", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Lead E5 ({leads}:6)")


def test_explain_missing_lead_exits_1() -> None:
    result = run("explain", SIMPLE, LEADS, "--id", "NOPE")
    assert result.exit_code == 1
    assert "no lead with id 'NOPE'" in result.stderr
    assert "Traceback" not in result.output
    result = run("explain", SIMPLE, LEADS, "--index", "100000")
    assert result.exit_code == 1


def test_explain_colours_when_asked_and_on_terminals_only(monkeypatch: pytest.MonkeyPatch) -> None:
    coloured = run("explain", B2B, LEADS, "--id", "L001", "--now", NOW, "--color")
    assert "\x1b[" in coloured.stdout
    plain = run("explain", B2B, LEADS, "--id", "L001", "--now", NOW)
    assert ANSI.sub("", coloured.stdout) == plain.stdout

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert terminal.color_wanted(None, Terminal()) is True
    assert terminal.color_wanted(None, io.StringIO()) is False
    assert terminal.color_wanted(False, Terminal()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert terminal.color_wanted(None, Terminal()) is False
    monkeypatch.setenv("NO_COLOR", "")  # empty: not set, says no-color.org
    assert terminal.color_wanted(None, Terminal()) is True
    monkeypatch.setenv("TERM", "dumb")
    assert terminal.color_wanted(None, Terminal()) is False


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_explain_colours_on_a_real_terminal_unless_no_color() -> None:
    pty = pytest.importorskip("pty")

    def run_on_tty(env: dict[str, str]) -> bytes:
        master, slave = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "leadrules", "explain", str(SIMPLE), str(LEADS), "--id", "L001"],
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env={**os.environ, "TERM": "xterm", **env},
        )
        os.close(slave)
        out = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            out.append(data)
        proc.wait(timeout=60)
        os.close(master)
        return b"".join(out)

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert b"\x1b[" in run_on_tty({**env, "NO_COLOR": ""})
    assert b"\x1b[" not in run_on_tty({"NO_COLOR": "1"})


# ------------------------------------------------------------------------------- fmt


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


# ------------------------------------------------------------------------------- test


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


# ------------------------------------------------------------------------------- diff

DIFF_LEADS = """
{"id": "d1", "job title": "Director", "company size": 500, "country": "GB", "downloaded whitepaper": true, "requested demo": true}
{"id": "d2", "job title": "Director", "country": "GB"}
{"id": "d3", "company size": 200, "country": "GB", "downloaded whitepaper": true, "requested demo": false}
{"id": "d4", "job title": "director", "company size": 150, "country": "IE"}
{"id": "d5", "job title": "Director", "country": "US", "requested demo": true}
{"id": "d6", "company size": 1000, "country": "GB", "requested demo": true}
"""  # noqa: E501

# Old rules (simple) -> new rules (simple_v2): whitepaper 10 -> 15, demo request +20 (new),
# MQL 30 -> 35.
#   d1: old 30 (fit clamp) + 10 = 40 MQL; new 30 + 15 + 20 = 65 SQL     (+25)
#   d2: 20, no stage both                                               (0)
#   d3: old 15 + 10 = 25; new 15 + 15 = 30: no stage both               (+5)
#   d4: 30 both; MQL under old, below 35 under new: loses MQL           (0)
#   d5: 20 -> 40, disqualified both                                     (+20)
#   d6: old 15 no stage; new 15 + 20 = 35 MQL: gains                    (+20)


def test_diff_matrix_counts_and_movers(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.jsonl", DIFF_LEADS)
    result = run("diff", SIMPLE, SIMPLE_V2, leads, "--now", NOW, "--output", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["leads"] == 6
    t = data["transitions"]
    assert t["MQL"]["SQL"] == 1  # d1
    assert t["MQL"]["(no stage)"] == 1  # d4
    assert t["(no stage)"]["(no stage)"] == 2  # d2, d3
    assert t["(no stage)"]["MQL"] == 1  # d6
    assert t["(disqualified)"]["(disqualified)"] == 1  # d5
    assert sum(sum(row.values()) for row in t.values()) == 6
    assert data["gained_qualification"] == 1
    assert data["lost_qualification"] == 1
    # Changes 25, 0, 5, 0, 20, 20: mean 70/6, median (5 + 20) / 2.
    assert data["score_change"] == {"mean": 11.67, "median": 12.5, "min": 0, "max": 25}
    assert data["changed"] == 5  # all but d2
    # Stage changes first (d1 +25, d6 +20, d4 0), then the rest by size (d5 +20, d3 +5).
    assert [m["id"] for m in data["movers"]] == ["d1", "d6", "d4", "d5", "d3"]
    d1 = data["movers"][0]
    assert (d1["old"]["score"], d1["new"]["score"], d1["change"]) == (40, 65, 25)
    assert {(r["label"], r["old_points"], r["new_points"]) for r in d1["rules"]} == {
        ("downloaded whitepaper", 10, 15),
        ("requested demo", None, 20),
    }
    d4 = data["movers"][2]
    assert d4["rules"] == []
    assert d4["stage_notes"] == ["stage MQL moved from 30 to 35"]


def test_diff_text_report(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.jsonl", DIFF_LEADS)
    result = run("diff", SIMPLE, SIMPLE_V2, leads, "--now", NOW, "--top", "2")
    assert result.exit_code == 0, result.output
    out = result.stdout
    matrix = out[out.index("Stage transitions") :].splitlines()
    assert matrix[1].split() == [
        "old", "\\", "new", "(disqualified)", "(no", "stage)", "MQL", "SQL", "total",
    ]  # fmt: skip
    assert matrix[2].split() == ["(disqualified)", "1", "0", "0", "0", "1"]
    assert matrix[3].split() == ["(no", "stage)", "0", "2", "1", "0", "3"]
    assert matrix[4].split() == ["MQL", "0", "1", "0", "1", "2"]
    assert matrix[5].split() == ["SQL", "0", "0", "0", "0", "0"]
    assert matrix[6].split() == ["total", "1", "3", "1", "1", "6"]
    assert "Qualification: 1 gained, 1 lost" in out
    assert "mean +11.67, median +12.5, min 0, max +25" in out
    assert "d1: 40 -> 65 (+25), MQL -> SQL" in out
    assert re.search(r"\+5\s+downloaded whitepaper\s+\(old \+10, new \+15\)", out)
    assert re.search(r"\+20\s+requested demo\s+\(old -, new \+20\)", out)
    assert "d6: 15 -> 35 (+20), (no stage) -> MQL" in out
    assert "d4" not in out  # --top 2


def test_diff_exit_code_option(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.jsonl", DIFF_LEADS)
    assert run("diff", SIMPLE, SIMPLE_V2, leads, "--exit-code").exit_code == 1
    same = run("diff", SIMPLE, SIMPLE, leads, "--exit-code", "--now", NOW)
    assert same.exit_code == 0
    assert "No lead changed score or stage." in same.stdout
    assert "mean 0, median 0, min 0, max 0" in same.stdout


def test_diff_on_the_examples() -> None:
    result = run("diff", DATA / "b2b_previous.leadrules", B2B, LEADS, "--now", NOW, "-o", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    count = len(LEADS.read_text(encoding="utf-8").splitlines())
    assert data["leads"] == count
    assert sum(sum(r.values()) for r in data["transitions"].values()) == count
    for mover in data["movers"]:
        # The rules responsible add up to the score change, group limits included.
        assert sum(r["change"] for r in mover["rules"]) == pytest.approx(mover["change"])


def test_diff_with_an_empty_leads_file(tmp_path: Path) -> None:
    leads = tmp_path / "none.jsonl"
    leads.write_bytes(b"")
    result = run("diff", SIMPLE, SIMPLE_V2, leads, "-o", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["leads"] == 0 and data["score_change"] is None and data["movers"] == []


def test_diff_with_a_broken_line(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.jsonl", DIFF_LEADS.strip() + "\n{oops\n")
    result = run("diff", SIMPLE, SIMPLE_V2, leads, "--now", NOW)
    assert result.exit_code == 1
    assert f"{leads}:7: skipped: not valid JSON" in result.stderr
    assert "6 scored" in result.stdout
