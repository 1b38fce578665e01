"""Inputs that are not what they seem (issue 12, item 8): a spreadsheet workbook, an archive, a
web page saved as .csv, a JSON object wrapping the records, an empty or binary file: each is an
error (exit 2) that says what the file is and what to do, never "0 leads scored" with exit 0.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest
from clihelpers import DATA, NOW, run, write

RULES = DATA / "hubspot.leadrules"
CONTACTS = DATA / "hubspot_contacts.csv"
SAVE_AS_CSV = (
    "export it as CSV and score the .csv file (Excel: File > Save As > CSV UTF-8; Google "
    "Sheets: File > Download > Comma-separated values; LibreOffice: File > Save As > Text CSV)"
)


def _xlsx(path: Path) -> Path:
    """A file that starts as every .xlsx does: a ZIP archive whose first entry is
    [Content_Types].xml, then the workbook's parts."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return path


def _error(result_stderr: str) -> str:
    assert result_stderr.startswith("leadrules: error: "), result_stderr
    return result_stderr[len("leadrules: error: ") :].rstrip("\n")


@pytest.mark.parametrize("name", ["contacts.xlsx", "contacts.csv"])
def test_an_excel_workbook_says_to_export_it_as_csv(tmp_path: Path, name: str) -> None:
    workbook = _xlsx(tmp_path / name)  # also when it was renamed .csv
    result = run("score", RULES, workbook, "--now", NOW)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert _error(result.stderr) == (
        f"{workbook} is an Excel workbook (.xlsx), not a CSV file: {SAVE_AS_CSV}"
    )


def test_old_excel_and_opendocument_spreadsheets(tmp_path: Path) -> None:
    xls = tmp_path / "contacts.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    result = run("score", RULES, xls)
    assert result.exit_code == 2
    assert _error(result.stderr) == (
        f"{xls} is an Excel 97-2003 workbook (.xls), not a CSV file: {SAVE_AS_CSV}"
    )
    ods = tmp_path / "contacts.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    result = run("score", RULES, ods)
    assert _error(result.stderr) == (
        f"{ods} is an OpenDocument spreadsheet (.ods), not a CSV file: {SAVE_AS_CSV}"
    )


def test_a_workbook_as_the_events_file_or_in_check(tmp_path: Path) -> None:
    workbook = _xlsx(tmp_path / "events.xlsx")
    result = run("score", RULES, CONTACTS, "--events", workbook)
    assert result.exit_code == 2
    assert "is an Excel workbook (.xlsx), not a CSV file" in result.stderr
    checked = run("check", RULES, "--leads", workbook)
    assert checked.exit_code == 2
    assert "is an Excel workbook (.xlsx), not a CSV file" in checked.stderr


def test_archives_and_other_binary_files(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("contacts.csv", CONTACTS.read_bytes())
    assert _error(run("score", RULES, archive).stderr) == (
        f"{archive} is a ZIP archive: unzip it and score the CSV file inside"
    )
    packed = tmp_path / "contacts.csv.gz"
    packed.write_bytes(gzip.compress(CONTACTS.read_bytes()))
    assert _error(run("score", RULES, packed).stderr) == (
        f"{packed} is compressed with gzip: decompress it first "
        f"(gunzip -c {packed} | leadrules score RULES -)"
    )
    pdf = tmp_path / "report.csv"
    pdf.write_bytes(b"%PDF-1.7\n...")
    assert _error(run("score", RULES, pdf).stderr) == (
        f"{pdf} is a PDF document, not a table of leads (CSV, JSON Lines or JSON)"
    )
    binary = tmp_path / "dump.csv"
    binary.write_bytes(b"id,name\n\x00\x01\x02\x03")
    assert _error(run("score", RULES, binary).stderr) == (
        f"{binary} is a binary file, not text: score a CSV, JSON Lines or JSON export"
    )


def test_utf16_text_says_which_encoding(tmp_path: Path) -> None:
    text = CONTACTS.read_text(encoding="utf-8-sig")
    unicode_text = tmp_path / "contacts.csv"
    unicode_text.write_bytes(text.encode("utf-16"))
    result = run("score", RULES, unicode_text, "--now", NOW)
    assert _error(result.stderr) == (
        f'{unicode_text} is saved as UTF-16 text (Excel\'s "Unicode Text"): save it as CSV '
        "UTF-8, or pass --encoding utf-16"
    )
    read = run("score", RULES, unicode_text, "--now", NOW, "--encoding", "utf-16", "-q")
    assert read.exit_code == 0, read.output
    assert len(read.stdout.splitlines()) == 11


def test_a_web_page_saved_as_csv(tmp_path: Path) -> None:
    page = write(
        tmp_path / "contacts.csv",
        """
        <!DOCTYPE html>
        <html><head><title>Sign in</title></head><body>Please sign in</body></html>
        """,
    )
    result = run("score", RULES, page, "--now", NOW)
    assert result.exit_code == 2
    assert _error(result.stderr) == (
        f"{page} is a web page (HTML), not a table of leads: a download link that gave a page "
        "instead of the export? Download the export as CSV"
    )
    piped = run("score", RULES, "-", input=page.read_text(encoding="utf-8"))
    assert _error(piped.stderr).startswith("<stdin> is a web page (HTML), not a table of leads")


def test_a_json_object_wrapping_the_records(tmp_path: Path) -> None:
    # What HubSpot's API answers: {"results": [...], "paging": {...}}.
    wrapped = tmp_path / "contacts.json"
    wrapped.write_text(
        json.dumps(
            {
                "results": [
                    {"id": "51234501", "properties": {"jobtitle": "Head of Growth"}},
                    {"id": "51234502", "properties": {"jobtitle": "VP Engineering"}},
                ],
                "paging": {"next": {"after": "51234503"}},
            }
        ),
        encoding="utf-8",
    )
    result = run("score", RULES, wrapped, "--now", NOW)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert _error(result.stderr) == (
        f"{wrapped}:1: the file holds one JSON object with a list of 2 records under "
        "'results', not a list of leads: extract the list (for example jq '.results' FILE > "
        "leads.json) and score that"
    )
    # One lead with its events is still one lead.
    one = write(tmp_path / "one.json", '{"id": "x", "events": [{"name": "requested demo"}]}')
    assert run("score", RULES, one, "--now", NOW).exit_code == 0


def test_json_that_is_not_records(tmp_path: Path) -> None:
    rows = write(tmp_path / "rows.json", '[["Record ID", "Email"], ["1", "a@x.ie"]]')
    assert _error(run("score", RULES, rows).stderr) == (
        f"{rows}:1: the JSON array holds rows as arrays, not leads as objects: export the "
        "leads as an array of objects (one per lead), as JSON Lines or as CSV"
    )
    number = write(tmp_path / "count.json", "1005")
    assert _error(run("score", RULES, number).stderr) == (
        f"{number}:1: a JSON file holds an array of leads (objects), not a number"
    )
    array_lines = write(tmp_path / "leads.jsonl", '[{"id": "1"}, {"id": "2"}]\n')
    assert _error(run("score", RULES, array_lines).stderr) == (
        f"{array_lines}:1: the first line is a JSON array, not a lead: this is a JSON file, "
        "not JSON Lines (one object per line); pass --input-format json"
    )
    assert run("score", RULES, array_lines, "--input-format", "json", "-q").exit_code == 0


def test_json_in_a_file_named_csv(tmp_path: Path) -> None:
    mislabelled = write(tmp_path / "contacts.csv", '{"id": "1"}\n{"id": "2"}\n')
    assert _error(run("score", RULES, mislabelled).stderr) == (
        f"{mislabelled} holds JSON, not CSV: pass --input-format jsonl (or name the file .jsonl)"
    )
    result = run("score", RULES, mislabelled, "--input-format", "jsonl", "-q")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 3


def test_an_empty_file_is_an_error_a_header_only_csv_is_zero_leads(tmp_path: Path) -> None:
    for name in ("empty.csv", "empty.jsonl", "empty.json", "blank.csv"):
        leads = tmp_path / name
        leads.write_bytes(b"" if name.startswith("empty") else b"\xef\xbb\xbf\r\n  \r\n")
        result = run("score", RULES, leads, "--now", NOW)
        assert result.exit_code == 2, name
        assert _error(result.stderr) == f"{leads} is empty: there are no leads in it"
    header_only = write(tmp_path / "header.csv", "Record ID,Email\n")
    result = run("score", RULES, header_only, "--now", NOW)
    assert result.exit_code == 0
    assert "0 leads scored" in result.stderr
