"""The report's extension point (leadrules.report.page): a section registered by another part
of leadrules (or a user) is on the page where it asked to be, fed by the data its command put
in ``extras``, escaped like every other text; a section with nothing to say is left out; a
section or chart that would break the page is refused with a message naming it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import leadrules
from leadrules.report import charts
from leadrules.report.html import render_report
from leadrules.report.page import (
    SECTIONS,
    Paragraph,
    ReportData,
    ReportSectionError,
    Section,
    Table,
    build_sections,
    register_section,
    unregister_section,
)
from leadrules.report.population import Population

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc)
RULES = """\
+30 when requested demo as "requested demo"
+10 when country = "GB"
disqualify when email ends with "@example.com" because "test address"
MQL at 30
"""
LEADS = [
    {"id": "A", "requested demo": True, "country": "GB", "email": "a@acme.co.uk"},
    {"id": "B", "requested demo": False, "country": "GB", "email": "b@acme.co.uk"},
    {"id": "C", "requested demo": True, "country": "FR", "email": "c@example.com"},
]


def report_data(extras: dict[str, object] | None = None) -> ReportData:
    rules = leadrules.compile(RULES, filename="small.leadrules")
    population = Population(rules.checked)
    results = rules.evaluate_many(LEADS, NOW)
    for number, (lead, result) in enumerate(zip(LEADS, results, strict=True), 1):
        population.add(result, str(lead["id"]), number)
    return ReportData(population, {}, NOW, "leads.jsonl", "small.leadrules", extras=extras or {})


def conversion(data: ReportData) -> Section | None:
    """A section as `leadrules assess` might add one: its numbers come in extras."""
    found = data.extras.get("conversion")
    if found is None:
        return None
    assert isinstance(found, dict)
    rows = tuple((str(stage), f"{rate:.0%}") for stage, rate in found.items())
    return Section(
        "conversion",
        "Conversion <by stage>",
        (
            Paragraph(f"Of {data.population.leads} leads, the MQLs converted most."),
            Table(("stage", "converted"), rows, numeric=(1,), id="conversion-table"),
        ),
    )


@pytest.fixture
def registered() -> Iterator[None]:
    before = list(SECTIONS)
    register_section("conversion", conversion, after="rules")
    try:
        yield
    finally:
        unregister_section("conversion")
        assert before == SECTIONS


def section_ids(page: str) -> list[str]:
    return re.findall(r'<section id="([^"]+)">', page)


def test_a_registered_section_is_placed_after_the_one_it_names(registered: None) -> None:
    page = render_report(report_data({"conversion": {"MQL": 0.5, "<script>": 0.25}}))
    ids = section_ids(page)
    assert ids[ids.index("rules") + 1] == "conversion"
    assert '<a href="#conversion">Conversion &lt;by stage&gt;</a>' in page
    assert "Of 3 leads, the MQLs converted most." in page
    table = re.search(r'<table id="conversion-table">(.*?)</table>', page, re.DOTALL)
    assert table is not None
    assert re.findall(r"<td[^>]*>([^<]*)</td>", table.group(1)) == [
        "MQL",
        "50%",
        "&lt;script&gt;",
        "25%",
    ]
    assert "<script>" not in page.replace('<script type="application/json"', "")


def test_without_its_data_a_section_is_left_out(registered: None) -> None:
    page = render_report(report_data())
    assert "conversion" not in section_ids(page)
    assert section_ids(page)[:2] == ["scores", "rules"]


def test_registering_again_replaces_and_an_unknown_place_is_refused(registered: None) -> None:
    register_section("conversion", conversion)  # now at the end
    assert [name for name, _ in SECTIONS][-1] == "conversion"
    with pytest.raises(ValueError, match=r"no report section 'nope' \(the sections: scores, "):
        register_section("other", conversion, after="nope")
    assert "other" not in [name for name, _ in SECTIONS]


def test_two_sections_with_one_id_are_refused() -> None:
    data = report_data()

    def twin(data: ReportData) -> Section:
        return Section("rules", "Rules again", (Paragraph("again"),))

    with pytest.raises(ReportSectionError, match="'rules' and 'twin' both have the id 'rules'"):
        build_sections(data, [*SECTIONS, ("twin", twin)])


def test_a_chart_not_drawn_by_the_chart_functions_is_refused() -> None:
    data = report_data()
    drawn = charts.bar_chart("lift", ["requested demo"], [2.5], "Demo requests convert more.")
    assert build_sections(data, [("lift", lambda d: Section("lift", "Lift", (drawn,)))])
    for svg in (
        "<svg><script>alert(1)</script></svg>",
        '<svg><rect onclick="alert(1)"/></svg>',
        '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>',
        "<svg><foreignObject><div>x</div></foreignObject></svg>",
        '<img src=x onerror="alert(1)">',
    ):
        forged = charts.Chart("forged", svg, "a reading", "bars", 1)
        with pytest.raises(ReportSectionError, match="the chart 'forged'"):
            build_sections(data, [("forged", lambda d, c=forged: Section("f", "F", (c,)))])


def test_a_label_that_looks_like_markup_is_text_in_the_svg() -> None:
    drawn = charts.bar_chart(
        "labels", ['<img src=x onerror="alert(1)">', "$2.5M revenue"], [1, 2], "Two rules."
    )
    data = report_data()
    (section,) = build_sections(data, [("x", lambda d: Section("x", "X", (drawn,)))])
    assert section.charts() == [drawn]
    assert "&lt;img src=x onerror=" in drawn.svg and "<img" not in drawn.svg
    assert "$2.5M revenue" in drawn.svg


def test_a_bar_chart_can_draw_an_interval_across_each_bar() -> None:
    # The lift of each rule with its confidence interval, as an assessment section draws it:
    # one segment per bar, from the interval's low end to its high end.
    lifts = [1.5, 0.8, 2.0]
    intervals = [(1.1, 1.9), (0.5, 1.2), (1.2, 3.1)]
    drawn = charts.bar_chart("lift", ["a", "b", "c"], lifts, "Lifts.", intervals=intervals)
    assert drawn.count == 3
    group = re.search(r'<g id="lift-intervals">(.*?)</g>', drawn.svg, re.DOTALL)
    assert group is not None
    segments = re.findall(r'<path d="M ([\d.]+) ([\d.]+) \s*L ([\d.]+) ([\d.]+)', group.group(1))
    assert len(segments) == 3
    lengths = [float(x2) - float(x1) for x1, y1, x2, y2 in segments]
    assert all(y1 == y2 for _, y1, _, y2 in segments)  # across, not up
    # drawn to one scale: the lengths are in the ratio of the intervals' widths
    widths = [high - low for low, high in intervals]
    assert [round(n / lengths[0], 2) for n in lengths] == [round(w / widths[0], 2) for w in widths]
    with pytest.raises(ValueError, match="2 intervals for 3 bars"):
        charts.bar_chart("lift", ["a", "b", "c"], lifts, "Lifts.", intervals=intervals[:2])
