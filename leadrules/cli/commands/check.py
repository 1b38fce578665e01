"""``leadrules check``: rule files checked for syntax, against a schema (``--schema``) and by
static analysis; diagnostics as text or JSON.

Holds the command and what only it needs (importing the schema class). Not here: compiling and
the checks themselves (:mod:`leadrules.lang`).
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
from ..options import RULES_FILE

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
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: file:line:col: severity: message, the line and a caret; json: for tools.",
)
def check(rules: tuple[str, ...], schema: Any, output: str) -> int:
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
            text = read_rule_text(path)
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
            f"{counted(len(files), 'file')} checked: "
            f"{counted(errors, 'error')}, {counted(warnings, 'warning')}"
            + (f", {counted(notes, 'note')}" if notes else "")
        )
    return EXIT_FINDINGS if errors else EXIT_OK
