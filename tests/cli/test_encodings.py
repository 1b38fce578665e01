"""Input files in other text encodings than UTF-8, and bytes that are not text, for every
command that reads them (see clihelpers.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from clihelpers import NOW, jsonl, run, write

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
