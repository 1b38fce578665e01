"""What every command that scores a file of leads says about the file at the end, beyond the
stages: the data warnings by field, the names the rules read that no lead had, the events that
a column of the same name hid, and how often each rule fired; as summary lines (standard
error) and as JSON.

:class:`Findings` watches leads and their results one at a time, in bounded memory; ``score``,
``explain``, ``diff`` and ``test`` use it, and so can a command that reports on a file. Not
here: the stage counts (:class:`.summary.StageTally`), the names themselves (:mod:`.names`),
reading warnings (:mod:`.datawarnings`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..lang.checker import CheckedGroup, CheckedRules
from ..result import Result
from .base import counted
from .datawarnings import WarningTally
from .leadfile import LeadSource
from .names import EventGroup, NameWatch
from .summary import StageTally

__all__ = ["Findings", "RuleTally", "file_summary"]


class RuleTally:
    """How many leads each score rule and disqualify rule of a file fired for."""

    def __init__(self, rules: CheckedRules) -> None:
        #: (line, column) -> (kind, group, label), in source order
        self.rules: dict[tuple[int, int], tuple[str, str | None, str]] = {}
        for item in rules.items:
            group, listed = (
                (item.name, item.rules) if isinstance(item, CheckedGroup) else (None, (item,))
            )
            for rule in listed:
                key = (rule.span.line, rule.span.column)
                self.rules[key] = ("score rule", group, rule.display)
        for dq in rules.disqualifications:
            label = f"disqualify: {dq.reason}" if dq.reason else dq.text
            self.rules[(dq.span.line, dq.span.column)] = ("disqualify", None, label)
        self.rules = dict(sorted(self.rules.items()))
        self.counts: Counter[tuple[int, int]] = Counter()
        self.leads = 0

    def add(self, result: Result) -> None:
        self.leads += 1
        fired = {(c.line, c.column) for c in result.contributions if c.kind == "rule"}
        fired.update((d.line, d.column) for d in result.disqualifications)
        self.counts.update(fired)

    def share(self, count: int) -> str:
        if not self.leads:
            return "-"
        percent = 100 * count / self.leads
        if 0 < percent < 0.5:
            return "<1%"
        if 99.5 <= percent < 100:
            return ">99%"
        return f"{round(percent)}%"

    def lines(self) -> list[str]:
        counts = [self.counts[key] for key in self.rules]
        width = max(5, *(len(f"{n:,}") for n in counts)) if counts else 5
        out = [f"Rules fired (of {counted(self.leads, 'lead')}):"]
        out.append(f"  line  {'leads':>{width}}  share  rule")
        for (line, column), (_, group, label) in self.rules.items():
            count = self.counts[(line, column)]
            where = f"[{group}] " if group else ""
            out.append(f"  {line:>4}  {count:>{width},}  {self.share(count):>5}  {where}{label}")
        return out

    def to_dict(self) -> list[dict[str, Any]]:
        return [
            {
                "line": line,
                "column": column,
                "kind": kind,
                "group": group,
                "label": label,
                "leads": self.counts[(line, column)],
                "share": round(self.counts[(line, column)] / self.leads, 4) if self.leads else None,
            }
            for (line, column), (kind, group, label) in self.rules.items()
        ]


class Findings:
    """Watches the leads of a file and their results (``observe``) for what the summary says
    beyond the stages. ``rulesets``: the checked rules whose names are watched (both files
    for ``diff``); the warnings and rule counts are of the last of them. ``kind``: how the
    file's names are called in messages (``column`` for CSV, ``field`` for JSON); ``things``:
    what the leads are called (``("lead", "leads")``, ``("lead read", "leads read")``)."""

    def __init__(
        self,
        rulesets: Sequence[CheckedRules],
        headers: Sequence[str] = (),
        kind: str = "column",
        things: tuple[str, str] = ("lead", "leads"),
    ) -> None:
        self.names = NameWatch(rulesets, headers)
        self.warnings = WarningTally()
        self.rules = RuleTally(rulesets[-1])
        self.kind = kind
        self.things = things

    def observe(
        self, lead: Any, result: Result | None = None, groups: Sequence[EventGroup] | None = None
    ) -> None:
        """One lead (after its events were joined) and, if it was scored, its result;
        ``groups``: its events counted by name, when an engine joined them in a table."""
        self.names.observe(lead, groups)
        if result is not None:
            self.warnings.add(result.warnings)
            self.rules.add(result)

    def warning_lines(self) -> list[str]:
        """The data warnings by field, to go under the summary's ``data warnings`` count."""
        return self.warnings.lines("    ")

    def name_lines(self) -> list[str]:
        """Names no lead had, and events hidden by a column: a count line, then one each."""
        out: list[str] = []
        unknown = self.names.unknown()
        if unknown:
            leads = self.names.leads
            one, many = self.things
            none_of = (
                f"the only {one} does not have them"
                if leads == 1
                else f"none of the {leads:,} {many} has them"
            )
            out.append(
                f"  {'unknown names':<14} {len(unknown):>8}  ({none_of}: tests of them are unknown)"
            )
            out.extend("    " + name.text(self.kind, one) for name in unknown)
        hidden = self.names.hidden_events()
        if hidden:
            out.append(
                f"  {'hidden events':<14} {len(hidden):>8}  (a {self.kind} of the same name "
                "was read instead)"
            )
            for item in hidden:
                out.extend("    " + line for line in item.lines(self.kind))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "data_warnings": self.warnings.to_dict(),
            "unknown_names": [name.to_dict() for name in self.names.unknown()],
            "hidden_events": [item.to_dict() for item in self.names.hidden_events()],
        }


def file_summary(
    lead_file: LeadSource,
    rules: str,
    moment: dt.datetime,
    tally: StageTally,
    findings: Findings,
) -> dict[str, Any]:
    """The summary of a file of leads scored with ``rules`` at ``moment``, as JSON: what
    ``leadrules score --summary-json`` writes (and what a report on the file is made of)."""
    return {
        "leads_file": lead_file.name,
        "rules": rules,
        "now": moment.isoformat(),
        "leads": tally.leads,
        "skipped": lead_file.reporter.skipped,
        "stages": tally.to_dict(),
        **findings.to_dict(),
        "events": lead_file.events_summary(),
        "rules_fired": findings.rules.to_dict(),
    }
