"""The numbers of a population (leadrules.report.population): worked out by hand on a small
file, equal to what `leadrules score` says on the example files, the same from Result objects
and from plain rows of a table, and the same whole or merged from shards.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import leadrules
from leadrules.cli import cli
from leadrules.report.population import Population, one_line_reason

ROOT = Path(__file__).resolve().parents[2]
B2B = ROOT / "examples" / "b2b.leadrules"
LEADS = ROOT / "examples" / "leads.jsonl"
NOW = dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc)

RULES = """\
group fit max 30:
    +20 when job title contains "director" as "Director"
    +15 when company size >= 100 as "Big company"
+2 per page views, up to 10 as "Page views"
-5 when budget is missing as "No budget"
disqualify when country != "GB" because "Outside the UK"
MQL at 20
SQL at 40 when requested demo
"""

LEADS_BY_HAND: list[dict[str, Any]] = [
    # a: director + big = 35, capped at 30 (limit bit, -5); 8 views = 16 -> 10 (capped);
    #    budget given; demo: 40, SQL
    {
        "id": "a",
        "job title": "Director",
        "company size": 500,
        "page views": 8,
        "budget": 1000,
        "country": "GB",
        "requested demo": True,
    },
    # b: director 20; 2 views 4; no budget -5: 19, no stage
    {"id": "b", "job title": "Sales Director", "page views": 2, "country": "GB"},
    # c: big 15; no budget -5; outside the UK: 10, disqualified; company size unreadable? no
    {"id": "c", "company size": 900, "country": "FR"},
    # d: size unreadable (undecided: Big company), title missing (undecided: Director),
    #    country missing (disqualify undecided), no budget -5: -5, no stage
    {"id": "d", "company size": "lots"},
    # e: director 20, 3 views 6, budget given: 26, MQL (no demo: not SQL)
    {"id": "e", "job title": "director", "page views": 3, "budget": 5, "country": "GB"},
]


def _population(rules: leadrules.RuleSet, leads: list[dict[str, Any]], top: int = 3) -> Population:
    pop = Population(rules.checked, top=top)
    for number, (lead, result) in enumerate(
        zip(leads, rules.evaluate_many(leads, NOW), strict=True), 1
    ):
        pop.add(result, str(lead.get("id", f"#{number}")), number)
    return pop


def test_the_numbers_of_a_small_file_worked_out_by_hand() -> None:
    rules = leadrules.compile(RULES, filename="hand.leadrules")
    pop = _population(rules, LEADS_BY_HAND)
    data = pop.to_dict()
    assert data["leads"] == 5
    assert data["stages"] == {"SQL": 1, "MQL": 1, "no stage": 2, "disqualified": 1}
    # all 5; not disqualified 4; MQL or higher: a and e; SQL: a
    assert data["funnel"] == {"all leads": 5, "not disqualified": 4, "MQL or higher": 2, "SQL": 1}
    rules_by_label = {r["label"]: r for r in data["rules"]}
    director = rules_by_label["Director"]
    assert (director["leads"], director["points"]) == (3, 60)  # a, b, e
    assert director["undecided"] == 2  # c and d have no job title
    assert director["undecided_fields"] == [{"field": "job title", "why": "missing", "leads": 2}]
    big = rules_by_label["Big company"]
    # fired for a and c; undecided for b and e (no size) and d ("lots" is not a number)
    assert (big["leads"], big["points"], big["undecided"]) == (2, 30, 3)
    assert big["undecided_fields"] == [
        {"field": "company size", "why": "missing", "leads": 2},
        {"field": "company size", "why": "unreadable", "leads": 1},
    ]
    views = rules_by_label["Page views"]
    # 10 (16 capped) + 4 + 6; c and d have no page views
    assert (views["leads"], views["points"], views["capped"], views["undecided"]) == (3, 20, 1, 2)
    budget = rules_by_label["No budget"]
    assert (budget["leads"], budget["points"]) == (3, -15)  # b, c, d
    # all points moved: 60 + 30 + 20 + 15 = 125; the director rule's share is 60/125
    assert director["share_of_points"] == 0.48
    outside = rules_by_label["disqualify: Outside the UK"]
    assert (outside["leads"], outside["undecided"]) == (1, 1)  # c fired, d unknown
    assert data["disqualification_reasons"] == {"Outside the UK": 1}
    fit = data["groups"]["fit"]
    assert (fit["hit_max"], fit["hit_min"], fit["points_cut"]) == (1, 0, 5)
    assert (fit["subtotals"]["min"], fit["subtotals"]["max"]) == (0, 30)  # d 0, a 30
    # the top three: a 40, e 26, b 19
    assert [(t["id"], t["score"], t["stage"]) for t in data["top_leads"]] == [
        ("a", 40, "SQL"),
        ("e", 26, "MQL"),
        ("b", 19, "(no stage)"),
    ]
    assert data["top_leads"][0]["reason"] == "+20 Director; +15 Big company; +10 Page views"
    sql = rules_by_label["SQL at 40 when requested demo"]
    assert (sql["kind"], sql["undecided"]) == ("stage", 4)  # only a says whether it asked
    assert data["undecided_leads"] == 4  # all but a miss something
    assert data["scores"]["count"] == 5 and data["scores"]["min"] == -5


def test_a_disqualified_lead_is_explained_by_its_reasons() -> None:
    rules = leadrules.compile(RULES)
    result = rules.evaluate(LEADS_BY_HAND[2], NOW)
    assert one_line_reason(result) == "disqualified: Outside the UK"
    assert one_line_reason(rules.evaluate({"country": "GB", "budget": 1}, NOW)) == (
        "no rule gave points"
    )


def _summary_json(tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "summary.json"
    result = CliRunner().invoke(
        cli,
        [
            "score",
            str(B2B),
            str(LEADS),
            "--now",
            NOW.isoformat(),
            "--quiet",
            "--summary-json",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return data


def test_the_numbers_equal_what_score_says_about_the_example_files(tmp_path: Path) -> None:
    summary = _summary_json(tmp_path)
    rules = leadrules.load(B2B)
    leads = [json.loads(line) for line in LEADS.read_text("utf-8").splitlines()]
    data = _population(rules, leads).to_dict()
    assert data["leads"] == summary["leads"] == 60
    assert data["stages"] == summary["stages"]
    fired = {(r["line"], r["column"]): r["leads"] for r in summary["rules_fired"]}
    ours = {(r["line"], r["column"]): r["leads"] for r in data["rules"] if r["kind"] != "stage"}
    assert ours == fired
    assert data["leads_with_warnings"] == summary["data_warnings"]["leads"]
    assert data["warnings"] == summary["data_warnings"]["total"]


@attrs.frozen
class Row:
    """A scored lead as a table engine would return it: plain fields, no Result."""

    score: Decimal
    stage: str | None
    disqualified: bool
    contributions: tuple[Any, ...]
    disqualifications: tuple[Any, ...]
    undecided: tuple[Any, ...]
    groups: dict[str, Decimal]
    warnings: tuple[str, ...]


@attrs.frozen
class Part:
    points: Decimal
    label: str
    group: str | None
    line: int
    column: int
    kind: str
    uncapped_points: Decimal | None = None


def _row(result: leadrules.Result) -> Row:
    return Row(
        result.score,
        result.stage,
        result.disqualified,
        tuple(
            Part(c.points, c.label, c.group, c.line, c.column, c.kind, c.uncapped_points)
            for c in result.contributions
        ),
        tuple(result.disqualifications),
        tuple(result.undecided),
        dict(result.groups),
        tuple(result.warnings),
    )


def test_rows_of_a_table_with_the_same_fields_give_the_same_numbers() -> None:
    rules = leadrules.load(B2B)
    leads = [json.loads(line) for line in LEADS.read_text("utf-8").splitlines()]
    from_results = _population(rules, leads)
    from_rows = Population(rules.checked, top=3)
    for number, (lead, result) in enumerate(
        zip(leads, rules.evaluate_many(leads, NOW), strict=True), 1
    ):
        from_rows.add(_row(result), lead["id"], number)
    assert from_rows.to_dict() == from_results.to_dict()


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=60))
def test_shards_merged_give_the_numbers_of_the_whole(cut: int) -> None:
    rules = leadrules.load(B2B)
    leads = [json.loads(line) for line in LEADS.read_text("utf-8").splitlines()]
    results = list(rules.evaluate_many(leads, NOW))
    whole = Population(rules.checked, top=5)
    first, second = Population(rules.checked, top=5), Population(rules.checked, top=5)
    for number, result in enumerate(results, 1):
        whole.add(result, leads[number - 1]["id"], number)
        (first if number <= cut else second).add(result, leads[number - 1]["id"], number)
    first.merge(second)
    assert first.to_dict() == whole.to_dict()
