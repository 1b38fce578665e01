"""What only a terminal shows: the progress bar on standard error, and colours; with the rules
for when each is wanted (as asked, else only on a terminal).

Not here: what the bar counts (the leads file, :mod:`.leadfile`), or the text being coloured
(:mod:`leadrules.report`).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from typing import IO, Any

import click

from .base import echo_err
from .inputs import InputFile

__all__ = ["Progress", "color_wanted", "colorize", "progress_wanted"]


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# --------------------------------------------------------------------------- progress


class Progress:
    """A progress bar on standard error (tqdm), shown only when it is a terminal. For a file it
    tracks the bytes read, so the ETA is real; the rate is shown in leads per second."""

    def __init__(self, source: InputFile, enabled: bool, desc: str) -> None:
        self.source = source
        self.desc = desc
        self.leads = 0
        self._bar: Any = None
        self._last = 0.0
        self._start = time.monotonic()
        if not enabled:
            return
        from tqdm import tqdm

        # A terminal that does not report its size (0 x 0, as a bare pseudo-terminal) would get
        # no bar at all from tqdm: give it a size.
        try:
            size = os.get_terminal_size(sys.stderr.fileno())
        except (OSError, ValueError, AttributeError):
            size = os.terminal_size((0, 0))
        sizing: dict[str, Any] = (
            {"dynamic_ncols": True}
            if size.columns > 0 and size.lines > 0
            else {"ncols": shutil.get_terminal_size((80, 24)).columns, "nrows": 24}
        )
        if source.size:
            self._bar = tqdm(
                total=source.size,
                unit="B",
                unit_scale=True,
                desc=desc,
                file=sys.stderr,
                leave=False,
                mininterval=0.25,
                bar_format="{desc} {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]",
                **sizing,
            )
        else:
            self._bar = tqdm(
                unit=" leads",
                desc=desc,
                file=sys.stderr,
                leave=False,
                mininterval=0.25,
                **sizing,
            )

    @property
    def active(self) -> bool:
        return self._bar is not None

    def write(self, text: str) -> None:
        """Print a line on standard error without breaking the bar."""
        if self._bar is not None:
            from tqdm import tqdm

            tqdm.write(text, file=sys.stderr)
        else:
            echo_err(text)

    def step(self) -> None:
        self.leads += 1
        bar = self._bar
        if bar is None:
            return
        if self.source.size:
            now = time.monotonic()
            if now - self._last >= 0.25:
                first = self._last == 0.0
                self._last = now
                rate = self.leads / max(now - self._start, 1e-9)
                bar.set_description_str(
                    f"{self.desc}: {self.leads:,} lead{'' if self.leads == 1 else 's'}, "
                    f"{rate:,.0f} leads/s",
                    refresh=first,
                )
            bar.update(self.source.consumed - bar.n)
        else:
            bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def progress_wanted(flag: bool | None, quiet: bool) -> bool:
    """The progress bar: as asked, else not with ``--quiet``, else only on a terminal."""
    if flag is not None:
        return flag
    if quiet:
        return False
    return _is_terminal(sys.stderr)


# --------------------------------------------------------------------------- colour


def color_wanted(flag: bool | None, stream: IO[str]) -> bool:
    """Colours: as asked, else only on a terminal, never with NO_COLOR set or TERM=dumb."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("TERM", "") == "dumb":
        return False
    return _is_terminal(stream)


_POINTS_LINE = re.compile(r"^(\s*)([+-]\d[\d.]*)(\s.*)$")
_LINE_REF = re.compile(r"\(line \d+\)")


def colorize(text: str) -> str:
    """ANSI colours for an explanation: points green (gains) or red (losses), the headline bold,
    disqualification red, warnings yellow, evidence dim. The text is unchanged otherwise."""
    out: list[str] = []
    section = ""
    for index, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if index == 0:
            if "DISQUALIFIED" in line:
                head, _, tail = line.partition("DISQUALIFIED")
                out.append(
                    click.style(head, bold=True)
                    + click.style("DISQUALIFIED", fg="red", bold=True)
                    + click.style(tail, bold=True)
                )
            else:
                out.append(click.style(line, bold=True))
            continue
        if line and not line.startswith(" "):
            section = stripped
            color = (
                "red"
                if stripped.startswith("Disqualified")
                else "yellow"
                if stripped.startswith(("Warnings", "Could not decide"))
                else None
            )
            out.append(click.style(line, fg=color, bold=True))
            continue
        match = _POINTS_LINE.match(line)
        if match and not section.startswith(("Disqualified", "Warnings", "Could not")):
            indent, points, rest = match.groups()
            color = "red" if points.startswith("-") else "green"
            rest = _LINE_REF.sub(lambda m: click.style(m.group(0), dim=True), rest)
            out.append(indent + click.style(points, fg=color, bold=True) + rest)
            continue
        if stripped.startswith("because"):
            out.append(click.style(line, dim=True))
            continue
        if section.startswith("Warnings") and stripped:
            out.append(click.style(line, fg="yellow"))
            continue
        out.append(line)
    return "\n".join(out)
