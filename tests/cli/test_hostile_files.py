"""Broken and hostile files on the command line (issue 15): one bad record is reported and
skipped and the run goes on (exit 1); nothing is lost without a word; an encoding that cannot
read the file is refused before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clihelpers import NOW, jsonl, run, run_process

RULES = '+10 when requested demo\n+5 when title contains "vp"\n'


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "r.leadrules"
    path.write_text(RULES, encoding="utf-8")
    return path


def _file(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _ids(stdout: str) -> list[str]:
    return [row["id"] for row in jsonl(stdout)]


GOOD = '{"id": 1, "requested_demo": "yes"}\n'
LAST = '{"id": 3, "requested_demo": "yes"}\n'


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ('{"id": 2, "n": ' + "9" * 5000 + "}\n", None),  # read: a number no rule can read
        ('{"id": 2, "n": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "nested too deeply"),
    ],
    ids=["5000 digits", "100000 deep"],
)
def test_one_bad_json_lines_record_does_not_stop_the_run(
    tmp_path: Path, rules: Path, bad: str, said: str | None
) -> None:
    leads = _file(tmp_path, "leads.jsonl", GOOD + bad + LAST)
    got = run("score", rules, leads, "-o", "jsonl", "--now", NOW)
    assert "internal error" not in got.output
    if said is None:
        assert got.exit_code == 0, got.output
        assert _ids(got.stdout) == ["1", "2", "3"]
    else:
        assert got.exit_code == 1, got.output
        assert _ids(got.stdout) == ["1", "3"]
        assert f"leads.jsonl:2: skipped: {said}" in got.stderr


def test_a_record_too_deep_in_a_json_array_is_skipped_and_the_rest_read(
    tmp_path: Path, rules: Path
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    text = f'[{GOOD.strip()},\n{{"id": 2, "x": {deep}, "s": "]}}"}},\n{LAST.strip()}]'
    leads = _file(tmp_path, "leads.json", text)
    got = run("score", rules, leads, "-o", "jsonl", "--now", NOW)
    assert got.exit_code == 1, got.output
    assert _ids(got.stdout) == ["1", "3"]
    assert "leads.json:2: skipped: nested too deeply" in got.stderr


def test_bad_records_in_the_events_file_are_skipped(tmp_path: Path, rules: Path) -> None:
    leads = _file(tmp_path, "leads.csv", "id,title\n1,vp\n2,cfo\n")
    events = _file(
        tmp_path,
        "events.jsonl",
        '{"id": 1, "name": "requested demo", "at": "2026-01-01"}\n'
        '{"id": 2, "name": "x", "at": ' + "9" * 5000 + "}\n"
        '{"id": 2, "name": "y", "at": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
    )
    got = run("score", rules, leads, "--events", events, "-o", "jsonl", "--now", NOW)
    assert got.exit_code == 1, got.output
    assert [(r["id"], r["score"]) for r in jsonl(got.stdout)] == [("1", 15), ("2", 0)]
    assert "events.jsonl:3: skipped: nested too deeply" in got.stderr


def test_a_lone_surrogate_in_the_output_is_escaped_and_said(tmp_path: Path, rules: Path) -> None:
    """A JSON escape \\ud800 is a string Python holds but UTF-8 cannot write: the output
    writes the escape back (valid JSON for the same string), and says so for that record."""
    leads = _file(tmp_path, "leads.jsonl", GOOD + '{"id": 2, "title": "\\ud800 vp"}\n' + LAST)
    got = run_process(
        "score", rules, leads, "-o", "jsonl", "--explain", "--now", NOW,
        env={"PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    assert got.returncode == 0, got.stderr
    rows = [json.loads(line) for line in got.stdout.decode("utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["1", "2", "3"]
    assert rows[1]["result"]["contributions"][0]["evidence"][0]["value"] == "\ud800 vp"
    assert b"leads.jsonl:2: warning: its output holds text that cannot be written" in got.stderr


@pytest.mark.parametrize(
    ("name", "text", "skipped_at"),
    [
        ("quote.csv", 'id,requested_demo,title\n1,yes,"vp\n2,yes,x\n3,yes,y\n', 2),
        ("cut.csv", 'id,requested_demo,title\n1,yes,ok\n2,yes,"vp of\n', 3),
    ],
    ids=["unterminated quote", "cut inside a quoted cell"],
)
def test_a_quoted_cell_open_at_the_end_of_a_csv_is_not_scored_as_complete(
    tmp_path: Path, rules: Path, name: str, text: str, skipped_at: int
) -> None:
    leads = _file(tmp_path, name, text)
    got = run("score", rules, leads, "-o", "jsonl", "--now", NOW)
    assert got.exit_code == 1, got.output
    assert f"{name}:{skipped_at}: skipped: a quoted cell is not closed before the end" in got.stderr
    assert all(row["id"] != str(skipped_at - 1) for row in jsonl(got.stdout))


def test_quotes_that_are_closed_are_read_as_before(tmp_path: Path, rules: Path) -> None:
    leads = _file(tmp_path, "ok.csv", 'id,title\n1,"a ""vp"" b"\n2,"x\nvp"\n3,ab"c\n')
    got = run("score", rules, leads, "-o", "jsonl", "--now", NOW)
    assert got.exit_code == 0, got.output
    assert [(r["id"], r["score"]) for r in jsonl(got.stdout)] == [("1", 5), ("2", 5), ("3", 0)]


def test_a_header_whose_quote_is_not_closed_stops_the_command(tmp_path: Path, rules: Path) -> None:
    leads = _file(tmp_path, "h.csv", 'id,"title\n1,x\n')
    got = run("score", rules, leads, "--now", NOW)
    assert got.exit_code == 2
    assert "cannot read the CSV header: a quoted cell is not closed" in got.stderr
    assert got.stdout == ""


def test_json_lines_read_as_json_is_refused_not_cut_to_its_first_lead(
    tmp_path: Path, rules: Path
) -> None:
    leads = _file(tmp_path, "leads.json", GOOD + LAST)
    got = run("score", rules, leads, "--input-format", "json", "--now", NOW)
    assert got.exit_code == 2
    assert "this is JSON Lines" in got.stderr and "--input-format jsonl" in got.stderr
    assert got.stdout == ""


@pytest.mark.parametrize("text", ["", "\n  \n", "\ufeff"], ids=["empty", "blank", "BOM only"])
def test_an_empty_json_file_is_an_error_not_zero_leads(
    tmp_path: Path, rules: Path, text: str
) -> None:
    leads = _file(tmp_path, "leads.json", text)
    for args in ((), ("--input-format", "json")):
        got = run("score", rules, leads, *args, "--now", NOW)
        assert got.exit_code == 2
        assert "is empty: there are no leads in it" in got.stderr


@pytest.mark.parametrize("name", ["leads.txt", "leads"])
def test_a_file_of_unknown_kind_is_read_as_csv_with_a_word(
    tmp_path: Path, rules: Path, name: str
) -> None:
    leads = _file(tmp_path, name, "id,requested_demo\n1,yes\n")
    got = run("score", rules, leads, "-o", "jsonl", "--now", NOW)
    assert got.exit_code == 0
    assert _ids(got.stdout) == ["1"]
    assert f"{name}: warning: read as CSV:" in got.stderr
    quiet = run("score", rules, leads, "--input-format", "csv", "-o", "jsonl", "--now", NOW)
    assert "warning" not in quiet.stderr


@pytest.mark.parametrize(
    ("encoding", "said"),
    [
        ("utf-16", "does not start with the byte-order mark that --encoding utf-16 needs"),
        ("utf-32", "does not start with the byte-order mark that --encoding utf-32 needs"),
        ("idna", "the 'idna' encoding cannot read files"),
        ("punycode", "the 'punycode' encoding cannot read files"),
        ("utf-16-le", "cannot read the text as utf-16-le"),
    ],
)
def test_an_encoding_that_cannot_read_the_file_is_refused_cleanly(
    tmp_path: Path, rules: Path, encoding: str, said: str
) -> None:
    leads = _file(tmp_path, "leads.csv", "id,requested_demo\n1,yes\n\n")  # 25 bytes
    got = run("score", rules, leads, "--encoding", encoding, "--now", NOW)
    assert got.exit_code == 2, got.output
    assert said in got.stderr
    assert "internal error" not in got.output


def test_utf16_with_its_byte_order_mark_is_read(tmp_path: Path, rules: Path) -> None:
    leads = _file(tmp_path, "leads.csv", "id,requested_demo\n1,yes\n".encode("utf-16"))
    got = run("score", rules, leads, "--encoding", "utf-16", "-o", "jsonl", "--now", NOW)
    assert got.exit_code == 0, got.output
    assert [r["score"] for r in jsonl(got.stdout)] == [10]
