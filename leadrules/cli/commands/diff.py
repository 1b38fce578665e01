"""``leadrules diff``: the impact of changing the rules from OLD to NEW on a file of leads,
as text or JSON.

Holds the command: both rule sets read, every lead scored under each. Not here: the report it
prints (:class:`..summary.DiffReport`) or reading the leads (:mod:`..leadfile`).
"""

from __future__ import annotations

import datetime as dt
import json

import click

from ..base import EXIT_FINDINGS, EXIT_OK, command, counted, debugging, echo_err, load_rules
from ..findings import Findings
from ..leadfile import LeadFile
from ..options import (
    LEADS_FILE,
    RULES_FILE,
    dayfirst_option,
    input_options,
    now_option,
    progress_option,
    scoring_time,
)
from ..summary import DiffReport
from ..terminal import progress_wanted

__all__ = ["diff"]


@command()
@click.argument("old", type=RULES_FILE)
@click.argument("new", type=RULES_FILE)
@click.argument("leads", type=LEADS_FILE)
@input_options
@now_option
@dayfirst_option
@click.option(
    "--output",
    "-o",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="How many of the leads that moved most to list.",
)
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 when some lead's score or stage changes (like diff(1)).",
)
@progress_option
def diff(
    old: str,
    new: str,
    leads: str,
    events_path: str | None,
    id_field: str | None,
    events_id_field: str | None,
    input_format: str | None,
    encoding: str,
    now: dt.datetime | None,
    dayfirst: bool,
    output: str,
    top: int,
    exit_code: bool,
    progress: bool | None,
) -> int:
    """Show the impact of changing the rules from OLD to NEW on the leads in LEADS.

    Prints the stage transition matrix (rows: stage under OLD, columns: stage under NEW), how
    many leads gain or lose qualification, score change statistics, and the leads that moved
    most with the rules responsible (the rules whose points differ).
    """
    old_rules = load_rules(old, dayfirst)
    new_rules = load_rules(new, dayfirst)
    moment = scoring_time(now)
    lead_file = LeadFile(leads, input_format, encoding, events_path, id_field, events_id_field)
    report = DiffReport(old_rules.stages, new_rules.stages, top)
    findings = Findings([old_rules.checked, new_rules.checked], lead_file.headers, lead_file.kind)
    debug = debugging(click.get_current_context())
    with lead_file.progress(progress_wanted(progress, False), "comparing") as bar:
        for item in lead_file:
            before = lead_file.evaluate(old_rules, item, moment, debug)
            after = None if before is None else lead_file.evaluate(new_rules, item, moment, debug)
            bar.step()
            findings.observe(item.data, after)
            if before is None or after is None:
                continue
            report.add(lead_file.label(item), item.number, before, after)
    skipped = lead_file.reporter.skipped
    if output == "json":
        data = {
            "old": old,
            "new": new,
            "leads_file": lead_file.name,
            "now": moment.isoformat(),
            "skipped": skipped,
            **report.to_dict(),
            **findings.to_dict(),
            "events": lead_file.events_summary(),
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(f"Old rules: {old}")
        click.echo(f"New rules: {new}")
        click.echo(
            f"Leads:     {lead_file.name}, {report.leads} scored at {moment.isoformat()}"
            + (f", {skipped} skipped" if skipped else "")
        )
        click.echo("")
        for line in report.lines():
            click.echo(line)
    notes: list[str] = []
    warnings = findings.warnings
    if warnings.total:
        notes.append(
            f"  {'data warnings':<14} {warnings.total:>8}  (on "
            f"{counted(warnings.leads, 'lead')}, under the new rules)"
        )
        notes.extend(findings.warning_lines())
    notes.extend(findings.name_lines())
    notes.extend(lead_file.events_lines())
    if notes:
        echo_err("")
        echo_err(f"Notes on {lead_file.name}:")
        for line in notes:
            echo_err(line)
    return EXIT_FINDINGS if skipped or (exit_code and report.changed) else EXIT_OK
