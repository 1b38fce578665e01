"""The commands of ``leadrules``, one module per family; :data:`COMMANDS` is what the group
holds.

A new command: a module here whose function is decorated with :func:`..base.command` (shared
options are in :mod:`..options`), and its entry in :data:`COMMANDS`.
"""

from __future__ import annotations

import click

from . import cases, check, diff, fmt, lsp, score, sql

__all__ = ["COMMANDS"]

#: Every command of the group (``--help`` lists them by name).
COMMANDS: tuple[click.Command, ...] = (
    check.check,
    score.score,
    score.explain,
    fmt.fmt,
    cases.test_cmd,
    diff.diff,
    sql.sql_cmd,
    lsp.lsp,
)
