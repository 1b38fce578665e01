"""``leadrules assess``: a rule file judged against the known outcomes of a file of historical
leads, each lead scored as of the moment its decision was made; with ``--suggest NEW``, the
same rule file with fitted points written to NEW.

A thin command: the assessment is :mod:`leadrules.assessment` (its statistics need the
optional numpy, scipy and scikit-learn, ``pip install "leadrules[assess]"``; without them the
command says so before reading anything). Not here: reading the leads (:mod:`..leadfile`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
from typing import Any

import attrs
import click

from ...assessment.api import as_of_text, run
from ...assessment.deps import MissingDependency, require
from ...assessment.model import Assessment
from ...assessment.population import AS_OF_DEFAULTS, Candidate, default_as_of
from ...errors import LeadRulesError
from ...report.charts import require_matplotlib
from ...report.html import render_report
from ...report.page import ReportData
from ...report.population import Population
from ...result import Result
from ...ruleset import RuleSet
from ..base import EXIT_FINDINGS, EXIT_OK, Failure, command, counted, echo_err, load_rules
from ..findings import Findings, file_summary
from ..inputs import parse_moment
from ..leadfile import LeadFile
from ..options import LEADS_FILE, RULES_FILE, dayfirst_option, input_options, progress_option
from ..summary import StageTally
from ..terminal import progress_wanted
from .report import write_page

__all__ = ["assess"]


def _moment(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return parse_moment(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from exc


@command()
@click.argument("rules", type=RULES_FILE)
@click.argument("leads", type=LEADS_FILE)
@click.option(
    "--outcome",
    required=True,
    metavar="COLUMN",
    help="The column that says whether each lead converted (yes/no, true/false, 1/0, or a "
    "date, which is yes).",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="COLUMN",
    help="The column holding the moment each lead's decision was made (its MQL date, say): "
    "each lead is scored as of it, so later events do not count. Default: the leads' "
    "creation date (created at, Create Date, Created Date, created, ...).",
)
@input_options
@click.option(
    "--now",
    metavar="TIME",
    callback=_moment,
    default=None,
    help="Score every lead as of this one ISO-8601 time instead (2026-10-01 or "
    "2026-10-01T00:00:00Z; naive is UTC): events after a lead's decision then count.",
)
@dayfirst_option
@click.option(
    "--suggest",
    "suggest_path",
    default=None,
    metavar="NEW",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the rule file with points fitted to the outcomes (and thresholds that keep "
    "today's number of leads at each stage) to NEW, for review with leadrules diff.",
)
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="How many parts the leads are split into to measure the suggestion on leads it was "
    "not fitted on.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="How the folds are drawn.")
@click.option(
    "--report",
    "report_path",
    default=None,
    metavar="FILE",
    type=click.Path(dir_okay=False, writable=True, allow_dash=False),
    help="Also write the assessment as an HTML page to FILE: the scores and rules of the "
    "leads, conversion by stage and score band, each rule's lift as a chart, and today's "
    "points against the suggested ones (needs the report extra).",
)
@click.option(
    "--output",
    "-o",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@progress_option
def assess(
    rules: str,
    leads: str,
    outcome: str,
    as_of: str | None,
    events_path: str | None,
    id_field: str | None,
    events_id_field: str | None,
    input_format: str | None,
    encoding: str,
    now: dt.datetime | None,
    dayfirst: bool,
    suggest_path: str | None,
    folds: int,
    seed: int,
    report_path: str | None,
    output: str,
    progress: bool | None,
) -> int:
    """Judge RULES against the known outcomes of the historical leads in LEADS.

    Prints conversion by stage and by score band with 95% intervals, the AUC, precision,
    recall and lift at each stage, each score rule's lift with its interval and what it
    means, the fields that left rules undecided, and the disqualify rules that removed leads
    which converted. Each lead is scored as of --as-of (default: its creation date), so events
    after the decision do not count; --now scores every lead at one moment instead.

    Needs the assess extra: pip install "leadrules[assess]".
    """
    try:
        require("leadrules assess")
    except MissingDependency as exc:
        raise Failure(str(exc)) from exc
    if report_path is not None:
        require_matplotlib()  # say what to install before anything is read
    if as_of is not None and now is not None:
        raise Failure(
            "--as-of and --now are one or the other: --as-of scores each lead as of its own "
            "moment, --now every lead at one moment"
        )
    if suggest_path is not None and _same_file(suggest_path, rules):
        raise Failure(
            f"--suggest {suggest_path}: that is the rules file itself; the suggestion goes to a "
            "new file, for review with leadrules diff"
        )
    ruleset = load_rules(rules, dayfirst)
    lead_file = LeadFile(leads, input_format, encoding, events_path, id_field, events_id_field)
    (outcome_header,) = lead_file.columns([outcome], "--outcome")
    moment_header: str | None = None
    if now is None:
        moment_header = (
            lead_file.columns([as_of], "--as-of")[0]
            if as_of is not None
            else default_as_of(lead_file.headers)
        )
        if moment_header is None:
            lead_file.source.close()
            raise Failure(
                f"say as of when each lead's decision was made: --as-of COLUMN (the MQL date, "
                f"the creation date, ...); {lead_file.name} has none of the columns read by "
                f"default ({', '.join(AS_OF_DEFAULTS)}). --now TIME scores every lead at one "
                "moment instead (events after a lead's decision then count)"
            )
    findings = Findings([ruleset.checked], lead_file.headers, lead_file.kind)
    page = _Page(ruleset) if report_path is not None else None
    with lead_file.progress(progress_wanted(progress, False), "assessing") as bar:

        def candidates() -> list[Candidate]:
            out = []
            for item in lead_file:
                if page is not None:
                    page.offered(item.data, lead_file.label(item), item.number)
                moment = now if moment_header is None else lead_file.field(item, moment_header)
                out.append(
                    Candidate(
                        lead_file.label(item),
                        item.data,
                        lead_file.field(item, outcome_header),
                        moment,
                    )
                )
            return out

        def seen(lead: Any, result: Result) -> None:
            bar.step()
            findings.observe(lead, result)
            if page is not None:
                page.scored(lead, result)

        try:
            assessment = run(
                ruleset,
                candidates(),
                outcome=outcome_header,
                as_of=as_of_text(
                    now if now is not None else str(moment_header), default=as_of is None
                ),
                as_of_name=moment_header or "--now",
                suggest=suggest_path is not None,
                folds=folds,
                seed=seed,
                on_result=seen,
            )
        except LeadRulesError as exc:
            raise Failure(str(exc)) from exc
    assessment = attrs.evolve(assessment, source=lead_file.name)
    if output == "json":
        data = {
            **assessment.to_dict(),
            "leads_file": lead_file.name,
            "skipped": lead_file.reporter.skipped,
            **findings.to_dict(),
            "events": lead_file.events_summary(),
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(assessment.text(), nl=False)
    _notes(lead_file, findings)
    if page is not None and report_path is not None:
        page.write(report_path, assessment, rules, lead_file, findings, now)
    if suggest_path is not None:
        if assessment.suggestion is None:
            why = "; ".join(
                n.removeprefix("no suggestion: ")
                for n in assessment.notes
                if n.startswith("no suggestion: ")
            )
            raise Failure(f"no points could be suggested: {why}")
        with open(suggest_path, "w", encoding="utf-8", newline="") as handle:
            handle.write(assessment.suggestion.text)
        echo_err("")
        review = ["leadrules", "diff", rules, suggest_path, leads]
        if events_path is not None:
            review += ["--events", events_path]
        echo_err(
            f"Wrote the suggested points to {suggest_path}; nothing else changed. Review them "
            f"with: {shlex.join(review)}"
        )
    return EXIT_FINDINGS if lead_file.reporter.skipped else EXIT_OK


class _Page:
    """The report page of an assessment: the results the assessment scored, counted as
    ``leadrules report`` counts them (each lead scored as of its own moment), and the
    assessment's own section (:mod:`leadrules.assessment.report_section`)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.population = Population(ruleset.checked)
        self.tally = StageTally(ruleset.stages)
        self.names: dict[int, tuple[str, int]] = {}
        self.latest: dt.datetime | None = None

    def offered(self, lead: Any, label: str, number: int) -> None:
        self.names[id(lead)] = (label, number)

    def scored(self, lead: Any, result: Result) -> None:
        label, number = self.names.get(id(lead), (None, None))
        self.population.add(result, label, number)
        self.tally.add(result)
        if self.latest is None or result.now > self.latest:
            self.latest = result.now

    def write(
        self,
        path: str,
        assessment: Assessment,
        rules: str,
        lead_file: LeadFile,
        findings: Findings,
        now: dt.datetime | None,
    ) -> None:
        from ...assessment import report_section

        moment = now or self.latest or dt.datetime.now(dt.timezone.utc)
        with open(rules, encoding="utf-8-sig") as handle:
            rules_text = handle.read()
        page = render_report(
            ReportData(
                population=self.population,
                notes=file_summary(lead_file, rules, moment, self.tally, findings),
                now=moment,
                leads_file=lead_file.name,
                rules_file=rules,
                extras={report_section.NAME: assessment, report_section.RULES_TEXT: rules_text},
            ),
            f"Assessment of {os.path.basename(rules)} against {assessment.outcome}",
        )
        write_page(path, page)
        echo_err("")
        echo_err(f"Wrote the assessment's report to {path}")


def _same_file(path: str, other: str) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:
        return os.path.abspath(path) == os.path.abspath(other)


def _notes(lead_file: LeadFile, findings: Findings) -> None:
    """On standard error, as ``diff`` says them: data warnings, unknown names, events."""
    notes: list[str] = []
    warnings = findings.warnings
    if warnings.total:
        notes.append(
            f"  {'data warnings':<14} {warnings.total:>8}  (on {counted(warnings.leads, 'lead')})"
        )
        notes.extend(findings.warning_lines())
    notes.extend(findings.name_lines())
    notes.extend(lead_file.events_lines())
    skipped = lead_file.reporter.skipped
    if skipped:
        notes.append(f"  {'skipped':<14} {skipped:>8}  (records that could not be read; see above)")
    if notes:
        echo_err("")
        echo_err(f"Notes on {lead_file.name}:")
        for line in notes:
            echo_err(line)
