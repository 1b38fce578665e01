"""Names the rules read against real exports (issue 12, items 1 and 4): a misspelt field is
reported after scoring, with a did-you-mean against the export's headers, and before scoring by
`check --leads`; a column that hides events of the same name is said once, with counts.

The files are shaped like real exports: tests/data/cli/hubspot_contacts.csv (a HubSpot contacts
export: a byte-order mark, CRLF line ends, `Record ID`, `Country/Region`, `N/A`, `$2.5M`,
`1,200`, `Yes`/`No`, blank cells, `03/04/2026 10:15 AM`) and hubspot_events.csv (`Contact ID,
Event Name, Timestamp, Page URL`). hubspot_typo.leadrules is hubspot.leadrules with `job titel`
for `job title` in both definitions.
"""

from __future__ import annotations

import json
from pathlib import Path

from clihelpers import DATA, NOW, jsonl, run, table_rows, write

import leadrules

RULES = DATA / "hubspot.leadrules"
TYPO = DATA / "hubspot_typo.leadrules"
CONTACTS = DATA / "hubspot_contacts.csv"
EVENTS = DATA / "hubspot_events.csv"


def test_the_fixtures_are_shaped_like_a_hubspot_export() -> None:
    raw = CONTACTS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfRecord ID,First Name,Last Name,Email,Job Title,")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert EVENTS.read_bytes().startswith(b"Contact ID,Event Name,Timestamp,Page URL\r\n")


# ------------------------------------------------------------------------------- after scoring


def test_a_misspelt_field_is_reported_after_scoring_with_a_did_you_mean() -> None:
    good = run("score", RULES, CONTACTS, "--events", EVENTS, "--now", NOW)
    typo = run("score", TYPO, CONTACTS, "--events", EVENTS, "--now", NOW)
    assert good.exit_code == typo.exit_code == 0, typo.output
    # The typo costs every decision maker its 20 points: two SQL leads become one.
    assert "  SQL                   2" in good.stderr.splitlines()
    assert "  SQL                   1" in typo.stderr.splitlines()
    lines = typo.stderr.splitlines()
    assert (
        "  unknown names         1  (none of the 10 leads has them: tests of them are unknown)"
        in lines
    )
    assert (
        "    `job titel` (lines 4, 5): no lead has this column; did you mean `job title`?" in lines
    )
    # The rule that reads it never fired: the summary of rules says so too.
    assert "     8      0     0%  [fit] decision maker" in lines
    assert "unknown names" not in good.stderr


def test_unknown_names_are_in_the_summary_json(tmp_path: Path) -> None:
    out = tmp_path / "summary.json"
    result = run(
        "score", TYPO, CONTACTS, "--events", EVENTS, "--now", NOW, "-q", "--summary-json", out
    )
    assert result.exit_code == 0 and result.stderr == ""  # --quiet: nothing on screen
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["unknown_names"] == [
        {
            "name": "job titel",
            "event": None,
            "lines": [4, 5],
            "files": {str(TYPO): [4, 5]},
            "did_you_mean": "job title",
            "did_you_mean_header": "Job Title",
        }
    ]


def test_an_event_name_found_in_the_events_is_not_unknown() -> None:
    # `requested demo` and `visited pricing page` are not columns: they are events.
    result = run("score", RULES, CONTACTS, "--events", EVENTS, "--now", NOW)
    assert "requested demo` (" not in result.stderr
    # Without the events file they are names no lead has.
    alone = run("score", RULES, CONTACTS, "--now", NOW)
    lines = alone.stderr.splitlines()
    assert (
        "  unknown names         2  (none of the 10 leads has them: tests of them are unknown)"
        in lines
    )
    assert (
        "    `requested demo` (lines 15, 23): no lead has a column or events of this name" in lines
    )
    assert (
        "    `visited pricing page` (line 17): no lead has a column or events of this name" in lines
    )


def test_a_misspelt_event_property_is_checked_against_the_events(tmp_path: Path) -> None:
    rules = write(
        tmp_path / "r.leadrules",
        """
        +5 per visited pricing page where `Page URI` starts with "/pricing", up to 15
        +30 when requested demo
        """,
    )
    result = run("score", rules, CONTACTS, "--events", EVENTS, "--now", NOW)
    assert (
        "    `Page URI` (line 1): no 'Visited Pricing Page' event has this property; did you "
        "mean `Page URL`?"
    ) in result.stderr.splitlines()


def test_a_definition_is_not_a_field() -> None:
    # `decision maker` and `student` are definitions: never reported as unknown names.
    result = run("score", TYPO, CONTACTS, "--events", EVENTS, "--now", NOW)
    assert "`decision maker` (" not in result.stderr and "`student` (" not in result.stderr


def test_explain_and_diff_report_unknown_names_too() -> None:
    explained = run("explain", TYPO, CONTACTS, "--events", EVENTS, "--now", NOW, "--index", "2")
    assert explained.exit_code == 0
    lines = explained.stderr.splitlines()
    assert (
        "  unknown names         1  (none of the 2 leads read has them: tests of them are unknown)"
    ) in lines
    assert (
        "    `job titel` (lines 4, 5): no lead read has this column; did you mean `job title`?"
        in lines
    )
    diffed = run("diff", RULES, TYPO, CONTACTS, "--events", EVENTS, "--now", NOW)
    assert diffed.exit_code == 0
    assert (
        f"    `job titel` ({TYPO} lines 4, 5): no lead has this column; did you mean `job title`?"
        not in diffed.stderr
    )  # one file reads it: its lines, without the file's name
    assert "    `job titel` (lines 4, 5): no lead has this column; did you mean `job title`?" in (
        diffed.stderr.splitlines()
    )
    as_json = run("diff", RULES, TYPO, CONTACTS, "--events", EVENTS, "--now", NOW, "-o", "json")
    data = json.loads(as_json.stdout)
    assert [n["name"] for n in data["unknown_names"]] == ["job titel"]


def test_test_reports_names_no_case_has(tmp_path: Path) -> None:
    cases = write(
        tmp_path / "cases.jsonl",
        """
        {"name": "VP", "lead": {"Job Title": "VP Sales", "Country/Region": "Ireland"}, "now": "2026-11-21T00:00:00Z", "expect": {"score": 20}}
        """,  # noqa: E501
    )
    result = run("test", DATA / "salesforce.leadrules", cases)
    assert result.exit_code == 1  # `title` is not `job title`: no +20, the case fails
    lines = result.stderr.splitlines()
    assert (
        "  unknown names         5  (the only case's lead does not have them: tests of them "
        "are unknown)"
    ) in lines
    assert "    `title` (line 4): no case's lead has this field; did you mean `job title`?" in lines
    assert "    `created date` (line 9): no case's lead has a field or events of this name" in lines


# ------------------------------------------------------------------------------- hidden events


def test_a_column_that_hides_events_of_the_same_name_is_said_once_with_counts() -> None:
    result = run("score", RULES, CONTACTS, "--events", EVENTS, "--now", NOW)
    lines = result.stderr.splitlines()
    # Tom Price (51234502): `Webinar Attended` is No, and he attended two webinars.
    assert "  hidden events         1  (a column of the same name was read instead)" in lines
    assert (
        "    `webinar attended` (line 16): 1 lead has a 'Webinar Attended' column that is not "
        "yes and 2 'Webinar Attended' events; the column was read, not the events"
    ) in lines
    assert (
        "      a field always wins over events of its name (backticks do not change that): to "
        "count the events, rename the column or the events so that the names differ"
    ) in lines
    # The field won: no +10 for the webinars.
    rows = table_rows(result.stdout)
    assert rows["51234502"][:2] == ("75", "SQL")


def test_hidden_events_in_json_and_renaming_the_column_counts_the_events(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    run("score", RULES, CONTACTS, "--events", EVENTS, "--now", NOW, "-q", "--summary-json", out)
    assert json.loads(out.read_text(encoding="utf-8"))["hidden_events"] == [
        {
            "name": "webinar attended",
            "lines": [16],
            "column": "Webinar Attended",
            "event": "Webinar Attended",
            "leads": 1,
            "events": 2,
        }
    ]
    renamed = tmp_path / "contacts.csv"
    text = CONTACTS.read_text(encoding="utf-8-sig")
    renamed.write_text(text.replace("Webinar Attended", "Webinar Attended (form)"), "utf-8")
    result = run("score", RULES, renamed, "--events", EVENTS, "--now", NOW, "-o", "jsonl")
    by_id = {r["id"]: r for r in jsonl(result.stdout)}
    assert by_id["51234502"]["score"] == 85  # +10 for the webinars now
    assert "hidden events" not in result.stderr


def test_a_field_that_agrees_with_the_events_hides_nothing(tmp_path: Path) -> None:
    leads = write(
        tmp_path / "l.jsonl",
        """
        {"id": "a", "requested demo": "Yes", "events": [{"name": "requested demo", "at": "2026-11-20"}]}
        """,  # noqa: E501
    )
    result = run("score", RULES, leads, "--now", NOW)
    assert "hidden events" not in result.stderr


# ------------------------------------------------------------------------------- check --leads


def test_check_leads_reports_unknown_names_as_errors_before_scoring() -> None:
    result = run("check", TYPO, "--leads", CONTACTS, "--events", EVENTS)
    assert result.exit_code == 1
    assert result.stdout == (
        f"{TYPO}:4:26: error: `job titel` is not a field of {CONTACTS}\n"
        "    define decision maker as job titel matches /\\b(chief|cto|ceo|vp|head|director)\\b/i\n"
        "                             ^^^^^^^^^\n"
        "  hint: did you mean `job title`?\n"
        "\n"
        f"{TYPO}:5:19: error: `job titel` is not a field of {CONTACTS}\n"
        '    define student as job titel contains "student"\n'
        "                      ^^^^^^^^^\n"
        "  hint: did you mean `job title`?\n"
        "\n"
        f"checked against 10 leads of {CONTACTS} (11 columns) and 11 events of {EVENTS} "
        "(3 event names)\n"
        "1 file checked: 2 errors, 0 warnings\n"
    )


def test_check_leads_passes_the_correct_rules() -> None:
    result = run("check", RULES, "--leads", CONTACTS, "--events", EVENTS)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "1 file checked: 0 errors, 0 warnings, 3 notes"


def test_check_leads_events_must_be_events_seen(tmp_path: Path) -> None:
    rules = write(tmp_path / "r.leadrules", "+30 when requsted demo\n")
    result = run("check", rules, "--leads", CONTACTS, "--events", EVENTS)
    assert result.exit_code == 1
    assert (
        f"{rules}:1:10: error: `requsted demo` is neither a field of {CONTACTS} nor an event "
        f"in {EVENTS}\n"
        "    +30 when requsted demo\n"
        "             ^^^^^^^^^^^^^\n"
        "  hint: did you mean `requested demo`?\n"
    ) in result.stdout
    without = run("check", RULES, "--leads", CONTACTS)
    assert without.exit_code == 1
    assert (
        f"{RULES}:15:14: error: `requested demo` is not a field of {CONTACTS}, and no events "
        "were given\n"
        "        +30 when requested demo\n"
        "                 ^^^^^^^^^^^^^^\n"
        "  hint: if it is an event, pass the events file with --events\n"
    ) in without.stdout


def test_check_leads_reports_tests_that_do_not_suit_the_values(tmp_path: Path) -> None:
    # Every Annual Revenue of the sample is an amount ($2.5M, £1,200,000, 500k, ...).
    rules = write(tmp_path / "r.leadrules", '+5 when annual revenue contains "M"\n')
    result = run("check", rules, "--leads", CONTACTS)
    assert result.exit_code == 1
    assert (
        f"{rules}:1:9: error: `contains` tests text, but `annual revenue` is a number (int)\n"
        '    +5 when annual revenue contains "M"\n'
        "            ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  hint: compare numbers with =, <, >, between, like `annual revenue >= 50`\n"
    ) in result.stdout
    # `company size` has 'about 20' and 'lots' among its numbers: a text test is allowed.
    mixed = write(tmp_path / "m.leadrules", '+5 when company size contains "0"\n')
    assert run("check", mixed, "--leads", CONTACTS).exit_code == 0


def test_check_leads_as_json(tmp_path: Path) -> None:
    result = run("check", TYPO, "--leads", CONTACTS, "--events", EVENTS, "--format", "json")
    data = json.loads(result.stdout)
    assert data["errors"] == 2
    assert data["sample"] == {
        "leads_file": str(CONTACTS),
        "leads": 10,
        "columns": [
            "Record ID", "First Name", "Last Name", "Email", "Job Title", "Company size",
            "Country/Region", "Lifecycle Stage", "Annual Revenue", "Webinar Attended",
            "Create Date",
        ],
        "events_file": str(EVENTS),
        "events": 11,
        "event_names": ["Requested Demo", "Visited Pricing Page", "Webinar Attended"],
    }  # fmt: skip


def test_check_leads_and_schema_are_one_or_the_other() -> None:
    result = run("check", RULES, "--leads", CONTACTS, "--schema", DATA / "crm_schema.py:Prospect")
    assert result.exit_code == 2
    assert "give one of --schema and --leads" in result.stderr
    alone = run("check", RULES, "--events", EVENTS)
    assert alone.exit_code == 2
    assert "--events, --id-field and --input-format go with --leads FILE" in alone.stderr


def test_infer_schema_gives_what_check_leads_uses() -> None:
    import csv

    with CONTACTS.open(encoding="utf-8-sig", newline="") as handle:
        rows = [{k: v or None for k, v in row.items()} for row in csv.DictReader(handle)]
    schema = leadrules.infer_schema(rows)
    try:
        leadrules.compile(TYPO.read_text(encoding="utf-8"), schema={**schema, "events": list})
    except leadrules.SchemaError as exc:
        assert [d.message for d in exc.diagnostics] == [
            "`job titel` is not a field of the schema",
            "`job titel` is not a field of the schema",
        ]
    else:  # pragma: no cover
        raise AssertionError("the typo was not found")
