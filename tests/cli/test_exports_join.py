"""Joining an events export to a contacts export (issue 12, item 3): the events' id column has
its own name (`Contact ID` for the contacts' `Record ID`), is recognised or named with
`--events-id-field`; an id column that is not there is an error naming the columns found; a
problem met in many rows is one line with a count and the lines; events that join no lead
are counted with an example.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from clihelpers import DATA, NOW, run, table_rows, write

RULES = DATA / "hubspot.leadrules"
CONTACTS = DATA / "hubspot_contacts.csv"
EVENTS = DATA / "hubspot_events.csv"
CONTACT_COLUMNS = (
    "'Record ID', 'First Name', 'Last Name', 'Email', 'Job Title', 'Company size', "
    "'Country/Region', 'Lifecycle Stage', 'Annual Revenue', 'Webinar Attended', 'Create Date'"
)


def _events(tmp_path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    path = tmp_path / "events.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def _hubspot_events() -> list[list[str]]:
    with EVENTS.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def test_contact_id_joins_record_id() -> None:
    result = run("score", RULES, CONTACTS, "--events", EVENTS, "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "skipped" not in result.stderr
    rows = table_rows(result.stdout)
    # Aoife (51234501): decision maker +20, 1,200 people +15, $2.5M +10 -> fit 45, capped at 40;
    # a demo +30, Webinar Attended "Yes" +10, two pricing visits +10, created 5 Nov +5 -> 55,
    # capped at 50. 90, SQL (she asked for a demo).
    assert rows["51234501"][:2] == ("90", "SQL")
    lines = result.stderr.splitlines()
    assert "  1 event for 1 lead id not in the leads file, e.g. '51239999'" in lines


def test_events_id_field_names_the_column(tmp_path: Path) -> None:
    events = _events(tmp_path, ["HubSpot Contact", "Event Name", "Timestamp", "Page URL"],
                     _hubspot_events())  # fmt: skip
    result = run("score", RULES, CONTACTS, "--events", events, "--now", NOW)
    assert result.exit_code == 2
    assert result.stderr == (
        f"leadrules: error: cannot join the events: {events} has no column for the lead's id "
        "(none of lead id, lead, Contact ID, Record ID; its columns: 'HubSpot Contact', "
        "'Event Name', 'Timestamp', 'Page URL'); name it with --events-id-field COLUMN\n"
    )
    assert result.stdout == ""
    named = run("score", RULES, CONTACTS, "--events", events, "--events-id-field",
                "hubspot contact", "--now", NOW)  # fmt: skip
    assert named.exit_code == 0, named.output
    assert table_rows(named.stdout)["51234501"][:2] == ("90", "SQL")


def test_an_events_id_field_that_is_not_there_is_an_error() -> None:
    result = run("score", RULES, CONTACTS, "--events", EVENTS, "--events-id-field", "Lead",
                 "--now", NOW)  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        f"leadrules: error: --events-id-field 'Lead': {EVENTS} has no column 'Lead' (its "
        "columns: 'Contact ID', 'Event Name', 'Timestamp', 'Page URL')\n"
    )


def test_an_id_field_the_leads_lack_is_an_error() -> None:
    # Today's mistake: naming the events' column for the leads. Before, every event was
    # unmatched and the exit code was 0.
    result = run("score", RULES, CONTACTS, "--events", EVENTS, "--id-field", "Contact ID",
                 "--now", NOW)  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        f"leadrules: error: --id-field 'Contact ID': {CONTACTS} has no column 'Contact ID' "
        f"(its columns: {CONTACT_COLUMNS})\n"
    )
    assert result.stdout == ""
    without_events = run("score", RULES, CONTACTS, "--id-field", "Contact ID")
    assert without_events.exit_code == 2


def test_two_id_columns_in_the_events_are_named_with_the_option(tmp_path: Path) -> None:
    leads = DATA / "salesforce_leads.csv"  # its id column: Lead ID
    events = _events(tmp_path, ["Contact ID", "Record ID", "Event Name", "Timestamp"],
                     [["00Q5g00000AbC01", "7", "Requested Demo", "2026-11-20 10:00"]])  # fmt: skip
    result = run("score", DATA / "salesforce.leadrules", leads, "--events", events)
    assert result.exit_code == 2
    assert result.stderr == (
        f"leadrules: error: cannot tell which column of {events} holds the lead's id: "
        "'Contact ID', 'Record ID'; choose one with --events-id-field COLUMN\n"
    )
    chosen = run("score", DATA / "salesforce.leadrules", leads, "--events", events,
                 "--events-id-field", "Contact ID", "--now", NOW)  # fmt: skip
    assert chosen.exit_code == 0, chosen.output


def test_two_id_columns_in_the_leads_are_settled_by_the_events(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.csv", "Record ID,Contact ID,Country/Region\nr1,c1,Ireland\n")
    by_contact = _events(tmp_path, ["Contact ID", "Event Name", "Timestamp"],
                         [["c1", "Requested Demo", "2026-11-20"]])  # fmt: skip
    result = run("score", RULES, leads, "--events", by_contact, "--now", NOW, "-o", "csv", "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("c1,30,")  # joined by Contact ID
    other = _events(tmp_path, ["Lead", "Event Name", "Timestamp"], [["c1", "Requested Demo", "x"]])
    ambiguous = run("score", RULES, leads, "--events", other, "--now", NOW)
    assert ambiguous.exit_code == 2
    assert ambiguous.stderr == (
        f"leadrules: error: cannot tell which column of {leads} identifies a lead: "
        "'Record ID', 'Contact ID'; choose one with --id-field COLUMN\n"
    )


def test_leads_without_an_id_column_cannot_take_events(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.csv", "Email,Country/Region\nann@acme.ie,Ireland\n")
    result = run("score", RULES, leads, "--events", EVENTS)
    assert result.exit_code == 2
    assert result.stderr == (
        f"leadrules: error: cannot join the events: {leads} has no id column (none of id, "
        "Record ID, Lead ID, Contact ID; its columns: 'Email', 'Country/Region'); name it "
        "with --id-field COLUMN\n"
    )


def test_a_thousand_identical_problems_are_one_line(tmp_path: Path) -> None:
    rows = [["", "Visited Pricing Page", "2026-11-15 12:00", "/pricing"]] * 1005
    events = _events(tmp_path, ["Contact ID", "Event Name", "Timestamp", "Page URL"], rows)
    result = run("score", RULES, CONTACTS, "--events", events, "--now", NOW)
    assert result.exit_code == 1  # records were skipped
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(events))]
    assert problems == [
        f"{events}: 1,005 events skipped: the lead id ('Contact ID') is blank (lines 2, 3, 4, "
        "5, 6 and 1,000 more)",
        f"{events}: warning: no event was read; if the lead id is not in 'Contact ID', name "
        "its column with --events-id-field COLUMN (the columns: 'Contact ID', 'Event Name', "
        "'Timestamp', 'Page URL')",
    ]
    assert "  skipped            1005  (records that could not be read; see above)" in (
        result.stderr.splitlines()
    )


def test_events_as_json_lines_without_the_id_say_the_fields_found(tmp_path: Path) -> None:
    events = write(
        tmp_path / "events.jsonl",
        """
        {"contact id": "51234501", "name": "requested demo", "at": "2026-11-20T10:00:00Z"}
        {"email": "tom.price@quarrylabs.co.uk", "name": "requested demo", "at": "2026-11-20"}
        {"email": "tom.price@quarrylabs.co.uk", "name": "requested demo", "at": "2026-11-21"}
        """,
    )
    result = run("score", RULES, CONTACTS, "--events", events, "--now", NOW)
    assert result.exit_code == 1
    assert (
        f"{events}: 2 events skipped: no 'contact id' field for the lead's id (fields: "
        "'email', 'name', 'at') (lines 2, 3)"
    ) in result.stderr.splitlines()
    # The first event joined: Aoife's fit 40 (capped), a demo +30, Webinar Attended "Yes"
    # +10, created on 5 November +5 -> 85.
    assert table_rows(result.stdout)["51234501"][0] == "85"


def test_events_that_join_no_lead_are_said_with_an_example(tmp_path: Path) -> None:
    result = run("score", RULES, CONTACTS, "--events", EVENTS, "--events-id-field", "Page URL",
                 "--now", NOW)  # fmt: skip
    assert result.exit_code == 0
    assert (
        "  no event matched a lead: the events' 'Page URL' (e.g. '/demo') is never the leads' "
        "'Record ID' (e.g. '51234501'); choose the columns with --id-field and "
        "--events-id-field"
    ) in result.stderr.splitlines()


def test_the_same_problem_in_many_leads_is_shown_three_times_then_counted(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.jsonl", '{"id": "ok"}\n' + "[1, 2]\n" * 2 + '"x"\n' * 7)
    result = run("score", RULES, leads, "--now", NOW, "-o", "jsonl")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(leads))]
    assert lines == [
        f"{leads}:2: skipped: a lead must be a JSON object, not a list",
        f"{leads}:3: skipped: a lead must be a JSON object, not a list",
        f"{leads}:4: skipped: a lead must be a JSON object, not text",
        f"{leads}:5: skipped: a lead must be a JSON object, not text",
        f"{leads}:6: skipped: a lead must be a JSON object, not text",
        f"{leads}: 4 more records like that (skipped: a lead must be a JSON object, not "
        "text): lines 7, 8, 9, 10",
    ]
