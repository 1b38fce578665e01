"""The report's charts as SVG text, drawn by matplotlib's SVG backend (no network, no script:
the picture is the file). Each chart names what it draws: every bar is an SVG group whose id
is ``CHART-bar-N`` and the points of a line ``CHART-points``, so that a test (or a person with
the browser's inspector) can count them.

matplotlib is an optional dependency (``pip install "leadrules[report]"``), imported when a
chart is drawn: without it, drawing raises :class:`ReportUnavailable`, a
:class:`leadrules.LeadRulesError` that says what to install. Labels are drawn as text, never
read as mathematics (a ``$`` in a rule's label stays a ``$``), and matplotlib escapes them
for SVG.

Not here: the numbers (:mod:`.population`, :mod:`.comparison`, :mod:`.history`), the page
(:mod:`.html`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..errors import LeadRulesError
from ..lang.decimal_text import number_text
from .histogram import Bin, Mark

__all__ = [
    "Chart",
    "ReportUnavailable",
    "bar_chart",
    "histogram_chart",
    "require_matplotlib",
    "timeline_chart",
]

INSTALL_HINT = 'pip install "leadrules[report]"'


class ReportUnavailable(LeadRulesError):
    """The report needs a library that is not installed."""


def require_matplotlib() -> Any:
    """The matplotlib modules the charts use; :class:`ReportUnavailable` without them."""
    try:
        import matplotlib
        from matplotlib.backends.backend_svg import FigureCanvasSVG
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ReportUnavailable(
            f"the report draws its charts with matplotlib, which is not installed: {INSTALL_HINT}"
        ) from exc
    return matplotlib, Figure, FigureCanvasSVG


#: Colours: the outcomes from worst to best, points given and taken.
GREY = "#9e9e9e"
PALE = "#cfd8dc"
STAGE_COLOURS = ("#90caf9", "#42a5f5", "#1e88e5", "#1565c0", "#0d47a1", "#082f6b")
GAIN = "#2e7d32"
LOSS = "#c62828"
INK = "#37474f"
MARK = "#e65100"

_STYLE = {
    "svg.fonttype": "none",  # text stays text: small, sharp, searchable
    "text.parse_math": False,  # "$2.5M" in a label is money, not mathematics
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#b0bec5",
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}


_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)


@attrs.frozen(slots=True)
class Chart:
    """A drawn chart: its id in the page, the SVG, the reading in words under it, and how
    many bars (or points) it draws."""

    id: str
    svg: str
    reading: str
    kind: str  # "bars" or "points"
    count: int
    title: str = ""


def _svg(figure: Any, canvas_class: Any, chart_id: str) -> str:
    canvas_class(figure)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    start = text.find("<svg")
    svg = _METADATA.sub("", text[start:], count=1)  # who made it: the page says so
    # Sized by the page (CSS), drawn at its own proportions.
    return svg.replace("<svg ", f'<svg role="img" aria-label="{chart_id}" ', 1)


def _figure(chart_id: str, width: float, height: float) -> tuple[Any, Any, Any, Any]:
    matplotlib, figure_class, canvas_class = require_matplotlib()
    context = matplotlib.rc_context({**_STYLE, "svg.hashsalt": chart_id})
    context.__enter__()
    figure = figure_class(figsize=(width, height))
    return context, figure, figure.add_subplot(), canvas_class


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    chart_id: str,
    labels: Sequence[str],
    values: Sequence[Decimal | int | float],
    reading: str,
    *,
    axis_label: str = "",
    colours: Sequence[str] | None = None,
    title: str = "",
    value_text: Sequence[str] | None = None,
    intervals: Sequence[tuple[float, float]] | None = None,
) -> Chart:
    """Horizontal bars, one per label, top to bottom; each bar's value is written at its end
    (``value_text``, or the value). ``intervals``: a (low, high) per bar, drawn as an error
    bar across its end (a confidence interval; the group ``CHART-intervals``)."""
    height = max(1.4, 0.32 * len(labels) + 0.8)
    context, figure, axes, canvas = _figure(chart_id, 7.5, height)
    try:
        numbers = [float(v) for v in values]
        positions = list(range(len(labels)))[::-1]
        fills = list(colours) if colours else [STAGE_COLOURS[2]] * len(labels)
        bars = axes.barh(positions, numbers, color=fills, height=0.7)
        texts = list(value_text) if value_text else [_number(v) for v in values]
        if intervals is not None and len(intervals) != len(numbers):
            raise ValueError(f"{len(intervals)} intervals for {len(numbers)} bars")
        for i, (bar, text) in enumerate(zip(bars, texts, strict=True)):
            bar.set_gid(f"{chart_id}-bar-{i}")
            width = bar.get_width()
            if intervals is not None:  # the text goes beyond the interval, not across it
                low_end, high_end = (float(x) for x in intervals[i])
                width = max(width, high_end) if width >= 0 else min(width, low_end)
            axes.annotate(
                text,
                (width, bar.get_y() + bar.get_height() / 2),
                xytext=(3 if width >= 0 else -3, 0),
                textcoords="offset points",
                ha="left" if width >= 0 else "right",
                va="center",
                color=INK,
            )
        axes.set_yticks(positions, [_short(label) for label in labels])
        axes.axvline(0, color="#b0bec5", linewidth=0.8)
        if axis_label:
            axes.set_xlabel(axis_label)
        low = min([0.0, *numbers])
        high = max([0.0, *numbers])
        if intervals is not None:
            spans = [(float(a), float(b)) for a, b in intervals]
            errors = [
                [max(0.0, v - a) for v, (a, _) in zip(numbers, spans, strict=True)],
                [max(0.0, b - v) for v, (_, b) in zip(numbers, spans, strict=True)],
            ]
            drawn = axes.errorbar(
                numbers, positions, xerr=errors, fmt="none", ecolor=INK, capsize=3, linewidth=1
            )
            for artist in drawn.lines[2]:
                artist.set_gid(f"{chart_id}-intervals")
            low = min([low, *(a for a, _ in spans)])
            high = max([high, *(b for _, b in spans)])
        pad = (high - low) * 0.15 or 1.0
        axes.set_xlim(low - (pad if low < 0 else 0), high + pad)
        return Chart(chart_id, _svg(figure, canvas, chart_id), reading, "bars", len(bars), title)
    finally:
        context.__exit__(None, None, None)


def histogram_chart(
    chart_id: str,
    bins: Sequence[Bin],
    reading: str,
    *,
    series: Sequence[tuple[str, str, Sequence[int]]] = (),
    marks: Sequence[Mark] = (),
    axis_label: str = "score",
    title: str = "",
) -> Chart:
    """Vertical bars over ``bins``; with ``series`` ((name, colour, a count per bin), bottom
    first) each bin is a stack of them. Every ``mark`` is a dashed line with its label. Only
    bars with leads are drawn (an empty bin is a gap)."""
    context, figure, axes, canvas = _figure(chart_id, 7.5, 3.2)
    try:
        if not series:
            series = (("leads", STAGE_COLOURS[2], [b.count for b in bins]),)
        lefts = [float(b.low) for b in bins]
        widths = [float(b.high - b.low) for b in bins]
        bottoms = [0] * len(bins)
        drawn = 0
        for name, colour, counts in series:
            shown = [i for i, n in enumerate(counts) if n]
            if shown:
                bars = axes.bar(
                    [lefts[i] for i in shown],
                    [counts[i] for i in shown],
                    width=[widths[i] * 0.96 for i in shown],
                    bottom=[bottoms[i] for i in shown],
                    align="edge",
                    color=colour,
                    label=name,
                )
                for bar in bars:
                    bar.set_gid(f"{chart_id}-bar-{drawn}")
                    drawn += 1
            for i, n in enumerate(counts):
                bottoms[i] += n
        top = max(bottoms) if bottoms else 1
        for mark in marks:
            axes.axvline(float(mark.value), color=MARK, linestyle="--", linewidth=1)
            axes.annotate(
                f"{mark.label} {number_text(mark.value)}",
                (float(mark.value), top),
                xytext=(3, 0),
                textcoords="offset points",
                color=MARK,
                va="top",
                rotation=90,
            )
        if bins:
            span = [float(bins[0].low), float(bins[-1].high)]
            for mark in marks:
                span = [min(span[0], float(mark.value)), max(span[1], float(mark.value))]
            pad = (span[1] - span[0]) * 0.02
            axes.set_xlim(span[0] - pad, span[1] + pad)
        axes.set_ylim(0, max(1, top) * 1.08)
        axes.set_xlabel(axis_label)
        axes.set_ylabel("leads")
        if len(series) > 1:
            axes.legend(frameon=False, loc="upper left", fontsize=8)
        return Chart(chart_id, _svg(figure, canvas, chart_id), reading, "bars", drawn, title)
    finally:
        context.__exit__(None, None, None)


def timeline_chart(
    chart_id: str,
    times: Sequence[dt.datetime],
    scores: Sequence[Decimal],
    changed: Sequence[int],
    reading: str,
    *,
    marks: Sequence[Mark] = (),
    notes: Sequence[str] = (),
    title: str = "",
) -> Chart:
    """A score over time as steps; a point (numbered as ``notes``) where it changed
    (``changed``: indexes into ``times``), and a dashed line at each mark."""
    context, figure, axes, canvas = _figure(chart_id, 7.5, 3.2)
    try:
        values = [float(s) for s in scores]
        axes.step(times, values, where="post", color=STAGE_COLOURS[3], linewidth=1.5)
        (points,) = axes.plot(
            [times[i] for i in changed],
            [values[i] for i in changed],
            linestyle="none",
            marker="o",
            markersize=5,
            color=STAGE_COLOURS[4],
        )
        points.set_gid(f"{chart_id}-points")
        for number, i in enumerate(changed, 1):
            axes.annotate(
                str(number),
                (times[i], values[i]),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                color=INK,
                fontsize=7,
            )
        for mark in marks:
            axes.axhline(float(mark.value), color=MARK, linestyle="--", linewidth=1)
            axes.annotate(
                f"{mark.label} {number_text(mark.value)}",
                (0, float(mark.value)),
                xycoords=("axes fraction", "data"),
                xytext=(2, 2),
                textcoords="offset points",
                color=MARK,
            )
        axes.set_ylabel("score")
        figure.autofmt_xdate()
        return Chart(
            chart_id, _svg(figure, canvas, chart_id), reading, "points", len(changed), title
        )
    finally:
        context.__exit__(None, None, None)


def _number(value: Decimal | int | float) -> str:
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}"
    return f"{int(value):,}"
