"""``leadrules score`` and ``leadrules explain``: every lead of a file scored (a row each, then
a summary), or one lead's score explained point by point.

Not here: reading the leads (:mod:`..leadfile`), the rows (:mod:`..writers`), the summary
(:mod:`..summary`), the explanation's text (:mod:`leadrules.report`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

import click

from ...backends.sql.dialect import Unsupported
from ...report.histogram import Distribution, Mark, text_histogram
from ...ruleset import RuleSet
from ..base import (
    ESCAPED_NOTE,
    EXIT_FINDINGS,
    EXIT_OK,
    NotFound,
    command,
    counted,
    debugging,
    echo_err,
    load_rules,
    writable,
)
from ..findings import Findings, file_summary
from ..leadfile import LeadFile
from ..options import (
    LEADS_FILE,
    RULES_FILE,
    color_option,
    dayfirst_option,
    input_options,
    now_option,
    progress_option,
    scoring_time,
)
from ..records import LeadItem
from ..summary import StageTally
from ..tablefile import TableFile
from ..tableload import table_problem
from ..terminal import color_wanted, colorize, progress_wanted
from ..writers import WRITERS, make_writer

__all__ = ["explain", "open_leads", "score"]

#: ``--engine auto`` gives a leads or events file of this size or more to DuckDB; None: never.
#: Measured on files of 500,000 leads (CSV and Parquet, docs/performance.md), the DuckDB engine
#: is not yet faster than the Python engine at the command line, whose time goes to making and
#: writing each row's result, which both engines do alike; so ``auto`` is the Python engine.
AUTO_DUCKDB_BYTES: int | None = None


def open_leads(
    engine: str,
    ruleset: RuleSet,
    now: dt.datetime,
    leads: str,
    input_format: str | None,
    encoding: str,
    events_path: str | None,
    id_field: str | None,
    events_id_field: str | None,
) -> LeadFile | TableFile:
    """The leads file opened for the engine chosen (see ``--engine``), the query built when
    it is DuckDB: with ``auto``, a rule DuckDB cannot score exactly (or a file it does not
    take) gives the Python engine; with ``duckdb``, a usage error naming it."""

    def python() -> LeadFile:
        return LeadFile(leads, input_format, encoding, events_path, id_field, events_id_field)

    if engine == "python":
        return python()
    if engine == "auto":
        limit = AUTO_DUCKDB_BYTES
        big = limit is not None and any(
            path is not None and path != "-" and os.path.getsize(path) >= limit
            for path in (leads, events_path)
        )
        if not big:  # before the files are looked into: the common case reads nothing twice
            return python()
    problem = table_problem(leads, input_format, encoding, events_path)
    if problem is not None:
        if engine == "auto":
            return python()
        raise click.UsageError(f"--engine {engine}: {problem}; use --engine python")
    if engine == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError:
            raise click.UsageError(
                "--engine spark needs PySpark: pip install 'leadrules[spark]' (and Java 17+)"
            ) from None
    table_file = TableFile(
        leads,
        input_format,
        encoding,
        events_path,
        id_field,
        events_id_field,
        engine="spark" if engine == "spark" else "duckdb",
    )
    try:
        table_file.prepare(ruleset, now)
    except Unsupported as exc:
        table_file.discard()
        if engine in ("duckdb", "spark"):
            raise click.UsageError(
                f"--engine {engine} cannot score these rules on {leads} exactly as the "
                f"reference does; use --engine python\n{exc}"
            ) from exc
        return python()
    return table_file


def _keep_callback(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    """``--keep email,Record ID`` (and ``--keep`` again): the names, split at commas."""
    names: list[str] = []
    for text in value:
        names.extend(part.strip() for part in text.split(",") if part.strip())
    return tuple(names)


@command()
@click.argument("rules", type=RULES_FILE)
@click.argument("leads", type=LEADS_FILE)
@input_options
@now_option
@dayfirst_option
@click.option(
    "--output",
    "-o",
    type=click.Choice(list(WRITERS)),
    default="table",
    show_default=True,
    help="table for people, jsonl or csv for tools.",
)
@click.option(
    "--keep",
    multiple=True,
    metavar="COLUMNS",
    callback=_keep_callback,
    help="Carry these columns of LEADS through to --output csv or jsonl (comma-separated, "
    "e.g. --keep 'Email,Record ID'; exact header first, then as rules match names).",
)
@click.option("--explain", is_flag=True, help="Add each lead's full explanation.")
@click.option(
    "--engine",
    type=click.Choice(["auto", "duckdb", "python", "spark"]),
    default="auto",
    show_default=True,
    help="What scores the file: duckdb (the whole file as one SQL query, the events joined in "
    "SQL), python (one lead at a time), spark (the query on Spark in local mode: needs "
    "leadrules[spark] and Java), or auto (today python, measured the faster at the command "
    "line). All give the same output.",
)
@click.option(
    "--summary-json",
    type=click.Path(dir_okay=False, writable=True, allow_dash=False),
    default=None,
    metavar="FILE",
    help="Also write the summary (stages, warnings by field, unknown names, rules fired) "
    "to FILE as JSON.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@progress_option
def score(
    rules: str,
    leads: str,
    events_path: str | None,
    id_field: str | None,
    events_id_field: str | None,
    input_format: str | None,
    encoding: str,
    now: dt.datetime | None,
    dayfirst: bool,
    output: str,
    keep: tuple[str, ...],
    explain: bool,
    engine: str,
    summary_json: str | None,
    quiet: bool,
    progress: bool | None,
) -> int:
    """Score every lead in LEADS (.csv, .tsv, .jsonl, .json, or - for standard input).

    Streams: leads are read, scored and written one at a time. CSV headers match rule names as
    the language does (`Company Size` is `company size`); blank cells are missing. The summary
    (leads per stage, disqualified, warnings by field, names no lead has, how often each rule
    fired) goes to standard error. Records that cannot be read are reported with their line
    number and skipped; the exit code is then 1.
    """
    if keep and output == "table":
        raise click.UsageError("--keep is for --output csv or --output jsonl")
    ruleset = load_rules(rules, dayfirst)
    moment = scoring_time(now)
    lead_file = open_leads(
        engine,
        ruleset,
        moment,
        leads,
        input_format,
        encoding,
        events_path,
        id_field,
        events_id_field,
    )
    kept = lead_file.columns(keep, "--keep")
    if lead_file.id_field is not None:
        kept = [h for h in kept if h != lead_file.id_field]
    stdout = sys.stdout
    where = [""]  # the record being written

    def write(text: str) -> None:
        text, escaped = writable(text, stdout)
        if escaped:
            lead_file.reporter.note(
                where[0], ESCAPED_NOTE.format(encoding=stdout.encoding or "utf-8")
            )
        stdout.write(text + "\n")

    writer = make_writer(
        output,
        write,
        explain,
        id_header=lead_file.id_header(),
        keep=kept,
        groups=ruleset.groups,
    )
    tally = StageTally(ruleset.stages)
    scores = Distribution()
    findings = Findings([ruleset.checked], lead_file.headers, lead_file.kind)
    debug = debugging(click.get_current_context())
    with lead_file.progress(progress_wanted(progress, quiet), "scoring") as bar:
        writer.start()
        for scored in lead_file.scored(ruleset, moment, debug, explain):
            item, result = scored.item, scored.result
            bar.step()
            try:
                findings.observe(item.data, result, scored.groups)
                if result is None:
                    continue
                values = [lead_file.field(item, header) for header in kept]
                where[0] = item.where
                writer.lead(lead_file.label(item), item.where, result, values)
            except Exception as exc:  # one record must never stop the rest of the file
                if debug:
                    raise
                lead_file.reporter.skip(
                    item.where,
                    f"could not be written (internal error {type(exc).__name__}: {exc})",
                )
                continue
            tally.add(result)
            scores.add(result.score)
        stdout.flush()
    skipped = lead_file.reporter.skipped
    if not quiet:
        echo_err(
            f"{counted(tally.leads, 'lead')} scored from {lead_file.name} "
            f"with {rules} at {moment.isoformat()}"
        )
        for line in tally.lines():
            echo_err(line)
        for line in findings.warning_lines():
            echo_err(line)
        if skipped:
            echo_err(f"  {'skipped':<14} {skipped:>8}  (records that could not be read; see above)")
        for line in findings.name_lines():
            echo_err(line)
        lead_file.note_unused_events()
        marks = [Mark(s.threshold, s.name) for s in ruleset.checked.stages]
        for line in text_histogram(scores, marks):
            echo_err(line)
        for line in findings.rules.lines():
            echo_err(line)
    if summary_json is not None:
        data = file_summary(lead_file, rules, moment, tally, findings)
        with open(summary_json, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    return EXIT_FINDINGS if skipped else EXIT_OK


@command()
@click.argument("rules", type=RULES_FILE)
@click.argument("leads", type=LEADS_FILE)
@click.option("--id", "wanted_id", default=None, help="The lead whose --id-field is this value.")
@click.option(
    "--index",
    type=click.IntRange(min=1),
    default=None,
    help="The Nth lead of the file (1 is the first lead; headers and blank lines not counted).",
)
@click.option(
    "--history",
    is_flag=True,
    help="Show how the lead's score changed up to --now: scored at each of its events, each "
    "end of a time window and each decay step, every change with the rules that caused it.",
)
@input_options
@now_option
@dayfirst_option
@color_option("Colours (default: only on a terminal, and never when NO_COLOR is set).")
def explain(
    rules: str,
    leads: str,
    wanted_id: str | None,
    index: int | None,
    history: bool,
    events_path: str | None,
    id_field: str | None,
    events_id_field: str | None,
    input_format: str | None,
    encoding: str,
    now: dt.datetime | None,
    dayfirst: bool,
    color: bool | None,
) -> None:
    """Explain one lead's score, point by point. Pick it with --id X or --index N.

    Exit 1 when the lead is not in the file.
    """
    if (wanted_id is None) == (index is None):
        raise click.UsageError("give exactly one of --id X and --index N")
    ruleset = load_rules(rules, dayfirst)
    moment = scoring_time(now)
    lead_file = LeadFile(leads, input_format, encoding, events_path, id_field, events_id_field)
    findings = Findings(
        [ruleset.checked], lead_file.headers, lead_file.kind, ("lead read", "leads read")
    )
    found: LeadItem | None = None
    seen = 0
    with_id = 0
    with lead_file:
        for item in lead_file:
            seen += 1
            findings.observe(item.data)
            if index is not None:
                if item.number == index:
                    found = item
                    break
                if item.number > index:
                    break
                continue
            this_id = lead_file.lead_id(item)
            if this_id is not None:
                with_id += 1
            if wanted_id is not None and this_id == wanted_id.strip():
                found = item
                break
    if found is None:
        if index is not None:
            raise NotFound(f"{lead_file.name} has no readable lead number {index} ({seen} read)")
        hint = (
            ""
            if with_id
            else f"; the leads have no id {lead_file.kind} (none of id, Record ID, Lead ID, "
            "Contact ID): choose it with --id-field, or use --index"
            if lead_file.id_field is None
            else f"; no lead has a value in {lead_file.id_field!r}: choose the id "
            f"{lead_file.kind} with --id-field, or use --index"
        )
        raise NotFound(
            f"no lead with {lead_file.id_header()} {wanted_id!r} in {lead_file.name} "
            f"({seen} read){hint}"
        )
    use_color = color_wanted(color, sys.stdout)
    if history:
        header = (
            f"Lead {lead_file.label(found)} ({found.where}), its score up to {moment.isoformat()}"
        )
        text = ruleset.history(found.data, moment).table().rstrip("\n")
    else:
        result = ruleset.evaluate(found.data, moment)
        text = result.explain().rstrip("\n")
        header = f"Lead {lead_file.label(found)} ({found.where}), scored at {moment.isoformat()}"
    text, escaped = writable(text, sys.stdout)
    header, _ = writable(header, sys.stdout)
    if escaped:
        echo_err(f"{found.where}: warning: " + ESCAPED_NOTE.format(encoding=sys.stdout.encoding))
    if use_color:
        click.echo(click.style(header, bold=True), color=True)
        click.echo(colorize(text), color=True)
    else:
        click.echo(header)
        click.echo(text)
    for line in findings.name_lines():
        echo_err(line)
