"""The ``leadrules`` command line: check, score, explain, fmt, test and diff.

Exit codes: 0 all good; 1 findings (rule errors found by ``check``, failing cases, files that
``fmt --check`` would change, input records that had to be skipped, a lead ``explain`` could not
find); 2 the command could not do its work (bad usage, a missing file, rules that do not compile,
an internal error). No Python traceback is printed unless ``--debug`` is given.

Documented, with real output, in ``docs/cli.md``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import importlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from types import ModuleType
from typing import IO, Any, NoReturn, TypeVar, cast

import click

from .. import __version__
from ..errors import Diagnostic, LeadRulesError, RuleSyntaxError
from ..lang.format import format as format_rules
from ..result import Result
from ..ruleset import RuleSet
from ..ruleset import compile as compile_rules
from .events import EventTable, attach_events, load_events
from .inputs import Format, InputFile, Reporter, parse_moment, undecodable
from .records import LeadItem, lead_id, lead_label, read_records
from .summary import (
    DiffReport,
    StageTally,
    colorize,
    fmt_number,
    make_writer,
)

__all__ = ["cli", "main"]

UTC = dt.timezone.utc
F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

_DEBUG_KEY = "leadrules.debug"


# --------------------------------------------------------------------------- errors


class Failure(click.ClickException):
    """An error shown as ``leadrules: error: ...`` (no traceback); exit code 2."""

    exit_code = EXIT_USAGE

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"leadrules: error: {self.format_message()}", file=file or sys.stderr)


class UnreadableRules(Failure):
    """A rule file whose bytes are not UTF-8 text: where, and what to do."""

    def __init__(self, path: str, diagnostic: Diagnostic) -> None:
        super().__init__(f"{path}:{diagnostic.line}: {diagnostic.message}")
        self.diagnostic = diagnostic


class NotFound(Failure):
    """What was asked for is not in the input; exit code 1."""

    exit_code = EXIT_FINDINGS


def _debugging(ctx: click.Context) -> bool:
    return bool(ctx.meta.get(_DEBUG_KEY)) or os.environ.get("LEADRULES_DEBUG", "") not in (
        "",
        "0",
    )


class LeadrulesGroup(click.Group):
    """Turns every error into a one-line message and an exit code (a traceback with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`leadrules score ... | head`): stop quietly.
            _silence_stdout()
            ctx.exit(EXIT_OK)
        except LeadRulesError as exc:
            if _debugging(ctx):
                raise
            raise Failure(str(exc)) from exc
        except OSError as exc:
            if _debugging(ctx):
                raise
            name = f" {exc.filename}" if exc.filename else ""
            raise Failure(f"cannot use{name}: {exc.strerror or exc}") from exc
        except Exception as exc:
            if _debugging(ctx):
                raise
            raise Failure(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "Run the same command with --debug to see the traceback, and please report it."
            ) from exc


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no real stdout
        pass


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta[_DEBUG_KEY] = True
    return value


def debug_option(func: F) -> F:
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="Show the Python traceback of an unexpected error.",
    )(func)


# --------------------------------------------------------------------------- parameter types


def _moment_callback(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return parse_moment(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from exc


def _schema_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """``module:Class`` (or ``path/to/file.py:Class``): a schema class to import."""
    if value is None:
        return None
    module_name, sep, attr_path = value.partition(":")
    if not sep or not module_name or not attr_path:
        raise click.BadParameter(
            f"{value!r} is not MODULE:CLASS (for example myapp.models:Lead)", ctx, param
        )
    try:
        module = _import_module(module_name)
    except Exception as exc:
        raise click.BadParameter(
            f"cannot import {module_name!r}: {type(exc).__name__}: {exc}", ctx, param
        ) from exc
    target: Any = module
    for part in attr_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise click.BadParameter(f"{module_name!r} has no {attr_path!r}", ctx, param) from None
    return target


def _import_module(name: str) -> ModuleType:
    if name.endswith(".py") or os.sep in name:
        spec = importlib.util.spec_from_file_location(
            os.path.splitext(os.path.basename(name))[0], name
        )
        if spec is None or spec.loader is None:
            raise ImportError(f"not a Python file: {name}")
        module = importlib.util.module_from_spec(spec)
        sys.modules.setdefault(spec.name, module)
        spec.loader.exec_module(module)
        return module
    cwd = os.getcwd()
    if cwd not in sys.path and "" not in sys.path:
        sys.path.insert(0, cwd)
    return importlib.import_module(name)


RULES_FILE = click.Path(exists=True, dir_okay=False, allow_dash=False)
LEADS_FILE = click.Path(exists=True, dir_okay=False, allow_dash=True)
INPUT_FORMATS = click.Choice(["csv", "tsv", "jsonl", "json"], case_sensitive=False)


def now_option(func: F) -> F:
    return click.option(
        "--now",
        metavar="TIME",
        callback=_moment_callback,
        default=None,
        help="Score as of this ISO-8601 time (2026-11-21 or 2026-11-21T09:30:00Z; naive is "
        "UTC). Default: the current UTC time.",
    )(func)


def input_options(func: F) -> F:
    options = [
        click.option(
            "--events",
            "events_path",
            type=click.Path(exists=True, dir_okay=False),
            default=None,
            help="A CSV or JSONL file of events (lead id, name, timestamp, properties) to join "
            "to the leads by --id-field.",
        ),
        click.option(
            "--id-field",
            default="id",
            help="The leads' id field, matched as rules match names (default: id, else lead id).",
        ),
        click.option(
            "--input-format",
            type=INPUT_FORMATS,
            default=None,
            help="Format of LEADS (default: from the file extension, or sniffed for -).",
        ),
        click.option(
            "--encoding",
            default="utf-8",
            show_default=True,
            help="Text encoding of LEADS and --events (for example cp1252 for old Excel "
            "exports). A record with bytes that are not text in it is reported and skipped.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


# --------------------------------------------------------------------------- helpers


def _echo_err(text: str) -> None:
    click.echo(text, file=sys.stderr)


def load_rules(path: str) -> RuleSet:
    """Compile a rule file; on mistakes print every diagnostic and stop with exit code 2."""
    text = _read_rule_text(path)
    try:
        return compile_rules(text, filename=path)
    except RuleSyntaxError as exc:
        for diagnostic in exc.diagnostics:
            _echo_err(diagnostic.render() + "\n")
        count = len(exc.diagnostics)
        raise Failure(
            f"{path} has {count} error{'s' if count != 1 else ''}; see `leadrules check {path}`"
        ) from exc


def _read_rule_text(path: str) -> str:
    """A rule file's text (UTF-8, as the language says); :class:`UnreadableRules` naming the
    line and column of the first byte that is not UTF-8."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            text = handle.read()
    except OSError as exc:
        raise Failure(f"cannot read {path}: {exc.strerror or exc}") from exc
    bad = undecodable(text, "utf-8", option=False)
    if bad is not None:
        index, message = bad
        number = text.count("\n", 0, index) + 1
        start = text.rfind("\n", 0, index) + 1
        end = text.find("\n", index)
        line = text[start : len(text) if end < 0 else end]
        shown = "".join("\ufffd" if "\udc80" <= c <= "\udcff" else c for c in line)
        diagnostic = Diagnostic(message, path, number, index - start + 1, shown)
        raise UnreadableRules(path, diagnostic)
    return text


def _open_input(path: str, fmt: str | None, encoding: str) -> InputFile:
    try:
        return InputFile.open(path, cast("Format | None", fmt.lower() if fmt else None), encoding)
    except LeadRulesError as exc:
        raise Failure(str(exc)) from exc


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
            _echo_err(text)

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


def _progress_wanted(flag: bool | None, quiet: bool) -> bool:
    if flag is not None:
        return flag
    if quiet:
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _color_wanted(flag: bool | None, stream: IO[str]) -> bool:
    """Colours: as asked, else only on a terminal, never with NO_COLOR set or TERM=dumb."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("TERM", "") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _leads(
    leads_path: str,
    input_format: str | None,
    encoding: str,
    events_path: str | None,
    id_field: str,
    reporter: Reporter,
) -> tuple[InputFile, Iterator[LeadItem], EventTable | None]:
    table: EventTable | None = None
    if events_path is not None:
        with _open_input(events_path, None, encoding) as events_source:
            table = load_events(events_source, id_field, reporter)
    source = _open_input(leads_path, input_format, encoding)
    try:
        records = read_records(source, reporter)  # a CSV header is read (and checked) now
    except BaseException:
        source.close()
        raise

    def items() -> Iterator[LeadItem]:
        for item in records:
            if table is not None:
                attach_events(item, table, id_field)
            yield item

    return source, items(), table


def _evaluate(
    ruleset: RuleSet, item: LeadItem, now: dt.datetime, reporter: Reporter, debug: bool
) -> Result | None:
    try:
        return ruleset.evaluate(item.data, now)
    except Exception as exc:  # evaluate() must not raise; never lose the rest of a big file
        if debug:
            raise
        reporter.skip(
            item.where, f"could not be scored (internal error {type(exc).__name__}: {exc})"
        )
        return None


def _unused_events_note(table: EventTable | None, write: Callable[[str], None]) -> None:
    if table is None:
        return
    events, ids = table.unused()
    if events:
        write(
            f"  {events} event{'s' if events != 1 else ''} for {ids} lead "
            f"id{'s' if ids != 1 else ''} not in the leads file"
        )


# --------------------------------------------------------------------------- the group


@click.group(
    cls=LeadrulesGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="leadrules")
@debug_option
def cli() -> None:
    """Lead scoring rules as plain text: check them, score leads, explain a score, format rule
    files, test rules against known cases, and see the impact of a change.

    Exit codes: 0 ok, 1 findings (errors, failures, skipped records), 2 usage or trouble.
    """


# --------------------------------------------------------------------------- check


def _diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    return {
        "file": d.filename,
        "line": d.line,
        "column": d.column,
        "end_column": d.end_column,
        "severity": d.severity,
        "message": d.message,
        "hint": d.hint,
        "source_line": d.source_line.rstrip("\r\n"),
    }


@cli.command()
@click.argument("rules", nargs=-1, required=True, type=RULES_FILE)
@click.option(
    "--schema",
    metavar="MODULE:CLASS",
    callback=_schema_callback,
    default=None,
    help="Check names and types against this class (MODULE:CLASS, e.g. myapp.models:Lead).",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: file:line:col: severity: message, the line and a caret; json: for tools.",
)
@debug_option
def check(rules: tuple[str, ...], schema: Any, output: str) -> None:
    """Check rule files: syntax, schema and static analysis.

    Errors stop a file from being used; warnings point at rules that are probably wrong; notes
    (severity info) tell facts such as the possible score range. Exit 0 when no file has
    errors (warnings allowed), 1 when some do.
    """
    found: list[Diagnostic] = []
    files: list[dict[str, Any]] = []
    for path in rules:
        diagnostics: list[Diagnostic] = []
        try:
            text = _read_rule_text(path)
        except UnreadableRules as exc:
            diagnostics.append(exc.diagnostic)
        except Failure as exc:
            diagnostics.append(Diagnostic(exc.format_message(), path, 1, 1))
        else:
            try:
                ruleset = compile_rules(text, schema=schema, filename=path)
            except RuleSyntaxError as exc:
                diagnostics.extend(exc.diagnostics)
            except LeadRulesError as exc:
                diagnostics.append(Diagnostic(str(exc), path, 1, 1))
            else:
                diagnostics.extend(ruleset.diagnostics())
        found.extend(diagnostics)
        files.append(
            {
                "file": path,
                "errors": sum(1 for d in diagnostics if d.severity == "error"),
                "warnings": sum(1 for d in diagnostics if d.severity == "warning"),
                "notes": sum(1 for d in diagnostics if d.severity not in ("error", "warning")),
            }
        )
    errors = sum(f["errors"] for f in files)
    warnings = sum(f["warnings"] for f in files)
    notes = sum(f["notes"] for f in files)
    if output == "json":
        click.echo(
            json.dumps(
                {
                    "files": files,
                    "errors": errors,
                    "warnings": warnings,
                    "notes": notes,
                    "diagnostics": [_diagnostic_dict(d) for d in found],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for d in found:
            click.echo(d.render())
            click.echo("")
        click.echo(
            f"{len(files)} file{'s' if len(files) != 1 else ''} checked: "
            f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}"
            + (f", {notes} note{'s' if notes != 1 else ''}" if notes else "")
        )
    if errors:
        click.get_current_context().exit(EXIT_FINDINGS)


# --------------------------------------------------------------------------- score


@cli.command()
@click.argument("rules", type=RULES_FILE)
@click.argument("leads", type=LEADS_FILE)
@input_options
@now_option
@click.option(
    "--output",
    "-o",
    type=click.Choice(["table", "jsonl", "csv"]),
    default="table",
    show_default=True,
    help="table for people, jsonl or csv for tools.",
)
@click.option("--explain", is_flag=True, help="Add each lead's full explanation.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on standard error (default: when it is a terminal).",
)
@debug_option
def score(
    rules: str,
    leads: str,
    events_path: str | None,
    id_field: str,
    input_format: str | None,
    encoding: str,
    now: dt.datetime | None,
    output: str,
    explain: bool,
    quiet: bool,
    progress: bool | None,
) -> None:
    """Score every lead in LEADS (.csv, .tsv, .jsonl, .json, or - for standard input).

    Streams: leads are read, scored and written one at a time. CSV headers match rule names as
    the language does (`Company Size` is `company size`); blank cells are missing. The summary
    (leads per stage, disqualified, warnings) goes to standard error. Records that cannot be
    read are reported with their line number and skipped; the exit code is then 1.
    """
    ctx = click.get_current_context()
    ruleset = load_rules(rules)
    moment = now or dt.datetime.now(UTC)
    reporter = Reporter()
    source, items, table = _leads(leads, input_format, encoding, events_path, id_field, reporter)
    stdout = sys.stdout

    def write(text: str) -> None:
        stdout.write(text + "\n")

    writer = make_writer(output, write, explain)
    tally = StageTally(ruleset.stages)
    bar = Progress(source, _progress_wanted(progress, quiet), "scoring")
    reporter.set_writer(bar.write)
    try:
        writer.start()
        for item in items:
            result = _evaluate(ruleset, item, moment, reporter, _debugging(ctx))
            bar.step()
            if result is None:
                continue
            writer.lead(lead_label(item, id_field), item.where, result)
            tally.add(result)
        stdout.flush()
    finally:
        bar.close()
        source.close()
    if not quiet:
        _echo_err(
            f"{tally.leads} lead{'s' if tally.leads != 1 else ''} scored from {source.name} "
            f"with {rules} at {moment.isoformat()}"
        )
        for line in tally.lines():
            _echo_err(line)
        if reporter.skipped:
            _echo_err(
                f"  {'skipped':<14} {reporter.skipped:>8}  (records that could not be read; "
                "see above)"
            )
        _unused_events_note(table, _echo_err)
    if reporter.skipped:
        ctx.exit(EXIT_FINDINGS)


# --------------------------------------------------------------------------- explain


@cli.command()
@click.argument("rules", type=RULES_FILE)
@click.argument("leads", type=LEADS_FILE)
@click.option("--id", "wanted_id", default=None, help="The lead whose --id-field is this value.")
@click.option(
    "--index",
    type=click.IntRange(min=1),
    default=None,
    help="The Nth lead of the file (1 is the first lead; headers and blank lines not counted).",
)
@input_options
@now_option
@click.option(
    "--color/--no-color",
    default=None,
    help="Colours (default: only on a terminal, and never when NO_COLOR is set).",
)
@debug_option
def explain(
    rules: str,
    leads: str,
    wanted_id: str | None,
    index: int | None,
    events_path: str | None,
    id_field: str,
    input_format: str | None,
    encoding: str,
    now: dt.datetime | None,
    color: bool | None,
) -> None:
    """Explain one lead's score, point by point. Pick it with --id X or --index N.

    Exit 1 when the lead is not in the file.
    """
    if (wanted_id is None) == (index is None):
        raise click.UsageError("give exactly one of --id X and --index N")
    ruleset = load_rules(rules)
    moment = now or dt.datetime.now(UTC)
    reporter = Reporter()
    source, items, _table = _leads(leads, input_format, encoding, events_path, id_field, reporter)
    found: LeadItem | None = None
    seen = 0
    with_id = 0
    try:
        for item in items:
            seen += 1
            if index is not None:
                if item.number == index:
                    found = item
                    break
                if item.number > index:
                    break
                continue
            this_id = lead_id(item, id_field)
            if this_id is not None:
                with_id += 1
            if wanted_id is not None and this_id == wanted_id.strip():
                found = item
                break
    finally:
        source.close()
    if found is None:
        if index is not None:
            raise NotFound(f"{source.name} has no readable lead number {index} ({seen} read)")
        hint = (
            ""
            if with_id
            else f"; no lead has an id field {id_field!r}"
            + (" (or 'lead id')" if id_field == "id" else "")
            + ": choose the id column with --id-field, or use --index"
        )
        raise NotFound(
            f"no lead with {id_field} {wanted_id!r} in {source.name} ({seen} read){hint}"
        )
    result = ruleset.evaluate(found.data, moment)
    text = result.explain().rstrip("\n")
    use_color = _color_wanted(color, sys.stdout)
    header = f"Lead {lead_label(found, id_field)} ({found.where}), scored at {moment.isoformat()}"
    if use_color:
        click.echo(click.style(header, bold=True), color=True)
        click.echo(colorize(text), color=True)
    else:
        click.echo(header)
        click.echo(text)


# --------------------------------------------------------------------------- fmt


def _write_atomically(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".leadrules-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        with contextlib.suppress(OSError):
            os.chmod(temp, os.stat(path).st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


@cli.command()
@click.argument(
    "rules", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, allow_dash=True)
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Change nothing; list files that would change and exit 1 if there are any.",
)
@click.option(
    "--diff", "show_diff", is_flag=True, help="Change nothing; print a unified diff of the changes."
)
@debug_option
def fmt(rules: tuple[str, ...], check_only: bool, show_diff: bool) -> None:
    """Format rule files in place in the canonical layout (- reads standard input and writes
    the result to standard output).

    Exit 1 with --check when some file would change; 2 when a file does not parse.
    """
    status = _echo_err if show_diff else click.echo
    changed: list[str] = []
    unchanged = 0
    broken = 0
    for path in rules:
        if path == "-":
            original = sys.stdin.read()
            name = "<stdin>"
        else:
            original = _read_rule_text(path)
            name = path
        try:
            formatted = format_rules(original, filename=name)
        except RuleSyntaxError as exc:
            for diagnostic in exc.diagnostics:
                _echo_err(diagnostic.render() + "\n")
            broken += 1
            continue
        if path == "-" and not check_only and not show_diff:
            sys.stdout.write(formatted)
            continue
        if formatted == original:
            unchanged += 1
            continue
        changed.append(name)
        if show_diff:
            diff = difflib.unified_diff(
                original.splitlines(keepends=True),
                formatted.splitlines(keepends=True),
                fromfile=f"{name} (original)",
                tofile=f"{name} (formatted)",
            )
            for line in diff:
                click.echo(line if line.endswith("\n") else line + "\n", nl=False)
                if not line.endswith("\n"):
                    click.echo("\\ No newline at end of file")
        if check_only or show_diff:
            status(f"would reformat {name}")
        else:
            _write_atomically(path, formatted)
            _echo_err(f"reformatted {name}")
    verb = "would be reformatted" if (check_only or show_diff) else "reformatted"
    parts = [f"{len(changed)} file{'s' if len(changed) != 1 else ''} {verb}"]
    if unchanged:
        parts.append(f"{unchanged} file{'s' if unchanged != 1 else ''} already formatted")
    if broken:
        parts.append(f"{broken} file{'s' if broken != 1 else ''} could not be formatted")
    if not (len(rules) == 1 and rules[0] == "-" and not (check_only or show_diff)):
        (status if (check_only and not show_diff) else _echo_err)(", ".join(parts))
    ctx = click.get_current_context()
    if broken:
        ctx.exit(EXIT_USAGE)
    if changed and check_only:
        ctx.exit(EXIT_FINDINGS)


# --------------------------------------------------------------------------- test

_EXPECT_KEYS = ("stage", "score", "disqualified", "qualified")


class CaseError(Exception):
    pass


def _expect_number(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise CaseError(f"{what} must be a number, not {json.dumps(value, default=str)}")
    return Decimal(str(value))


def _parse_case(text: str) -> dict[str, Any]:
    try:
        case = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CaseError(f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(case, dict):
        raise CaseError("a case must be a JSON object")
    unknown = sorted(set(case) - {"name", "lead", "now", "expect"})
    if unknown:
        raise CaseError(f"unknown key {unknown[0]!r} (a case has name, lead, now, expect)")
    if not isinstance(case.get("lead"), dict):
        raise CaseError('a case needs "lead": an object with the lead\'s fields')
    expect = case.get("expect")
    if not isinstance(expect, dict) or not expect:
        raise CaseError(
            'a case needs "expect": an object with stage, score, disqualified and/or qualified'
        )
    for key in expect:
        if key not in _EXPECT_KEYS:
            raise CaseError(f"unknown expectation {key!r} (use {', '.join(_EXPECT_KEYS)})")
    if "stage" in expect and not (expect["stage"] is None or isinstance(expect["stage"], str)):
        raise CaseError('"stage" must be a stage name or null (no stage)')
    for key in ("disqualified", "qualified"):
        if key in expect and not isinstance(expect[key], bool):
            raise CaseError(f'"{key}" must be true or false')
    if "score" in expect:
        wanted = expect["score"]
        if isinstance(wanted, dict):
            extra = set(wanted) - {"min", "max"}
            if extra or not wanted:
                raise CaseError('"score" is a number or {"min": N, "max": N}')
            for key, value in wanted.items():
                _expect_number(value, f"score {key}")
        else:
            _expect_number(wanted, "score")
    if "now" in case:
        if not isinstance(case["now"], str):
            raise CaseError('"now" must be ISO-8601 text')
        try:
            case["now"] = parse_moment(case["now"])
        except ValueError as exc:
            raise CaseError(f"now: {exc}") from exc
    return case


def _stage_text(stage: str | None) -> str:
    return "no stage" if stage is None else stage


def _mismatches(expect: dict[str, Any], result: Result) -> list[str]:
    out: list[str] = []
    if "stage" in expect and expect["stage"] != result.stage:
        got = _stage_text(result.stage)
        if result.disqualified and result.stage is None:
            got += " (disqualified)"
        out.append(f"stage: expected {_stage_text(expect['stage'])}, got {got}")
    if "score" in expect:
        wanted = expect["score"]
        if isinstance(wanted, dict):
            low = None if "min" not in wanted else _expect_number(wanted["min"], "min")
            high = None if "max" not in wanted else _expect_number(wanted["max"], "max")
            if (low is not None and result.score < low) or (
                high is not None and result.score > high
            ):
                bounds = f"{'-' if low is None else fmt_number(low)} to " + (
                    "-" if high is None else fmt_number(high)
                )
                out.append(f"score: expected {bounds}, got {fmt_number(result.score)}")
        elif _expect_number(wanted, "score") != result.score:
            out.append(
                f"score: expected {fmt_number(_expect_number(wanted, 'score'))}, "
                f"got {fmt_number(result.score)}"
            )
    for key in ("disqualified", "qualified"):
        if key in expect and expect[key] != getattr(result, key):
            out.append(
                f"{key}: expected {str(expect[key]).lower()}, "
                f"got {str(getattr(result, key)).lower()}"
            )
    return out


@cli.command("test")
@click.argument("rules", type=RULES_FILE)
@click.argument("cases", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@now_option
@click.option("--verbose", "-v", is_flag=True, help="Also list the cases that pass.")
@click.option("--color/--no-color", default=None, help="Colours (default: on a terminal).")
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    help="Text encoding of CASES.",
)
@debug_option
def test_cmd(
    rules: str,
    cases: str,
    now: dt.datetime | None,
    verbose: bool,
    color: bool | None,
    encoding: str,
) -> None:
    """Run the rule-file tests in CASES against RULES.

    CASES is JSON Lines, one case per line (blank lines and lines starting with # are skipped):

    \b
    {"name": "VP at a GB software firm is SQL",
     "lead": {"job title": "VP Sales", "country": "GB", "requested demo": true},
     "now": "2026-11-21T00:00:00Z",
     "expect": {"stage": "SQL", "score": 80, "disqualified": false}}

    expect may hold stage (a name, or null for none), score (a number, or {"min": N, "max": N}),
    disqualified and qualified (true/false). A case without now uses --now, else the current
    time. Exit 1 when a case fails, 2 when CASES itself has mistakes.
    """
    ruleset = load_rules(rules)
    default_now = now or dt.datetime.now(UTC)
    parsed: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    with _open_input(cases, "jsonl", encoding) as stream:
        name = stream.name
        for line_no, text in stream.lines():
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            bad = undecodable(text, encoding)
            if bad is not None:
                problems.append(f"{name}:{line_no}: {bad[1]}")
                continue
            try:
                parsed.append((line_no, _parse_case(text)))
            except CaseError as exc:
                problems.append(f"{name}:{line_no}: {exc}")
    if problems:
        for problem in problems:
            _echo_err(problem)
        raise Failure(f"{name} has {len(problems)} mistake{'s' if len(problems) != 1 else ''}")
    if not parsed:
        raise Failure(f"{name} has no cases")
    use_color = _color_wanted(color, sys.stdout)
    passed = failed = 0
    for line_no, case in parsed:
        title = case.get("name") or f"case at line {line_no}"
        result = ruleset.evaluate(case["lead"], case.get("now", default_now))
        wrong = _mismatches(case["expect"], result)
        if not wrong:
            passed += 1
            if verbose:
                click.echo(f"ok    {name}:{line_no}: {title}")
            continue
        failed += 1
        fail = click.style("FAIL", fg="red", bold=True) if use_color else "FAIL"
        click.echo(f"{fail}  {name}:{line_no}: {title}", color=use_color)
        for message in wrong:
            click.echo(f"      {message}")
        click.echo("      explanation:")
        explanation = result.explain().rstrip("\n")
        if use_color:
            explanation = colorize(explanation)
        for line in explanation.split("\n"):
            click.echo(("        " + line).rstrip(), color=use_color)
        click.echo("")
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        click.get_current_context().exit(EXIT_FINDINGS)


# --------------------------------------------------------------------------- diff


@cli.command()
@click.argument("old", type=RULES_FILE)
@click.argument("new", type=RULES_FILE)
@click.argument("leads", type=LEADS_FILE)
@input_options
@now_option
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
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on standard error (default: when it is a terminal).",
)
@debug_option
def diff(
    old: str,
    new: str,
    leads: str,
    events_path: str | None,
    id_field: str,
    input_format: str | None,
    encoding: str,
    now: dt.datetime | None,
    output: str,
    top: int,
    exit_code: bool,
    progress: bool | None,
) -> None:
    """Show the impact of changing the rules from OLD to NEW on the leads in LEADS.

    Prints the stage transition matrix (rows: stage under OLD, columns: stage under NEW), how
    many leads gain or lose qualification, score change statistics, and the leads that moved
    most with the rules responsible (the rules whose points differ).
    """
    ctx = click.get_current_context()
    old_rules = load_rules(old)
    new_rules = load_rules(new)
    moment = now or dt.datetime.now(UTC)
    reporter = Reporter()
    source, items, table = _leads(leads, input_format, encoding, events_path, id_field, reporter)
    report = DiffReport(old_rules.stages, new_rules.stages, top)
    bar = Progress(source, _progress_wanted(progress, False), "comparing")
    reporter.set_writer(bar.write)
    debug = _debugging(ctx)
    try:
        for item in items:
            before = _evaluate(old_rules, item, moment, reporter, debug)
            after = None if before is None else _evaluate(new_rules, item, moment, reporter, debug)
            bar.step()
            if before is None or after is None:
                continue
            report.add(lead_label(item, id_field), item.number, before, after)
    finally:
        bar.close()
        source.close()
    if output == "json":
        data = {
            "old": old,
            "new": new,
            "leads_file": source.name,
            "now": moment.isoformat(),
            "skipped": reporter.skipped,
            **report.to_dict(),
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(f"Old rules: {old}")
        click.echo(f"New rules: {new}")
        click.echo(
            f"Leads:     {source.name}, {report.leads} scored at {moment.isoformat()}"
            + (f", {reporter.skipped} skipped" if reporter.skipped else "")
        )
        click.echo("")
        for line in report.lines():
            click.echo(line)
    _unused_events_note(table, _echo_err)
    if reporter.skipped or (exit_code and report.changed):
        ctx.exit(EXIT_FINDINGS)


# --------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> NoReturn:
    """The console script: ``leadrules`` (also ``python -m leadrules``)."""
    try:
        cli.main(args=argv, prog_name="leadrules")
    except BrokenPipeError:  # pragma: no cover - raised while flushing at exit
        _silence_stdout()
        sys.exit(EXIT_OK)
    raise SystemExit(EXIT_OK)  # pragma: no cover - cli.main always exits
