"""Values as exports write them and scores written back to the CRM (issue 12, items 6 and 7):
`--dayfirst` on every command that reads leads; data warnings summarised by field, with counts
and examples, in the summary and in JSON; CSV output under the leads' own id header, with
`--keep` columns, each group's points and a one-cell breakdown; how often each rule fired.

salesforce_leads.csv is a Salesforce leads report from a UK org: every cell quoted, CRLF,
`Lead ID`, `No. of Employees`, `€3,500,000`, `£12M`, `N/A`, and dates day first (13/11/2026).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from clihelpers import DATA, NOW, jsonl, run, write

HUBSPOT = DATA / "hubspot.leadrules"
CONTACTS = DATA / "hubspot_contacts.csv"
EVENTS = DATA / "hubspot_events.csv"
SALESFORCE = DATA / "salesforce.leadrules"
SF_LEADS = DATA / "salesforce_leads.csv"


# ------------------------------------------------------------------------------- --dayfirst


def test_dayfirst_reads_a_uk_export_and_without_it_the_summary_says_why() -> None:
    month_first = run("score", SALESFORCE, SF_LEADS, "--now", NOW, "-o", "jsonl")
    day_first = run("score", SALESFORCE, SF_LEADS, "--now", NOW, "--dayfirst", "-o", "jsonl")
    assert month_first.exit_code == day_first.exit_code == 0
    # Fiona (AbC01) was created on 13/11/2026: 8 days before now, +10, only when read day first.
    fiona = jsonl(month_first.stdout)[0]
    assert (fiona["score"], fiona["stage"]) == (45, "MQL")
    fiona = jsonl(day_first.stdout)[0]
    assert (fiona["score"], fiona["stage"]) == (55, "SQL")
    assert (
        "    created date: 2 values could not be read as a date, e.g. '13/11/2026', "
        "'20/11/2026 09:14' (line 9); '13/11/2026' can only be day first: if the file writes "
        "dates day first, score with --dayfirst"
    ) in month_first.stderr.splitlines()
    assert "data warnings" not in day_first.stderr


def test_dayfirst_on_a_us_export_makes_its_dates_unreadable_and_says_so() -> None:
    result = run("score", HUBSPOT, CONTACTS, "--events", EVENTS, "--now", NOW, "--dayfirst")
    assert (
        "    create date: 4 values could not be read as a date, e.g. '10/28/2026 08:00 AM', "
        "'11/19/2026 04:45 PM', '11/20/2026 11:00 AM' (line 18); '10/28/2026 08:00 AM' can "
        "only be month first: if the file writes dates month first, score without --dayfirst"
    ) in result.stderr.splitlines()


def test_dayfirst_on_explain_diff_test_and_check(tmp_path: Path) -> None:
    explained = run("explain", SALESFORCE, SF_LEADS, "--id", "00Q5g00000AbC01", "--now", NOW,
                    "--dayfirst")  # fmt: skip
    assert "+10  New lead (last 14 days)  (line 9)" in explained.stdout
    diffed = run("diff", SALESFORCE, SALESFORCE, SF_LEADS, "--now", NOW, "--dayfirst", "-o", "json")
    assert json.loads(diffed.stdout)["data_warnings"]["total"] == 0
    cases = write(
        tmp_path / "cases.jsonl",
        """
        {"lead": {"Title": "Head of Marketing", "Country": "Ireland", "Created Date": "13/11/2026"}, "now": "2026-11-21T00:00:00Z", "expect": {"score": 30}}
        """,  # noqa: E501
    )
    assert run("test", SALESFORCE, cases).exit_code == 1
    assert run("test", SALESFORCE, cases, "--dayfirst").exit_code == 0
    checked = run("check", SALESFORCE, "--leads", SF_LEADS, "--dayfirst")
    assert checked.exit_code == 0, checked.output


# ------------------------------------------------------------------------------- warnings by field


def test_warnings_are_summarised_by_field_with_counts_and_examples() -> None:
    result = run("score", HUBSPOT, CONTACTS, "--events", EVENTS, "--now", NOW)
    lines = result.stderr.splitlines()
    start = lines.index("  data warnings         3  (on 2 leads)")
    assert lines[start + 1 : start + 3] == [
        "    company size: 2 values could not be read as a number, e.g. 'about 20', 'lots' "
        "(line 9)",
        "    create date: 1 value could not be read as a date, e.g. '13/11/2026 02:30 PM' "
        "(line 18); '13/11/2026 02:30 PM' can only be day first: if the file writes dates "
        "day first, score with --dayfirst",
    ]


def test_warnings_by_field_in_the_summary_json(tmp_path: Path) -> None:
    out = tmp_path / "summary.json"
    result = run("score", HUBSPOT, CONTACTS, "--events", EVENTS, "--now", NOW, "-o", "jsonl",
                 "--summary-json", out, "-q")  # fmt: skip
    assert result.exit_code == 0
    assert all("score" in record for record in jsonl(result.stdout))  # only leads on stdout
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["data_warnings"] == {
        "total": 3,
        "leads": 2,
        "by_field": [
            {
                "field": "company size",
                "problem": "could not be read as a number",
                "count": 2,
                "examples": ["about 20", "lots"],
                "lines": [9],
                "hint": None,
            },
            {
                "field": "create date",
                "problem": "could not be read as a date",
                "count": 1,
                "examples": ["13/11/2026 02:30 PM"],
                "lines": [18],
                "hint": "'13/11/2026 02:30 PM' can only be day first: if the file writes "
                "dates day first, score with --dayfirst",
            },
        ],
    }
    assert summary["stages"] == {"SQL": 2, "MQL": 2, "no stage": 5, "disqualified": 1}
    assert summary["leads"] == 10 and summary["skipped"] == 0
    assert summary["events"] == {
        "file": str(EVENTS),
        "id_column": "Contact ID",
        "leads_id_column": "Record ID",
        "events": 11,
        "unmatched_events": 1,
        "unmatched_lead_ids": 1,
        "unmatched_example": "51239999",
    }


def test_diff_json_has_the_warnings_by_field() -> None:
    result = run("diff", HUBSPOT, HUBSPOT, CONTACTS, "--events", EVENTS, "--now", NOW, "-o",
                 "json")  # fmt: skip
    data = json.loads(result.stdout)
    assert [(g["field"], g["count"]) for g in data["data_warnings"]["by_field"]] == [
        ("company size", 2),
        ("create date", 1),
    ]
    assert "  data warnings         3  (on 2 leads, under the new rules)" in result.stderr


# ------------------------------------------------------------------------------- back to the CRM


def _csv(stdout: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(stdout)))


def test_csv_output_keeps_the_leads_id_header_kept_columns_groups_and_a_breakdown() -> None:
    result = run("score", HUBSPOT, CONTACTS, "--events", EVENTS, "--now", NOW, "-o", "csv",
                 "--keep", "email,Record ID", "-q")  # fmt: skip
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    assert header == (
        "Record ID,Email,score,stage,qualified,disqualified,reasons,next_stage,"
        "points_to_next_stage,warnings,group fit,group engagement,breakdown"
    )
    rows = {row["Record ID"]: row for row in _csv(result.stdout)}
    aoife = rows["51234501"]
    assert aoife["Email"] == "aoife.byrne@harbourlane.co.uk"
    assert (aoife["score"], aoife["group fit"], aoife["group engagement"]) == ("90", "40", "50")
    assert aoife["breakdown"] == (
        "+20 decision maker; +15 Company of 50 to 5,000 people; +10 Revenue of $1M or more; "
        "-5 group fit limited to max 40; +30 requested demo; +10 webinar attended; "
        '+10 per visited pricing page where `Page URL` starts with "/pricing"; '
        "+5 New contact (last 30 days); -5 group engagement limited to max 50"
    )
    assert rows["51234509"]["breakdown"] == "-20 student"
    assert rows["51234507"]["group fit"] == "0"


def test_keep_matches_the_exact_header_first_then_as_rules_match_names(tmp_path: Path) -> None:
    leads = write(tmp_path / "l.csv", "id,Email,e-mail\n1,a@x.ie,b@x.ie\n")
    exact = run("score", HUBSPOT, leads, "-o", "csv", "-q", "--keep", "e-mail")
    assert exact.stdout.splitlines()[0].startswith("id,e-mail,score,")
    assert exact.stdout.splitlines()[1].startswith("1,b@x.ie,")
    loose = run("score", HUBSPOT, leads, "-o", "csv", "-q", "--keep", "EMAIL")
    assert loose.stdout.splitlines()[0].startswith("id,Email,score,")


def test_keep_a_column_the_leads_lack_is_an_error() -> None:
    result = run("score", HUBSPOT, CONTACTS, "-o", "csv", "--keep", "Phone Number")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"leadrules: error: --keep 'Phone Number': {CONTACTS} has no column 'Phone Number' "
        "(its columns: 'Record ID', 'First Name',"
    )
    table = run("score", HUBSPOT, CONTACTS, "--keep", "Email")
    assert table.exit_code == 2
    assert "--keep is for --output csv or --output jsonl" in table.stderr


def test_keep_in_json_lines() -> None:
    result = run("score", SALESFORCE, SF_LEADS, "--now", NOW, "-o", "jsonl", "-q", "--keep",
                 "Email,Lead Source")  # fmt: skip
    first = jsonl(result.stdout)[0]
    assert first["id"] == "00Q5g00000AbC01"
    assert first["fields"] == {"Email": "fiona@gallagherfoods.ie", "Lead Source": "Webinar"}


def test_csv_id_header_is_id_when_the_leads_have_none(tmp_path: Path) -> None:
    leads = write(tmp_path / "l.csv", "Email,Country/Region\nann@acme.ie,Ireland\n")
    result = run("score", HUBSPOT, leads, "-o", "csv", "-q")
    assert result.stdout.splitlines()[0].startswith("id,score,")
    assert result.stdout.splitlines()[1].startswith("#1,0,")


def test_the_summary_says_how_often_each_rule_fired() -> None:
    result = run("score", HUBSPOT, CONTACTS, "--events", EVENTS, "--now", NOW)
    lines = result.stderr.splitlines()
    start = lines.index("Rules fired (of 10 leads):")
    assert lines[start + 1 :] == [
        "  line  leads  share  rule",
        "     8      7    70%  [fit] decision maker",
        "     9      4    40%  [fit] Company of 50 to 5,000 people",
        "    10      4    40%  [fit] Revenue of $1M or more",
        "    11      1    10%  [fit] Personal email address",
        "    12      1    10%  [fit] student",
        "    15      3    30%  [engagement] requested demo",
        "    16      3    30%  [engagement] webinar attended",
        "    17      3    30%  [engagement] per visited pricing page where `Page URL` starts "
        'with "/pricing"',
        "    18      6    60%  [engagement] New contact (last 30 days)",
        "    20      1    10%  disqualify: We only sell in the UK and Ireland",
    ]  # fmt: skip


def test_rules_fired_in_the_summary_json(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    run("score", HUBSPOT, CONTACTS, "--events", EVENTS, "--now", NOW, "-q", "--summary-json", out)
    fired = json.loads(out.read_text(encoding="utf-8"))["rules_fired"]
    assert fired[0] == {
        "line": 8,
        "column": 5,
        "kind": "score rule",
        "group": "fit",
        "label": "decision maker",
        "leads": 7,
        "share": 0.7,
    }
    assert fired[-1]["kind"] == "disqualify" and fired[-1]["leads"] == 1
