"""`leadrules assess`, run as a user runs it (see clihelpers.py), on files shaped like a HubSpot
export: a contacts CSV (byte-order mark, CRLF, ``Record ID``, ``Create Date``, the MQL date,
``Became a Customer Date`` blank for leads that did not buy) and an events CSV joined to it by
``Record ID``.

The contacts follow a planted truth, made below: decision makers convert more often (log-odds
+1.5), company size is noise, and every converted lead asks for a demo *after* it became an MQL
(buying comes with a demo) while a fifth of all leads, converted or not, asked before. So as of
the MQL date the demo rule shows no evidence, and scored at the end of the quarter it looks
perfect: the leakage the command guards against.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import random
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from clihelpers import ROOT, run

import leadrules
from leadrules.lang.renumber import number_sites

UTC = dt.timezone.utc
LEADS = 1200
MQL = "Became a Marketing Qualified Lead Date"
WON = "Became a Customer Date"
HEADER = ["Record ID", "First Name", "Job Title", "Number of Employees", "Create Date", MQL, WON]
RULES = """\
# Agreed in the planning meeting.
group fit max 40:
    +20 when job title matches /\\b(vp|head|director)\\b/i as "Decision maker"
    +10 when number of employees >= 200   # bigger is better, surely
+25 when requested demo as "Asked for a demo"
MQL at 20
SQL at 45
"""
QUARTER_END = "2026-10-01T00:00:00Z"


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")  # as HubSpot writes date-times


def _export(folder: Path, seed: int = 5) -> tuple[Path, Path, Path]:
    rng = random.Random(seed)
    contacts: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    start = dt.datetime(2026, 7, 1, 9, tzinfo=UTC)
    for index in range(LEADS):
        record = str(90001 + index)
        created = start + dt.timedelta(minutes=97 * index)
        mql = created + dt.timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 8))
        senior = rng.random() < 0.35
        chance = 1 / (1 + math.exp(-(-2.0 + (1.5 if senior else 0.0))))
        converted = rng.random() < chance
        won = mql + dt.timedelta(days=rng.randint(20, 60)) if converted else None
        contacts.append(
            {
                "Record ID": record,
                "First Name": rng.choice(["Ann", "Bo", "Cem", "Dee"]),
                "Job Title": rng.choice(["VP Sales", "Head of Growth", "Director, Ops"])
                if senior
                else rng.choice(["Analyst", "Marketing Manager", "Intern"]),
                "Number of Employees": str(rng.choice([10, 50, 200, 800, 5000])),
                "Create Date": _when(created),
                MQL: _when(mql),
                WON: "" if won is None else _when(won),
            }
        )
        if rng.random() < 0.2:  # asked before the decision, whatever the outcome
            before = mql - dt.timedelta(hours=rng.randint(1, 20))
            events.append({"Record ID": record, "Event": "requested demo", "At": before})
        if won is not None:  # the demo that comes with buying
            after = mql + dt.timedelta(days=rng.randint(1, 15))
            events.append({"Record ID": record, "Event": "requested demo", "At": after})
        events.append({"Record ID": record, "Event": "opened email", "At": created})
    leads = folder / "contacts.csv"
    with leads.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(",".join(f'"{h}"' for h in HEADER) + "\r\n")
        for row in contacts:
            handle.write(",".join(f'"{row[h]}"' for h in HEADER) + "\r\n")
    events_file = folder / "events.csv"
    with events_file.open("w", encoding="utf-8", newline="") as handle:
        handle.write("Record ID,Event,Timestamp\r\n")
        for event in sorted(events, key=lambda e: e["At"]):
            stamp = event["At"].strftime("%Y-%m-%dT%H:%M:%SZ")
            handle.write(f"{event['Record ID']},{event['Event']},{stamp}\r\n")
    rules = folder / "scoring.leadrules"
    rules.write_text(RULES, encoding="utf-8")
    return rules, leads, events_file


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return _export(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def suggested(
    export: tuple[Path, Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], Path, str]:
    rules, leads, events = export
    new = tmp_path_factory.mktemp("suggested") / "suggested.leadrules"
    result = run(
        "assess", rules, leads, "--events", events, "--outcome", WON, "--as-of", MQL,
        "--suggest", new, "--output", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), new, result.stderr


def _rule(data: dict[str, Any], label: str) -> dict[str, Any]:
    (row,) = [r for r in data["rules"] if r["label"] == label]
    return row


def test_each_lead_is_scored_as_of_its_mql_date(
    suggested: tuple[dict[str, Any], Path, str],
) -> None:
    data, _, _ = suggested
    assert data["leads"] == LEADS and data["excluded"] == []
    assert data["as_of"] == f"each lead as of its {MQL!r}"
    # The blank customer dates are leads that did not buy, and the report says it read them so.
    assert data["notes"][0].startswith(f"{WON} holds dates: a lead with a date there converted")
    demo = _rule(data, "Asked for a demo")
    assert demo["lift"]["low"] <= 1 <= demo["lift"]["high"], demo["lift"]
    assert demo["verdict"] == "no evidence"
    assert 0.15 < demo["fired"] / demo["leads"] < 0.25  # only the demos asked for before
    senior = _rule(data, "Decision maker")
    assert senior["verdict"] == "earns" and senior["lift"]["low"] > 1.5
    assert senior["group"] == "fit"
    size = _rule(data, "number of employees >= 200")
    assert size["verdict"] == "no evidence"
    # Every event was joined to its contact by Record ID.
    assert data["events"]["id_column"] == "Record ID"
    assert data["events"]["unmatched_events"] == 0


def test_scored_at_the_end_of_the_quarter_the_demo_rule_looks_perfect(
    export: tuple[Path, Path, Path],
) -> None:
    rules, leads, events = export
    result = run(
        "assess", rules, leads, "--events", events, "--outcome", WON, "--now", QUARTER_END,
        "--output", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    demo = _rule(data, "Asked for a demo")
    assert demo["verdict"] == "earns" and demo["lift"]["low"] > 3
    assert data["as_of"].startswith("every lead as of 2026-10-01T00:00:00+00:00")


def test_the_suggested_file_is_the_same_file_with_other_numbers(
    export: tuple[Path, Path, Path], suggested: tuple[dict[str, Any], Path, str]
) -> None:
    rules, leads, events = export
    data, new, stderr = suggested
    old_text, new_text = rules.read_text("utf-8"), new.read_text("utf-8")
    assert new_text == data["suggestion"]["text"]
    old_sites, new_sites = number_sites(old_text), number_sites(new_text)
    assert [(s.kind, s.line) for s in old_sites] == [(s.kind, s.line) for s in new_sites]

    def words(text: str, sites: Any) -> list[str]:
        ends = [0, *(p for s in sites for p in (s.start, s.end)), len(text)]
        return [text[ends[i] : ends[i + 1]] for i in range(0, len(ends), 2)]

    assert words(new_text, new_sites) == words(old_text, old_sites)
    assert "# bigger is better, surely" in new_text
    points = {r["label"]: r["suggested"] for r in data["suggestion"]["rules"]}
    assert points["Decision maker"] > abs(points["Asked for a demo"])
    assert points["Decision maker"] > abs(points["number of employees >= 200"])
    assert data["suggestion"]["auc_suggested"] >= data["suggestion"]["auc"] - 0.02
    assert f"Wrote the suggested points to {new}; nothing else changed." in stderr
    assert f"leadrules diff {rules} {new} {leads} --events {events}" in stderr
    # The file compiles and the diff the message names runs on it.
    leadrules.compile(new_text)
    diff = run("diff", rules, new, leads, "--now", QUARTER_END)
    assert diff.exit_code == 0, diff.output
    assert "Stage transitions" in diff.stdout


def test_the_suggested_thresholds_keep_todays_mql_volume(
    suggested: tuple[dict[str, Any], Path, str],
) -> None:
    data, _, _ = suggested
    today = {t["stage"]: t["leads"] for t in data["thresholds"]}
    for stage in data["suggestion"]["stages"]:
        assert stage["leads"] == today[stage["stage"]]
        assert abs(stage["suggested_leads"] - stage["leads"]) <= 0.05 * LEADS


def test_the_text_report_has_every_section_and_the_default_moment(
    export: tuple[Path, Path, Path],
) -> None:
    rules, leads, events = export
    result = run("assess", rules, leads, "--events", events, "--outcome", WON)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith(f"Assessment of {rules} against {WON}\n")
    assert "Scored: each lead as of its 'Create Date' (the default: " in text
    for heading in (
        "Findings",
        "Conversion by stage (the highest stage each lead reached)",
        "Conversion by score band",
        "How well the score ranks leads",
        "At each stage's threshold",
        "Score rules (of 1,200 leads not disqualified",
    ):
        assert heading in text
    assert re.search(r"  AUC 0\.\d\d \(95% CI 0\.\d\d-0\.\d\d\) over \d+ converted", text)
    assert "Suggested points" not in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--as-of", MQL, "--now", QUARTER_END], "--as-of and --now are one or the other"),
        (["--as-of", "MQL Dat"], "--as-of"),
        (["--outcome", "Closed Won"], "--outcome"),
    ],
)
def test_options_that_cannot_work_are_refused(
    export: tuple[Path, Path, Path], extra: list[str], message: str
) -> None:
    rules, leads, _ = export
    args = ["assess", rules, leads, *extra]
    if "--outcome" not in extra:
        args += ["--outcome", WON]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""


def test_a_file_without_a_creation_date_needs_as_of(tmp_path: Path) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text("id,converted,a\n1,yes,yes\n2,no,no\n", encoding="utf-8")
    rules = tmp_path / "r.leadrules"
    rules.write_text("+5 when a\n", encoding="utf-8")
    result = run("assess", rules, leads, "--outcome", "converted")
    assert result.exit_code == 2
    assert "say as of when each lead's decision was made: --as-of COLUMN" in result.stderr
    assert "created at, create date" in result.stderr


def test_a_lead_with_no_row_in_the_events_file_did_nothing(tmp_path: Path) -> None:
    """A lead with an id and no event in --events did nothing (docs/cli.md, Events): its
    event rule is false, not undecided, so it counts among the leads the rule did not fire
    for and leaves no rule undecided (docs/assess.md)."""
    leads = tmp_path / "leads.csv"
    rows = ["id,created,converted"]
    rows += [f"{i},2026-09-01,{'yes' if i % 2 else 'no'}" for i in range(1, 41)]
    leads.write_text("\n".join(rows) + "\n", encoding="utf-8")
    events = tmp_path / "events.csv"
    # Only leads 1-10 (half of them converted) have events: each asked for a demo.
    events.write_text(
        "id,event,at\n" + "".join(f"{i},requested demo,2026-08-30\n" for i in range(1, 11)),
        encoding="utf-8",
    )
    rules = tmp_path / "r.leadrules"
    rules.write_text('+5 when requested demo as "Demo"\nMQL at 5\n', encoding="utf-8")
    result = run(
        "assess", rules, leads, "--events", events, "--outcome", "converted", "--output", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    demo = _rule(data, "Demo")
    assert (demo["leads"], demo["fired"], demo["undecided"]) == (40, 10, 0)
    assert data["fields"] == []
    assert not any("undecided" in finding for finding in data["findings"])


def test_the_suggestion_never_overwrites_the_rules(export: tuple[Path, Path, Path]) -> None:
    rules, leads, _ = export
    before = rules.read_text("utf-8")
    result = run("assess", rules, leads, "--outcome", WON, "--suggest", rules)
    assert result.exit_code == 2
    assert "that is the rules file itself" in result.stderr
    assert rules.read_text("utf-8") == before


def test_too_few_outcomes_to_fit_is_said(tmp_path: Path) -> None:
    leads = tmp_path / "leads.csv"
    rows = "".join(f"{i},2026-07-01,{'yes' if i < 3 else 'no'},yes\n" for i in range(40))
    leads.write_text("id,created,converted,a\n" + rows, encoding="utf-8")
    rules = tmp_path / "r.leadrules"
    rules.write_text("+5 when a\n", encoding="utf-8")
    new = tmp_path / "new.leadrules"
    result = run("assess", rules, leads, "--outcome", "converted", "--suggest", new)
    assert result.exit_code == 2
    assert "no points could be suggested: too few leads to fit points: 3 converted" in (
        result.stderr
    )
    assert not new.exists()
    assert "Assessment of" in result.stdout  # the assessment itself is still printed


def test_without_the_extra_the_command_says_what_to_install(
    export: tuple[Path, Path, Path],
) -> None:
    rules, leads, _ = export
    script = textwrap.dedent(
        """
        import sys
        class Hide:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("numpy", "scipy", "sklearn"):
                    raise ModuleNotFoundError(name)
        sys.meta_path.insert(0, Hide())
        from leadrules.cli import cli
        cli(sys.argv[1:])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "assess", str(rules), str(leads), "--outcome", WON],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert "leadrules assess needs numpy, scipy and scikit-learn" in done.stderr
    assert 'pip install "leadrules[assess]"' in done.stderr


# ------------------------------------------------------------------- --report: the HTML page

LABEL = "<b>x</b> Decision maker"


class _Tables(HTMLParser):
    """The page's tables by id: their rows of cell texts (unescaped, as a reader sees them)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = dict(attrs).get("id") or ""
            self.tables[self._table] = []
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._table is not None and self._in_body:
            self.tables[self._table].append([])
        elif tag == "td" and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _tables(page: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


@pytest.fixture(scope="module")
def reported(
    export: tuple[Path, Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, str, dict[str, Any], str]:
    """One rule file (a label that looks like markup) assessed twice with --report: as text
    and as JSON. The page of each, the text, the JSON, and the stderr of the text run."""
    _, leads, events = export
    folder = tmp_path_factory.mktemp("report")
    marked = folder / "scoring.leadrules"
    marked.write_text(RULES.replace('"Decision maker"', f'"{LABEL}"'), encoding="utf-8")
    common = ["assess", marked, leads, "--events", events, "--outcome", WON, "--as-of", MQL]
    common += ["--suggest", folder / "suggested.leadrules"]
    text_run = run(*common, "--report", folder / "text.html")
    assert text_run.exit_code == 0, text_run.output
    json_run = run(*common, "--report", folder / "json.html", "--output", "json")
    assert json_run.exit_code == 0, json_run.output
    page = (folder / "text.html").read_text("utf-8")
    assert (folder / "json.html").read_text("utf-8").count('<section id="assessment">') == 1
    return page, text_run.stdout, json.loads(json_run.stdout), text_run.stderr


def test_the_report_is_written_with_the_assessment_after_the_scores(
    reported: tuple[str, str, dict[str, Any], str],
) -> None:
    page, _, _, stderr = reported
    assert page.startswith("<!DOCTYPE html>")
    assert "Wrote the assessment's report to " in stderr
    ids = re.findall(r'<section id="([^"]+)">', page)
    assert ids[:3] == ["scores", "assessment", "rules"]
    # The population sections count the leads the assessment scored, as of their MQL dates.
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page)
    assert found is not None
    population = json.loads(found.group(1))["population"]
    assert population["leads"] == LEADS


def test_the_band_table_has_the_numbers_assess_prints(
    reported: tuple[str, str, dict[str, Any], str],
) -> None:
    page, text, data, _ = reported
    bands = _tables(page)["assessment-bands"]
    assert len(bands) == len(data["bands"]) >= 5
    for row, band in zip(bands, data["bands"], strict=True):
        conversion = band["conversion"]
        assert (row[1], row[2]) == (f"{conversion['total']:,}", f"{conversion['count']:,}")
    # ... and each row reads as the text output's line of the same band.
    section = text.split("Conversion by score band")[1].split("\n\n")[0].splitlines()[2:]
    printed = []
    for line in section:
        scores, leads, converted, rate, interval = re.fullmatch(
            r"  (.+?) +([\d,]+) +([\d,]+) +(\S+)  (\S+)", line
        ).groups()  # type: ignore[union-attr]
        printed.append([scores, leads, converted, rate, interval])
    assert bands == printed
    stages = _tables(page)["assessment-stages"]
    assert [r[0] for r in stages] == [s["stage"] for s in data["stages"]]


def test_the_lift_chart_is_an_svg_with_one_bar_per_rule(
    reported: tuple[str, str, dict[str, Any], str],
) -> None:
    page, _, data, _ = reported
    figure = re.search(
        r'<figure class="chart" id="chart-assessment-lift" data-kind="bars" '
        r'data-count="(\d+)">(.*?)</figure>',
        page,
        re.DOTALL,
    )
    assert figure is not None
    assert int(figure.group(1)) == len(data["rules"]) == 3
    svg = figure.group(2)
    assert "<svg" in svg
    bars = set(re.findall(r'id="(assessment-lift-bar-\d+)"', svg))
    assert bars == {f"assessment-lift-bar-{i}" for i in range(3)}
    assert 'id="assessment-lift-intervals' in svg
    # The strongest rule is named in the reading under the chart, escaped.
    assert "the strongest is [fit] &lt;b&gt;x&lt;/b&gt; Decision maker" in figure.group(2)


def test_labels_that_look_like_markup_are_escaped_everywhere(
    reported: tuple[str, str, dict[str, Any], str],
) -> None:
    page, _, _, _ = reported
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt; Decision maker" in page
    rules = _tables(page)["assessment-rules"]
    assert f"[fit] {LABEL}" in [row[1] for row in rules]
    assert page.count("<script") == 1  # the page's data, which is JSON


def test_the_report_sets_todays_points_against_the_suggested(
    reported: tuple[str, str, dict[str, Any], str],
) -> None:
    page, _, data, _ = reported
    suggestion = data["suggestion"]
    points = _tables(page)["assessment-suggested-points"]
    assert [row[0] for row in points] == [str(r["line"]) for r in suggestion["rules"]]
    for row, rule in zip(points, suggestion["rules"], strict=True):
        assert row[2].lstrip("+") == str(rule["points"])
        assert row[3].lstrip("+") == str(rule["suggested"])
    stages = _tables(page)["assessment-suggested-stages"]
    assert [(r[0], r[3], r[4]) for r in stages] == [
        (s["stage"], f"{s['leads']:,}", f"{s['suggested_leads']:,}") for s in suggestion["stages"]
    ]
    auc = f"AUC of {suggestion['auc_suggested']:.2f}, today's with {suggestion['auc']:.2f}"
    assert auc in html.unescape(page)
    assert "The rule file, today and suggested" in page
    assert "# Agreed in the planning meeting." in page  # both files, comments kept


def test_a_plain_report_has_no_assessment_section(tmp_path: Path) -> None:
    from leadrules.assessment import report_section
    from leadrules.report.page import register_section, unregister_section

    def plain() -> str:
        out = tmp_path / "plain.html"
        result = run(
            "report", ROOT / "examples" / "b2b.leadrules", ROOT / "examples" / "leads.jsonl",
            "--now", "2026-11-21", "-o", out,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        return re.sub(r"at \d{4}-\d\d-\d\d \d\d:\d\d UTC", "", out.read_text("utf-8"))

    with_it = plain()
    assert 'id="assessment' not in with_it
    unregister_section(report_section.NAME)
    try:
        assert plain() == with_it
    finally:
        register_section(report_section.NAME, report_section.assessment_section, after="scores")
