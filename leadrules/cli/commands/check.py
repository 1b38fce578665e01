"""``leadrules check``: rule files checked for syntax, against a schema (``--schema``) or a
sample of real leads (``--leads``, with ``--events``), and by static analysis; diagnostics as
text or JSON.

Holds the command and what only it needs (importing the schema class). Not here: compiling and
the checks themselves (:mod:`leadrules.lang`), binding to a sample (:mod:`..binding`).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
from types import ModuleType
from typing import Any

import click

from ...errors import Diagnostic, LeadRulesError, RuleSyntaxError
from ...ruleset import compile as compile_rules
from ..base import (
    EXIT_FINDINGS,
    EXIT_OK,
    Failure,
    UnreadableRules,
    command,
    counted,
    read_rule_text,
)
from ..binding import Sample, bind, read_sample
from ..leadfile import LeadFile
from ..options import LEADS_FILE, RULES_FILE, dayfirst_option, input_options

__all__ = ["check"]


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


@command()
@click.argument("rules", nargs=-1, required=True, type=RULES_FILE)
@click.option(
    "--schema",
    metavar="MODULE:CLASS",
    callback=_schema_callback,
    default=None,
    help="Check names and types against this class (MODULE:CLASS, e.g. myapp.models:Lead).",
)
@click.option(
    "--leads",
    "leads_path",
    type=LEADS_FILE,
    default=None,
    metavar="FILE",
    help="Check names and the kinds of values against a sample of real leads (a CSV, JSON "
    "Lines or JSON export), and bare facts against the events of --events.",
)
@input_options
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="How many leads of --leads to read.",
)
@dayfirst_option
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: file:line:col: severity: message, the line and a caret; json: for tools.",
)
def check(
    rules: tuple[str, ...],
    schema: Any,
    leads_path: str | None,
    events_path: str | None,
    id_field: str | None,
    events_id_field: str | None,
    input_format: str | None,
    encoding: str,
    sample: int,
    dayfirst: bool,
    output: str,
) -> int:
    """Check rule files: syntax, schema and static analysis.

    Errors stop a file from being used; warnings point at rules that are probably wrong; notes
    (severity info) tell facts such as the possible score range. With --leads, every name the
    rules read must be a column of the leads (or, for a bare fact, an event of --events), and
    every test must suit the values found. Exit 0 when no file has errors (warnings allowed),
    1 when some do.
    """
    if leads_path is not None and schema is not None:
        raise click.UsageError("give one of --schema and --leads")
    if leads_path is None and (events_path or id_field or events_id_field or input_format):
        raise click.UsageError("--events, --id-field and --input-format go with --leads FILE")
    bound: Sample | None = None
    if leads_path is not None:
        lead_file = LeadFile(
            leads_path, input_format, encoding, events_path, id_field, events_id_field
        )
        bound = read_sample(lead_file, sample)
    found: list[Diagnostic] = []
    files: list[dict[str, Any]] = []
    for path in rules:
        diagnostics: list[Diagnostic] = []
        try:
            text = read_rule_text(path)
        except UnreadableRules as exc:
            diagnostics.append(exc.diagnostic)
        except Failure as exc:
            diagnostics.append(Diagnostic(exc.format_message(), path, 1, 1))
        else:
            try:
                ruleset = compile_rules(text, schema=schema, filename=path, dayfirst=dayfirst)
            except RuleSyntaxError as exc:
                diagnostics.extend(exc.diagnostics)
            except LeadRulesError as exc:
                diagnostics.append(Diagnostic(str(exc), path, 1, 1))
            else:
                problems = [] if bound is None else bind(ruleset.checked, bound)
                diagnostics.extend(problems or ruleset.diagnostics())
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
                    **({} if bound is None else {"sample": bound.to_dict()}),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for d in found:
            click.echo(d.render())
            click.echo("")
        if bound is not None:
            click.echo(bound.describe())
        click.echo(
            f"{counted(len(files), 'file')} checked: "
            f"{counted(errors, 'error')}, {counted(warnings, 'warning')}"
            + (f", {counted(notes, 'note')}" if notes else "")
        )
    return EXIT_FINDINGS if errors else EXIT_OK
