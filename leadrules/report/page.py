"""What a report page is made of, and how a section is added to it: the report's one extension
point, kept stable (docs/report.md, "Adding a section", states the contract).

A page is a list of :class:`Section` objects, each an id (its anchor), a title and blocks: a
:class:`~.charts.Chart` (an SVG and its reading in words, made by a function of
:mod:`.charts`), a :class:`Table`, a :class:`Paragraph` or a :class:`SideBySide` pair of
texts. The sections come from *section makers*, functions from the :class:`ReportData` (the
numbers of the population, of the comparison, the lead histories, the file's notes and the
``extras`` a command adds) to a section, or None when they have nothing to say. The built-in
makers are listed in :data:`SECTIONS` (:mod:`.sections` registers them); a new kind of section
is a maker registered with :func:`register_section`, which :func:`build_sections` then calls
in order::

    from leadrules.report.page import Paragraph, Section, register_section

    def assessment(data):
        found = data.extras.get("assessment")
        if found is None:
            return None
        return Section("assessment", "Assessment", (Paragraph(found.summary()),))

    register_section("assessment", assessment, after="rules")

Everything a section holds is data: the page (:mod:`.html`) escapes every text of it; only a
chart's SVG, which matplotlib wrote and escaped, goes in as markup, and the page refuses an
SVG with a script, an event handler or foreign content in it. Two sections with one id, or
two charts with one id, are refused too (:class:`ReportSectionError`): an anchor or a chart
would be lost.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from ..errors import LeadRulesError
from .charts import Chart
from .comparison import Comparison
from .history import History
from .population import Population

__all__ = [
    "SECTIONS",
    "Block",
    "Paragraph",
    "ReportData",
    "ReportSectionError",
    "Section",
    "SectionMaker",
    "SideBySide",
    "Table",
    "build_sections",
    "check_svg",
    "register_section",
    "unregister_section",
]


class ReportSectionError(LeadRulesError):
    """A section maker made a section the page cannot hold (an id used twice, a chart that is
    not a plain SVG)."""


@attrs.frozen(slots=True)
class Table:
    """Rows of text cells under column headings; ``numeric`` columns are aligned right."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: tuple[int, ...] = ()  # indexes of the columns that hold numbers
    id: str = ""
    highlight: tuple[tuple[int, int], ...] = ()  # (row, column) of the cells to bring out
    kind: str = "table"


@attrs.frozen(slots=True)
class Paragraph:
    """A sentence or two."""

    text: str
    kind: str = "paragraph"


@attrs.frozen(slots=True)
class SideBySide:
    """Two texts next to each other (a lead's explanation under the old and the new rules)."""

    heading: str
    left_title: str
    left: str
    right_title: str
    right: str
    notes: tuple[str, ...] = ()  # lines under the heading
    kind: str = "side by side"


Block = Chart | Table | Paragraph | SideBySide


@attrs.frozen(slots=True)
class Section:
    """A part of the page: an id (its anchor), a title and its blocks, in order."""

    id: str
    title: str
    blocks: tuple[Block, ...]
    intro: str = ""

    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]


@attrs.frozen
class ReportData:
    """Everything a section maker may draw on.

    ``population``: the numbers of the leads under the rules (under the new rules when two
    are compared); ``notes``: the file's summary as ``leadrules score --summary-json`` writes
    it (data warnings by field, unknown names, events, rules fired); ``comparison`` and
    ``old_population`` when two rule files are compared; ``histories``: (lead id, its history)
    for the leads asked for; ``extras``: anything a command adds for its own sections."""

    population: Population
    notes: Mapping[str, Any]
    now: dt.datetime
    leads_file: str
    rules_file: str
    comparison: Comparison | None = None
    old_population: Population | None = None
    old_rules_file: str | None = None
    histories: tuple[tuple[str, History], ...] = ()
    extras: Mapping[str, Any] = attrs.field(factory=dict)


SectionMaker = Callable[[ReportData], Section | None]

#: The section makers, in page order: (name, maker).
SECTIONS: list[tuple[str, SectionMaker]] = []


def register_section(name: str, maker: SectionMaker, *, after: str | None = None) -> None:
    """Add a section maker (replacing one of the same name), at the end or right after the
    maker named ``after``."""
    unregister_section(name)
    if after is None:
        SECTIONS.append((name, maker))
        return
    names = [n for n, _ in SECTIONS]
    if after not in names:
        raise ValueError(f"no report section {after!r} (the sections: {', '.join(names)})")
    SECTIONS.insert(names.index(after) + 1, (name, maker))


def unregister_section(name: str) -> None:
    SECTIONS[:] = [(n, m) for n, m in SECTIONS if n != name]


def build_sections(
    data: ReportData, makers: Sequence[tuple[str, SectionMaker]] | None = None
) -> list[Section]:
    """The sections of the page: each maker's (those of :data:`SECTIONS` unless given), in
    order, leaving out those with nothing to say. A maker's exception is not caught: a
    section is never left out silently."""
    if makers is None:
        makers = list(SECTIONS)
    out: list[Section] = []
    sections: dict[str, str] = {}
    charts: dict[str, str] = {}
    for name, maker in makers:
        section = maker(data)
        if section is None:
            continue
        if not isinstance(section, Section):
            raise ReportSectionError(
                f"the report section {name!r} made {type(section).__name__}, not a Section"
            )
        if section.id in sections:
            raise ReportSectionError(
                f"the report sections {sections[section.id]!r} and {name!r} both have the id "
                f"{section.id!r}: give each section its own"
            )
        sections[section.id] = name
        for chart in section.charts():
            if chart.id in charts:
                raise ReportSectionError(
                    f"the report sections {charts[chart.id]!r} and {name!r} both draw a chart "
                    f"with the id {chart.id!r}: give each chart its own"
                )
            charts[chart.id] = name
            check_svg(chart.svg, chart.id)
        out.append(section)
    return out


_UNSAFE_SVG = re.compile(
    r"<\s*(script|foreignobject|iframe|object|embed)\b"  # elements that run or embed
    r"|<[^>]*\son[a-z]+\s*="  # an event handler, inside a tag
    r"|<[^>]*(href|src)\s*=\s*[\"']?\s*(javascript|data|https?):",  # a link that runs or fetches
    re.IGNORECASE,
)


def check_svg(svg: str, chart_id: str) -> str:
    """``svg`` if it is one plain ``<svg>`` picture, as :mod:`.charts` draws them; else
    :class:`ReportSectionError` (the page puts a chart's SVG in as markup, unescaped)."""
    text = svg.strip()
    if not text.startswith("<svg") or not text.endswith("</svg>"):
        raise ReportSectionError(f"the chart {chart_id!r} is not an SVG picture")
    found = _UNSAFE_SVG.search(text)
    if found is not None:
        raise ReportSectionError(
            f"the chart {chart_id!r} has {found.group(0)!r} in its SVG: a chart is drawn by "
            "leadrules.report.charts, never written by hand"
        )
    return svg


# The built-in sections, registered in page order (that module imports this one's names, all
# defined by now).
from . import sections as _builtin  # noqa: E402, F401
