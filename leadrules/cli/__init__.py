"""The ``leadrules`` command line: :data:`cli`, the click group, and :func:`main`, the console
script (``leadrules``, also ``python -m leadrules``).

Where things are: the group and its error handling in :mod:`.app`; one module per command in
:mod:`.commands` (a new command is listed there); what commands are made of in :mod:`.base`
and :mod:`.options`; input files in :mod:`.inputs`, :mod:`.records`, :mod:`.events` and
:mod:`.leadfile`; output in :mod:`.writers`, :mod:`.summary` and :mod:`.terminal`.
"""

from .app import cli, main

__all__ = ["cli", "main"]
