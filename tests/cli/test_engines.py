"""`leadrules score --engine duckdb` and `--engine python` give the same bytes: the rows on
standard output, the summary and the messages on standard error, the exit code and
`--summary-json` — on the example files, on CRM-shaped exports (HubSpot, Salesforce), on Parquet
files, and on random messy CSV exports with an events file. What the DuckDB engine does not
take is refused with a usage error naming it (or, with `--engine auto`, scored by the Python
engine); `auto` is the Python engine unless told a size from which DuckDB scores.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pytest
from clihelpers import B2B, DATA, EXAMPLES, NOW, run, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leadrules.cli.commands.score as score_command
from leadrules.cli.tablefile import TableFile

MESSY = EXAMPLES / "leads_messy.csv"
EVENTS = EXAMPLES / "events.csv"
HUBSPOT = DATA / "hubspot.leadrules"
CONTACTS = DATA / "hubspot_contacts.csv"
HUBSPOT_EVENTS = DATA / "hubspot_events.csv"
SALESFORCE = DATA / "salesforce.leadrules"
SALESFORCE_LEADS = DATA / "salesforce_leads.csv"


def _score(engine: str, summary: Path, *args: Any) -> tuple[int, str, str, str]:
    if summary.exists():
        summary.unlink()
    result = run("score", *args, "--engine", engine, "--summary-json", summary)
    written = summary.read_text(encoding="utf-8") if summary.exists() else ""
    return result.exit_code, result.stdout, result.stderr, written


def assert_same(tmp_path: Path, *args: Any) -> tuple[int, str, str, str]:
    """Both engines on the same arguments: everything they write is the same."""
    python = _score("python", tmp_path / "python.json", *args)
    duck = _score("duckdb", tmp_path / "duckdb.json", *args)
    assert duck[0] == python[0], (python[2], duck[2])
    assert duck[2] == python[2]
    assert duck[1] == python[1]
    assert duck[3] == python[3]
    return python


OUTPUTS = [
    (),
    ("-o", "csv"),
    ("-o", "jsonl"),
    ("-o", "jsonl", "--explain"),
    ("-o", "csv", "--keep", "Email,Company"),
]


@pytest.mark.parametrize("output", OUTPUTS, ids=lambda o: " ".join(o) or "table")
def test_example_files_with_events(tmp_path: Path, output: tuple[str, ...]) -> None:
    code, _, stderr, summary = assert_same(
        tmp_path, B2B, MESSY, "--events", EVENTS, "--now", NOW, *output
    )
    assert code == 0
    assert "9 leads scored" in stderr
    assert json.loads(summary)["leads"] == 9


def test_example_files_without_events(tmp_path: Path) -> None:
    code, _, stderr, _ = assert_same(tmp_path, B2B, MESSY, "--now", NOW)
    assert code == 0
    assert "no lead has a column or events of this name" in stderr


def test_hubspot_export(tmp_path: Path) -> None:
    code, stdout, stderr, _ = assert_same(
        tmp_path, HUBSPOT, CONTACTS, "--events", HUBSPOT_EVENTS, "--now", NOW, "-o", "csv"
    )
    assert code == 0
    # Aoife (51234501): 90, SQL (test_exports_join says why).
    assert any(line.startswith("51234501,90,SQL") for line in stdout.splitlines())
    assert "1 event for 1 lead id not in the leads file, e.g. '51239999'" in stderr


def test_salesforce_export(tmp_path: Path) -> None:
    code, _, stderr, _ = assert_same(
        tmp_path, SALESFORCE, SALESFORCE_LEADS, "--now", NOW, "--dayfirst", "-o", "jsonl"
    )
    assert code == 0
    assert "scored from" in stderr


def test_messy_records_are_reported_alike(tmp_path: Path) -> None:
    leads = write(
        tmp_path / "leads.csv",
        """
        Lead ID,Job Title,Company Size,Country
        L1,VP Sales,250,GB
        L2,"Head of ""Growth"" ",about 150,GB,extra,cells
        L3,CTO,1200,
        L4,Intern,5
        """,
    )
    code, _, stderr, _ = assert_same(tmp_path, B2B, leads, "--now", NOW, "-o", "jsonl")
    assert code == 0
    assert "leads.csv:3: warning: 6 cells but the header has 4 columns" in stderr


def _to_parquet(csv_path: Path, target: Path, all_text: bool) -> Path:
    con = duckdb.connect()
    reader = con.read_csv(str(csv_path), all_varchar=all_text)
    reader.write_parquet(str(target))
    return target


@pytest.mark.parametrize("all_text", [True, False], ids=["text columns", "typed columns"])
def test_parquet_files(tmp_path: Path, all_text: bool) -> None:
    leads = _to_parquet(MESSY, tmp_path / "leads.parquet", all_text)
    events = _to_parquet(EVENTS, tmp_path / "events.parquet", all_text)
    for output in (("-o", "jsonl"), ("-o", "jsonl", "--explain"), ()):
        code, _, stderr, _ = assert_same(
            tmp_path, B2B, leads, "--events", events, "--now", NOW, *output
        )
        assert code == 0
        assert "9 leads scored from" in stderr


def test_parquet_scores_as_its_csv(tmp_path: Path) -> None:
    """A CSV export and the same export as Parquet (every column text) give the same rows."""
    leads = _to_parquet(MESSY, tmp_path / "leads.parquet", True)
    events = _to_parquet(EVENTS, tmp_path / "events.parquet", True)
    from_csv = run("score", B2B, MESSY, "--events", EVENTS, "--now", NOW, "-o", "csv")
    from_parquet = run("score", B2B, leads, "--events", events, "--now", NOW, "-o", "csv")
    assert from_parquet.exit_code == from_csv.exit_code == 0
    # Lines differ (CSV lines vs Parquet rows); the rows do not.
    assert from_parquet.stdout == from_csv.stdout


# ---- random messy exports


JOB_TITLES = ["VP Sales", "Head of Growth", "CTO", "Intern", "student", "İstanbul Director", ""]
SIZES = ["250", " 5200 ", "1,200", "about 150", "5e3", "12.5", "-3", "", "N/A", "1 200"]
BUDGETS = ["45,000", "$12,000", "£9.5k", "0", "", "nan", "1e30", "10000.005"]
YES_NO = ["yes", "Y", "TRUE", "no", "0", "1", "", "maybe", "Yes "]
DATES = ["2026-11-20", "2026-11-20 14:03", "20/11/2026", "2026-02-30", "", "yesterday"]
COUNTRIES = ["GB", " gb ", "Ireland", "IE", "ie", "France", "", "ΣΊΣΥΦΟΣ"]
EVENT_NAMES = [
    "visited pricing page",
    "Visited Pricing Page",
    "VISITED  pricing_page",
    "opened email",
    "Opened Email",
    "downloaded whitepaper",
    "requested demo",
    "webinar attended",
    "",
]
TIMES = [
    "2026-11-14T10:02:00Z",
    "2026-11-14 10:02",
    "2026-10-01",
    "2026-11-20T23:59:59+05:00",
    "",
    "soon",
    "2025-11-21T00:00:00Z",
]

RULES = """\
define decision maker as job title matches /\\b(cto|vp|head|director)\\b/i

group fit max 40:
    +20 when decision maker
    +15 when company size between 50 and 5000
    +1 per 1000 budget, up to 15
    -10 when job title contains "student"

group engagement:
    +10 when downloaded whitepaper
    +3 per visited pricing page within 30 days, up to 15
    +5 when opened email at least 2 times within 60 days
    +10 when webinar attended
    -5 when not opened email within 90 days
    +5 when last seen within 14 days

disqualify when country not in ["GB", "Ireland", "IE"] because "Outside our territory"

MQL at 30
SQL at 60 when requested demo
"""


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    return buffer.getvalue()


@st.composite
def exports(draw: st.DrawFn) -> tuple[str, str]:
    count = draw(st.integers(0, 12))
    ids = [draw(st.sampled_from(["", f"C-{n}", f" C-{n} "])) for n in range(count)]
    leads = [
        [
            ids[n],
            draw(st.sampled_from(JOB_TITLES)),
            draw(st.sampled_from(SIZES)),
            draw(st.sampled_from(BUDGETS)),
            draw(st.sampled_from(YES_NO)),
            draw(st.sampled_from(YES_NO)),
            draw(st.sampled_from(DATES)),
            draw(st.sampled_from(COUNTRIES)),
        ]
        for n in range(count)
    ]
    header = [
        "Lead ID",
        "Job Title",
        "Company Size",
        "Budget",
        "Downloaded_Whitepaper",
        "webinar-attended",
        "Last Seen",
        "country",
    ]
    owners = [*(i.strip() for i in ids if i.strip()), "C-999", "", " C-0 "]
    events = [
        [
            draw(st.sampled_from(owners)),
            draw(st.sampled_from(EVENT_NAMES)),
            draw(st.sampled_from(TIMES)),
            draw(st.sampled_from(["/pricing", "/blog", ""])),
        ]
        for _ in range(draw(st.integers(0, 30)))
    ]
    return _csv(header, leads), _csv(["lead_id", "event", "timestamp", "path"], events)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(exports(), st.sampled_from([("-o", "jsonl"), ("-o", "csv"), ()]))
def test_random_exports_score_alike(export: tuple[str, str], output: tuple[str, ...]) -> None:
    leads_text, events_text = export
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        rules = folder / "rules.leadrules"
        rules.write_text(RULES, encoding="utf-8")
        leads = folder / "leads.csv"
        leads.write_text(leads_text, encoding="utf-8", newline="")
        events = folder / "events.csv"
        events.write_text(events_text, encoding="utf-8", newline="")
        assert_same(folder, rules, leads, "--events", events, "--now", NOW, *output)
        assert_same(folder, rules, leads, "--now", NOW, *output)


# ---- what the DuckDB engine refuses, and what auto chooses


def test_json_leads_are_refused_by_duckdb() -> None:
    result = run("score", B2B, EXAMPLES / "leads.jsonl", "--engine", "duckdb", "--now", NOW)
    assert result.exit_code == 2
    assert "--engine duckdb: the leads are JSON" in result.stderr
    assert "use --engine python" in result.stderr
    assert result.stdout == ""


def test_standard_input_is_refused_by_duckdb() -> None:
    text = MESSY.read_text(encoding="utf-8-sig")
    result = run("score", B2B, "-", "--engine", "duckdb", "--now", NOW, input=text)
    assert result.exit_code == 2
    assert "standard input" in result.stderr


def test_columns_differing_in_case_are_refused(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.csv", "id,Country,country\nL1,GB,gb\n")
    result = run("score", B2B, leads, "--engine", "duckdb", "--now", NOW)
    assert result.exit_code == 2
    assert "'Country' and 'country'" in result.stderr


def test_events_with_a_properties_column_are_refused(tmp_path: Path) -> None:
    events = write(
        tmp_path / "events.csv", 'lead_id,event,properties\nC-101,opened email,"{""a"": 1}"\n'
    )
    result = run("score", B2B, MESSY, "--events", events, "--engine", "duckdb", "--now", NOW)
    assert result.exit_code == 2
    assert "properties column of JSON text" in result.stderr


def test_a_leads_events_column_is_refused_before_any_output(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.csv", "id,job title,events\nL1,CTO,x\n")
    result = run("score", B2B, leads, "--engine", "duckdb", "--now", NOW)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "the leads have an `events` column" in result.stderr


class _Recording(TableFile):
    opened: ClassVar[list[str]] = []

    def __init__(self, path: str, *args: Any, **kwargs: Any) -> None:
        _Recording.opened.append(path)
        super().__init__(path, *args, **kwargs)


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    _Recording.opened = []
    monkeypatch.setattr(score_command, "TableFile", _Recording)
    return _Recording.opened


def test_auto_scores_files_in_python(tmp_path: Path, recording: list[str]) -> None:
    # The Python engine is the faster at the command line today (docs/performance.md), Parquet
    # files included.
    leads = _to_parquet(MESSY, tmp_path / "leads.parquet", True)
    assert run("score", B2B, MESSY, "--events", EVENTS, "--now", NOW).exit_code == 0
    assert run("score", B2B, leads, "--now", NOW).exit_code == 0
    assert recording == []


def test_auto_gives_big_files_to_duckdb_when_told_a_size(
    recording: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(score_command, "AUTO_DUCKDB_BYTES", 1)
    python = run("score", B2B, MESSY, "--now", NOW, "--engine", "python")
    auto = run("score", B2B, MESSY, "--now", NOW)
    assert recording == [str(MESSY)]
    assert (auto.exit_code, auto.stdout, auto.stderr) == (
        python.exit_code,
        python.stdout,
        python.stderr,
    )


def test_auto_falls_back_to_python_for_what_duckdb_refuses(
    tmp_path: Path, recording: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(score_command, "AUTO_DUCKDB_BYTES", 1)
    leads = write(tmp_path / "leads.csv", "id,job title,events\nL1,CTO,x\nL2,Intern,\n")
    auto = run("score", B2B, leads, "--now", NOW, "-o", "csv")
    python = run("score", B2B, leads, "--now", NOW, "-o", "csv", "--engine", "python")
    assert recording == [str(leads)]  # tried, refused, then scored in Python
    assert auto.exit_code == python.exit_code == 0
    assert auto.stdout == python.stdout
    assert auto.stderr == python.stderr
    # JSON leads are never tried on DuckDB.
    recording.clear()
    assert run("score", B2B, EXAMPLES / "leads.jsonl", "--now", NOW).exit_code == 0
    assert recording == []
