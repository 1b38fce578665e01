"""What every ``leadrules`` command is made of: exit codes, the errors that stop a command,
``--debug``, the :func:`command` decorator, messages on standard error, the wording of counts,
reading a rule file and opening an input file.

Exit codes: 0 all good; 1 findings (rule errors found by ``check``, failing cases, files that
``fmt --check`` would change, input records that had to be skipped, a lead ``explain`` could not
find); 2 the command could not do its work (bad usage, a missing file, rules that do not compile,
an internal error). No Python traceback is printed unless ``--debug`` is given.

Not here: the group that holds the commands and turns errors into messages (:mod:`.app`), the
options several commands share (:mod:`.options`), the commands themselves (:mod:`.commands`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, Any, TypeVar, cast

import click

from ..errors import Diagnostic, LeadRulesError, RuleSyntaxError
from ..ruleset import RuleSet
from ..ruleset import compile as compile_rules
from .inputs import Format, InputFile, undecodable

__all__ = [
    "ESCAPED_NOTE",
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_USAGE",
    "Command",
    "Failure",
    "NotFound",
    "UnreadableRules",
    "command",
    "counted",
    "debug_option",
    "debugging",
    "echo_err",
    "load_rules",
    "open_input",
    "read_rule_text",
    "writable",
]

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


# --------------------------------------------------------------------------- --debug and commands


def debugging(ctx: click.Context) -> bool:
    """Whether ``--debug`` was given (or ``LEADRULES_DEBUG`` is set): show tracebacks."""
    return bool(ctx.meta.get(_DEBUG_KEY)) or os.environ.get("LEADRULES_DEBUG", "") not in (
        "",
        "0",
    )


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta[_DEBUG_KEY] = True
    return value


_DEBUG: dict[str, Any] = {
    "is_flag": True,
    "expose_value": False,
    "is_eager": True,
    "callback": _set_debug,
    "help": "Show the Python traceback of an unexpected error.",
}


def debug_option(func: F) -> F:
    """``--debug`` on the group (every :func:`command` has it too)."""
    return click.option("--debug", **_DEBUG)(func)


class Command(click.Command):
    """A ``leadrules`` command: ``--debug`` is its last option, and its function returns the
    exit code (None for 0)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(click.Option(["--debug"], **_DEBUG))

    def invoke(self, ctx: click.Context) -> None:
        code = super().invoke(ctx)
        if code:
            ctx.exit(code)


def command(name: str | None = None) -> Callable[[Callable[..., int | None]], Command]:
    """Make a function a ``leadrules`` command (see :class:`Command`); list it in
    :data:`leadrules.cli.commands.COMMANDS` to add it to the group."""
    return click.command(name, cls=Command)


# --------------------------------------------------------------------------- text


def echo_err(text: str) -> None:
    click.echo(text, file=sys.stderr)


#: What is said of a record whose output held text that cannot be written.
ESCAPED_NOTE = (
    "its output holds text that cannot be written as {encoding} (a lone surrogate such as "
    "\\ud800, from a broken JSON escape); it is written as a \\u escape"
)


def writable(text: str, stream: IO[str]) -> tuple[str, bool]:
    """``text`` as ``stream`` can write it, and whether it had to change: characters its
    encoding cannot hold (a lone surrogate, which UTF-8 cannot) written as ``\\u`` escapes
    (in JSON, the very escape the character came from)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, "backslashreplace").decode(encoding), True
    except LookupError:  # pragma: no cover - a stream with an unknown encoding
        return text, False
    return text, False


def counted(count: int, thing: str) -> str:
    """``1 file``, ``3 files``, ``0 files``."""
    return f"{count} {thing}{'s' if count != 1 else ''}"


# --------------------------------------------------------------------------- files


def load_rules(path: str, dayfirst: bool = False) -> RuleSet:
    """Compile a rule file (``dayfirst``: the leads' dates are read day first); on mistakes
    print every diagnostic and stop with exit code 2."""
    text = read_rule_text(path)
    try:
        return compile_rules(text, filename=path, dayfirst=dayfirst)
    except RuleSyntaxError as exc:
        for diagnostic in exc.diagnostics:
            echo_err(diagnostic.render() + "\n")
        raise Failure(
            f"{path} has {counted(len(exc.diagnostics), 'error')}; see `leadrules check {path}`"
        ) from exc


def read_rule_text(path: str) -> str:
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


def open_input(path: str, fmt: str | None, encoding: str, *, table: bool = True) -> InputFile:
    """An input file opened; a file that cannot be used (``table``: or that is not a table of
    records, see :func:`.inputs.check_table`) is a :class:`Failure` (even with ``--debug``)."""
    try:
        return InputFile.open(
            path, cast("Format | None", fmt.lower() if fmt else None), encoding, table=table
        )
    except LeadRulesError as exc:
        raise Failure(str(exc)) from exc
