"""The options and argument types that several commands share, each defined once: ``--now``,
the leads input options (``--events``, ``--id-field``, ``--events-id-field``,
``--input-format``, ``--encoding``), ``--dayfirst``, ``--progress`` and ``--color``.

Not here: ``--debug`` (every command has it: :mod:`.base`), and options only one command takes
(they stay with that command in :mod:`.commands`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .inputs import parse_moment

__all__ = [
    "INPUT_FORMATS",
    "LEADS_FILE",
    "RULES_FILE",
    "color_option",
    "dayfirst_option",
    "encoding_option",
    "input_options",
    "moment_callback",
    "now_option",
    "progress_option",
    "scoring_time",
]

UTC = dt.timezone.utc
F = TypeVar("F", bound=Callable[..., Any])

RULES_FILE = click.Path(exists=True, dir_okay=False, allow_dash=False)
LEADS_FILE = click.Path(exists=True, dir_okay=False, allow_dash=True)
INPUT_FORMATS = click.Choice(["csv", "tsv", "jsonl", "json", "parquet"], case_sensitive=False)


def moment_callback(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return parse_moment(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from exc


def now_option(func: F) -> F:
    """``--now TIME``: the command gets ``now`` (None when not given; see :func:`scoring_time`)."""
    return click.option(
        "--now",
        metavar="TIME",
        callback=moment_callback,
        default=None,
        help="Score as of this ISO-8601 time (2026-11-21 or 2026-11-21T09:30:00Z; naive is "
        "UTC). Default: the current UTC time.",
    )(func)


def scoring_time(now: dt.datetime | None) -> dt.datetime:
    """The time to score at: ``--now``, else the current UTC time."""
    return now or dt.datetime.now(UTC)


def encoding_option(help_text: str) -> Callable[[F], F]:
    """``--encoding`` (default utf-8) of the files ``help_text`` names."""
    return click.option("--encoding", default="utf-8", show_default=True, help=help_text)


def dayfirst_option(func: F) -> F:
    """``--dayfirst``: the command gets ``dayfirst`` (rules compiled with ``dayfirst=True``)."""
    return click.option(
        "--dayfirst",
        is_flag=True,
        help="Read the leads' numeric dates day first: 03/04/2026 is 3 April (default: month "
        "first, 4 March). Never guessed from the values.",
    )(func)


def input_options(func: F) -> F:
    """How to read LEADS: the command gets ``events_path``, ``id_field``, ``events_id_field``,
    ``input_format`` and ``encoding`` (see :class:`.leadfile.LeadFile`)."""
    options = [
        click.option(
            "--events",
            "events_path",
            type=click.Path(exists=True, dir_okay=False),
            default=None,
            help="A CSV or JSONL file of events (lead id, name, timestamp, properties) to join "
            "to the leads by their id.",
        ),
        click.option(
            "--id-field",
            default=None,
            metavar="COLUMN",
            help="The leads' id column, matched as rules match names (default: the first of id, "
            "Record ID, Lead ID, Contact ID that the leads have).",
        ),
        click.option(
            "--events-id-field",
            default=None,
            metavar="COLUMN",
            help="The events file's column holding the lead's id (default: lead id or lead, "
            "else the leads' id column's name, else Contact ID or Record ID).",
        ),
        click.option(
            "--input-format",
            type=INPUT_FORMATS,
            default=None,
            help="Format of LEADS (default: from the file extension, or sniffed for -).",
        ),
        encoding_option(
            "Text encoding of LEADS and --events (for example cp1252 for old Excel "
            "exports). A record with bytes that are not text in it is reported and skipped."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def progress_option(func: F) -> F:
    """``--progress/--no-progress``: the command gets ``progress`` (None: decide from the
    terminal, see :func:`.terminal.progress_wanted`)."""
    return click.option(
        "--progress/--no-progress",
        default=None,
        help="Show a progress bar on standard error (default: when it is a terminal).",
    )(func)


def color_option(help_text: str) -> Callable[[F], F]:
    """``--color/--no-color``: the command gets ``color`` (None: decide from the terminal, see
    :func:`.terminal.color_wanted`)."""
    return click.option("--color/--no-color", default=None, help=help_text)
