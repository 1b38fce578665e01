"""``leadrules report``: a file of leads scored and drawn as one self-contained HTML page (the
scores and stages, the rules, the groups, the disqualifications, the data, the top leads), with
``OLD NEW LEADS`` (or ``--compare NEW``) the impact of a rule change, and with ``--history ID``
the history of some leads.

Holds the command: reading and scoring the file once, feeding the library's aggregates
(:class:`leadrules.report.population.Population`, :class:`leadrules.report.comparison.
Comparison`) and the summary ``score`` writes (:func:`..findings.file_summary`). Not here: the
numbers, the charts and the page (:mod:`leadrules.report`).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from typing import Any

import click

from ...report.charts import require_matplotlib
from ...report.comparison import Comparison
from ...report.history import History
from ...report.html import render_report
from ...report.page import ReportData
from ...report.population import Population
from ..base import (
    EXIT_FINDINGS,
    EXIT_OK,
    Failure,
    command,
    counted,
    debugging,
    echo_err,
    load_rules,
)
from ..findings import Findings, file_summary
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
from ..summary import StageTally
from ..terminal import progress_wanted

__all__ = ["report", "write_page"]


@command()
@click.argument("files", nargs=-1, required=True, metavar="RULES [NEW] LEADS")
@click.option(
    "--compare",
    "compare_with",
    type=RULES_FILE,
    default=None,
    metavar="NEW",
    help="Also show the impact of changing RULES to NEW (the same as RULES NEW LEADS).",
)
@input_options
@now_option
@dayfirst_option
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, allow_dash=False),
    default="report.html",
    show_default=True,
    metavar="FILE",
    help="The HTML file to write.",
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="How many of the highest-scoring leads to list.",
)
@click.option(
    "--movers",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="When comparing: how many of the leads that moved most to show side by side.",
)
@click.option(
    "--history",
    "history_ids",
    multiple=True,
    metavar="ID",
    help="Add the history of this lead (its score at each of its events, window ends and "
    "decay steps up to --now); may be given again.",
)
@click.option("--title", default=None, help="The page's title.")
@progress_option
def report(
    files: tuple[str, ...],
    compare_with: str | None,
    events_path: str | None,
    id_field: str | None,
    events_id_field: str | None,
    input_format: str | None,
    encoding: str,
    now: dt.datetime | None,
    dayfirst: bool,
    output: str,
    top: int,
    movers: int,
    history_ids: tuple[str, ...],
    title: str | None,
    progress: bool | None,
) -> int:
    """Write a report on the leads in LEADS as one HTML file, with charts.

    RULES LEADS: the score distribution with the stage thresholds, the funnel, each rule's
    leads, points and missing data, each group's subtotals and limits, the disqualification
    reasons, the data warnings by field and the top leads. RULES NEW LEADS (or --compare NEW):
    also the impact of changing RULES to NEW. The file opens in any browser, offline.
    """
    if len(files) not in (2, 3):
        raise click.UsageError(f"expected RULES LEADS or OLD NEW LEADS, got {len(files)} files")
    if len(files) == 3 and compare_with is not None:
        raise click.UsageError("give OLD NEW LEADS or RULES LEADS --compare NEW, not both")
    for path in files[:-1]:
        RULES_FILE.convert(path, None, click.get_current_context())
    LEADS_FILE.convert(files[-1], None, click.get_current_context())
    require_matplotlib()  # say what to install before anything is read
    old_path: str | None
    if len(files) == 3:
        old_path, new_path, leads = files
    elif compare_with is not None:
        (old_path, leads), new_path = files, compare_with
    else:
        old_path, (new_path, leads) = None, files
    new_rules = load_rules(new_path, dayfirst)
    old_rules = load_rules(old_path, dayfirst) if old_path is not None else None
    moment = scoring_time(now)
    lead_file = LeadFile(leads, input_format, encoding, events_path, id_field, events_id_field)
    population = Population(new_rules.checked, top)
    old_population = Population(old_rules.checked, top) if old_rules is not None else None
    comparison = (
        Comparison(old_rules.stages, new_rules.stages, movers, movement=True)
        if old_rules is not None
        else None
    )
    tally = StageTally(new_rules.stages)
    checked = [new_rules.checked] if old_rules is None else [old_rules.checked, new_rules.checked]
    findings = Findings(checked, lead_file.headers, lead_file.kind)
    wanted = {text.strip(): None for text in history_ids}
    found: dict[str, Any] = {}
    debug = debugging(click.get_current_context())
    with lead_file.progress(progress_wanted(progress, False), "reporting") as bar:
        for item in lead_file:
            result = lead_file.evaluate(new_rules, item, moment, debug)
            before = None
            if old_rules is not None and result is not None:
                before = lead_file.evaluate(old_rules, item, moment, debug)
            bar.step()
            findings.observe(item.data, result)
            if result is None or (old_rules is not None and before is None):
                continue
            label = lead_file.label(item)
            tally.add(result)
            population.add(result, label, item.number)
            if before is not None and old_population is not None and comparison is not None:
                old_population.add(before, label, item.number)
                comparison.add(label, item.number, before, result)
            if wanted and label in wanted and label not in found:
                found[label] = item.data
    notes = file_summary(lead_file, new_path, moment, tally, findings)
    histories: list[tuple[str, History]] = []
    for lead_id in wanted:
        if lead_id in found:
            histories.append((lead_id, new_rules.history(found[lead_id], moment)))
    page = render_report(
        ReportData(
            population=population,
            notes=notes,
            now=moment,
            leads_file=lead_file.name,
            rules_file=new_path,
            comparison=comparison,
            old_population=old_population,
            old_rules_file=old_path,
            histories=tuple(histories),
        ),
        title,
    )
    write_page(output, page)
    skipped = lead_file.reporter.skipped
    echo_err(
        f"{counted(population.leads, 'lead')} of {lead_file.name} reported with {new_path}"
        + (f" (compared with {old_path})" if old_path else "")
        + f" at {moment.isoformat()}: {output}"
    )
    missing = [lead_id for lead_id in wanted if lead_id not in found]
    for lead_id in missing:
        echo_err(f"  --history {lead_id}: no lead with {lead_file.id_header()} {lead_id!r}")
    if skipped:
        echo_err(f"  {'skipped':<14} {skipped:>8}  (records that could not be read; see above)")
    return EXIT_FINDINGS if skipped or missing else EXIT_OK


def write_page(path: str, text: str) -> None:
    """The page written whole, or not at all (a half-written report is worse than none)."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=folder)
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as open() would have made it
        os.replace(temporary, path)
    except OSError as exc:
        os.unlink(temporary)
        raise Failure(f"cannot write {path}: {exc.strerror or exc}") from exc
