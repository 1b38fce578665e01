"""`leadrules score` and `leadrules explain`, run as a user runs them (see clihelpers.py).
Expected values come from the rule files in tests/data/cli/ and examples/ and the language's
rules, worked out by hand in the comments next to each expectation.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from clihelpers import (
    B2B,
    BAD,
    DATA,
    EXAMPLES,
    LEADS,
    NOW,
    NOW_DT,
    SIMPLE,
    jsonl,
    run,
    run_process,
    table_rows,
    write,
)

import leadrules

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
        "group fit",
        "breakdown",
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
    # An empty file is not a table: an error, not "0 leads scored" (docs/cli.md, issue 12).
    for name in ("empty.jsonl", "empty.csv", "empty.json"):
        leads = tmp_path / name
        leads.write_bytes(b"")
        result = run("score", SIMPLE, leads, "--now", NOW)
        assert result.exit_code == 2, (name, result.output)
        assert result.stdout == ""
        assert result.stderr == f"leadrules: error: {leads} is empty: there are no leads in it\n"
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
