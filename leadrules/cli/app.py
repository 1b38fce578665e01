"""The ``leadrules`` group: the commands it holds, how every error becomes a one-line message
and an exit code, and the console script's entry point.

Exit codes are listed in :mod:`.base`; documented, with real output, in ``docs/cli.md``. Not
here: the commands (:mod:`.commands`, where a new one is listed).
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click

from .. import __version__
from ..errors import LeadRulesError
from .base import EXIT_OK, Failure, debug_option, debugging
from .commands import COMMANDS

__all__ = ["LeadrulesGroup", "cli", "main"]


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
            if debugging(ctx):
                raise
            raise Failure(str(exc)) from exc
        except OSError as exc:
            if debugging(ctx):
                raise
            name = f" {exc.filename}" if exc.filename else ""
            raise Failure(f"cannot use{name}: {exc.strerror or exc}") from exc
        except Exception as exc:
            if debugging(ctx):
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


@click.group(
    cls=LeadrulesGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    commands=COMMANDS,
)
@click.version_option(__version__, "--version", prog_name="leadrules")
@debug_option
def cli() -> None:
    """Lead scoring rules as plain text: check them, score leads, explain a score, format rule
    files, test rules against known cases, and see the impact of a change.

    Exit codes: 0 ok, 1 findings (errors, failures, skipped records), 2 usage or trouble.
    """


def main(argv: list[str] | None = None) -> NoReturn:
    """The console script: ``leadrules`` (also ``python -m leadrules``)."""
    try:
        cli.main(args=argv, prog_name="leadrules")
    except BrokenPipeError:  # pragma: no cover - raised while flushing at exit
        _silence_stdout()
        sys.exit(EXIT_OK)
    raise SystemExit(EXIT_OK)  # pragma: no cover - cli.main always exits
