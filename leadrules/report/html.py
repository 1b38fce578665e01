"""The report as one self-contained HTML file: the sections (:mod:`.page`) put into a Jinja2
template with autoescaping, the charts' SVG inline, the styles inline, and no script, font or
picture fetched from anywhere (a Content-Security-Policy says so to the browser as well). The
page's numbers are also in it as JSON (``<script type="application/json" id="report-data">``,
escaped by Jinja2's ``tojson``), for tools.

Every text of a section, lead ids and rule labels included, is escaped by the template
engine; the only markup that goes in as it is, is a chart's SVG, which matplotlib wrote (and
escaped the labels of). Jinja2 is an optional dependency, with matplotlib:
``pip install "leadrules[report]"``.

Not here: the numbers (:mod:`.population`, ...), the sections (:mod:`.sections`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .charts import INSTALL_HINT, ReportUnavailable
from .page import ReportData, Section, build_sections, check_svg

__all__ = ["render_html", "render_report"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _environment() -> Any:
    try:
        import jinja2
        import markupsafe
    except ImportError as exc:
        raise ReportUnavailable(
            f"the report is written with Jinja2, which is not installed: {INSTALL_HINT}"
        ) from exc
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every value is escaped, whatever the template's name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # A chart's SVG, written by matplotlib: the one text that goes in as markup, checked.
    env.filters["svg"] = lambda chart: markupsafe.Markup(check_svg(chart.svg, chart.id))
    return env


def render_html(
    sections: Sequence[Section],
    *,
    title: str,
    header_lines: Sequence[str] = (),
    cards: Sequence[tuple[str, str]] = (),
    data: Mapping[str, Any] | None = None,
) -> str:
    """The page: ``sections`` under a header (``title``, ``header_lines``) and a row of
    ``cards`` (a number and what it counts); ``data`` goes in as JSON."""
    from .. import __version__

    env = _environment()
    template = env.get_template("report.html.j2")
    text: str = template.render(
        title=title,
        header_lines=list(header_lines),
        cards=list(cards),
        sections=list(sections),
        data=dict(data or {}),
        version=__version__,
        made=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )
    return text


def render_report(data: ReportData, title: str | None = None) -> str:
    """The whole report of :class:`.page.ReportData`: every registered section."""
    _environment()  # say what to install before any chart is drawn
    sections = build_sections(data)
    pop = data.population
    lines = [f"Rules: {data.rules_file}"]
    if data.old_rules_file is not None:
        lines = [f"Old rules: {data.old_rules_file}", f"New rules: {data.rules_file}"]
    lines.append(f"Leads: {data.leads_file}, scored at {data.now.isoformat()}")
    events = data.notes.get("events")
    if events:
        lines.append(f"Events: {events.get('file')} ({events.get('events', 0):,} events)")
    from .population import share_text

    cards = [
        (f"{pop.leads:,}", "leads scored"),
        (f"{pop.qualified:,}", f"qualified ({share_text(pop.qualified, pop.leads)})"),
        (f"{pop.disqualified:,}", f"disqualified ({share_text(pop.disqualified, pop.leads)})"),
        (f"{pop.leads_with_warnings:,}", "leads with data warnings"),
    ]
    if data.comparison is not None:
        cards.append((f"{data.comparison.changed:,}", "leads the change moves"))
    payload: dict[str, Any] = {"population": pop.to_dict(), "notes": dict(data.notes)}
    if data.comparison is not None:
        payload["comparison"] = data.comparison.to_dict()
    if data.old_population is not None:
        payload["old_population"] = data.old_population.to_dict()
    if data.histories:
        payload["histories"] = {lead: h.to_dict() for lead, h in data.histories}
    payload["charts"] = {
        chart.id: {"kind": chart.kind, "count": chart.count}
        for section in sections
        for chart in section.charts()
    }
    heading = title or f"Lead scoring report: {Path(data.rules_file).name}"
    return render_html(sections, title=heading, header_lines=lines, cards=cards, data=payload)
