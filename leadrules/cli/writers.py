"""How ``leadrules score`` writes each scored lead: a table for people, JSON Lines or CSV for
tools (the leads' own id header, the columns kept with ``--keep``, each group's points and a
one-cell breakdown of the points, ready to import back into the CRM); and the stage label and
short note a row shows.

Output is plain text with a fixed layout, so that two runs can be compared with ``diff``. Not
here: the totals after the rows (:mod:`.summary`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ..lang.decimal_text import number_text, signed_number_text
from ..result import Result, json_number, json_value
from .base import counted

__all__ = [
    "DISQUALIFIED",
    "NO_STAGE",
    "WRITERS",
    "CsvWriter",
    "JsonlWriter",
    "ScoreWriter",
    "TableWriter",
    "breakdown",
    "cell_text",
    "make_writer",
    "note_for",
    "stage_label",
]

NO_STAGE = "(no stage)"
DISQUALIFIED = "(disqualified)"


def stage_label(result: Result) -> str:
    if result.disqualified:
        return DISQUALIFIED
    return result.stage if result.stage is not None else NO_STAGE


def note_for(result: Result) -> str:
    """A short note for a table row: why disqualified, what the next stage needs, warnings."""
    notes: list[str] = []
    if result.disqualified:
        notes.append("; ".join(d.reason for d in result.disqualifications))
    elif result.next_stage is not None and result.points_to_next_stage is not None:
        if result.points_to_next_stage > 0:
            notes.append(f"{number_text(result.points_to_next_stage)} to {result.next_stage}")
        else:
            notes.append(f"{result.next_stage}: condition not met")
    if result.warnings:
        notes.append(counted(len(result.warnings), "data warning"))
    return "; ".join(notes)


def breakdown(result: Result) -> str:
    """The points in one cell, in the order they were given: ``+30 requested demo; +20
    decision maker; -10 group fit limited to max 50``."""
    parts: list[str] = []
    for c in result.contributions:
        label = c.label
        if c.kind == "clamp":
            for clamp in result.clamps:
                if clamp.kind in ("group max", "group min") and clamp.target == c.group:
                    word = clamp.kind.split()[1]
                    label = f"group {c.group} limited to {word} {number_text(clamp.limit)}"
                    break
        parts.append(f"{signed_number_text(c.points)} {label}")
    return "; ".join(parts)


def cell_text(value: Any) -> str:
    """A lead's value in a CSV cell: text as it is, nothing for missing, numbers and yes/no
    as JSON writes them, lists and objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    plain = json_value(value)
    if isinstance(plain, str):
        return plain
    return json.dumps(plain, ensure_ascii=False)


class ScoreWriter:
    """Writes one line (or record) per scored lead to ``write``. ``id_header``: the name of
    the id column; ``keep``: the headers of the leads' columns carried through (their values
    are given to :meth:`lead`); ``groups``: the rules' groups, in order."""

    def __init__(
        self,
        write: Callable[[str], None],
        explain: bool,
        *,
        id_header: str = "id",
        keep: Sequence[str] = (),
        groups: Sequence[str] = (),
    ) -> None:
        self.write = write
        self.explain = explain
        self.id_header = id_header
        self.keep = tuple(keep)
        self.groups = tuple(groups)

    def start(self) -> None:
        """Called once, before the first lead."""

    def lead(self, label: str, where: str, result: Result, kept: Sequence[Any] = ()) -> None:
        raise NotImplementedError


class TableWriter(ScoreWriter):
    """``ID  SCORE  STAGE  NOTE`` in fixed-width columns (a long id pushes its row along)."""

    def start(self) -> None:
        self.write(self._row("ID", "SCORE", "STAGE", "NOTE"))

    @staticmethod
    def _row(label: str, score: str, stage: str, note: str) -> str:
        return f"{label:<12} {score:>8}  {stage:<15} {note}".rstrip()

    def lead(self, label: str, where: str, result: Result, kept: Sequence[Any] = ()) -> None:
        self.write(
            self._row(label, number_text(result.score), stage_label(result), note_for(result))
        )
        if self.explain:
            for line in result.explain().rstrip("\n").split("\n"):
                self.write(("    " + line).rstrip())
            self.write("")


def _summary_dict(label: str, where: str, result: Result) -> dict[str, Any]:
    return {
        "id": label,
        "source": where,
        "score": json_number(result.score),
        "stage": result.stage,
        "qualified": result.qualified,
        "disqualified": result.disqualified,
        "reasons": [d.reason for d in result.disqualifications],
        "next_stage": result.next_stage,
        "points_to_next_stage": None
        if result.points_to_next_stage is None
        else json_number(result.points_to_next_stage),
        "warnings": list(result.warnings),
    }


class JsonlWriter(ScoreWriter):
    """One JSON object per lead; ``--explain`` adds ``explanation`` (text) and ``result`` (every
    detail, as ``Result.to_dict()``)."""

    def lead(self, label: str, where: str, result: Result, kept: Sequence[Any] = ()) -> None:
        data = _summary_dict(label, where, result)
        if self.keep:
            data["fields"] = {h: json_value(v) for h, v in zip(self.keep, kept, strict=True)}
        if self.explain:
            data["explanation"] = result.explain()
            data["result"] = result.to_dict()
        self.write(json.dumps(data, ensure_ascii=False, sort_keys=False))


class CsvWriter(ScoreWriter):
    """One row per lead: the id (under the leads' own id header), the kept columns, the
    result, each group's points (``group fit``) and the points in one cell (``breakdown``)."""

    COLUMNS = (
        "score",
        "stage",
        "qualified",
        "disqualified",
        "reasons",
        "next_stage",
        "points_to_next_stage",
        "warnings",
    )

    def _line(self, cells: Sequence[str]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(cells)
        self.write(buffer.getvalue().rstrip("\n"))

    def start(self) -> None:
        self._line(
            [
                self.id_header,
                *self.keep,
                *self.COLUMNS,
                *(f"group {name}" for name in self.groups),
                "breakdown",
                *(("explanation",) if self.explain else ()),
            ]
        )

    def lead(self, label: str, where: str, result: Result, kept: Sequence[Any] = ()) -> None:
        cells = [
            label,
            *(cell_text(value) for value in kept),
            number_text(result.score),
            result.stage or "",
            "true" if result.qualified else "false",
            "true" if result.disqualified else "false",
            "; ".join(d.reason for d in result.disqualifications),
            result.next_stage or "",
            "" if result.points_to_next_stage is None else number_text(result.points_to_next_stage),
            "; ".join(result.warnings),
        ]
        groups = result.groups
        cells.extend(number_text(groups.get(name, Decimal(0))) for name in self.groups)
        cells.append(breakdown(result))
        if self.explain:
            cells.append(result.explain().rstrip("\n"))
        self._line(cells)


#: The writers by ``--output`` name, in the order ``--help`` lists them.
WRITERS: dict[str, type[ScoreWriter]] = {
    "table": TableWriter,
    "jsonl": JsonlWriter,
    "csv": CsvWriter,
}


def make_writer(
    output: str,
    write: Callable[[str], None],
    explain: bool,
    *,
    id_header: str = "id",
    keep: Sequence[str] = (),
    groups: Sequence[str] = (),
) -> ScoreWriter:
    return WRITERS[output](write, explain, id_header=id_header, keep=keep, groups=groups)
