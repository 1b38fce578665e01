"""``leadrules lsp``: the language server, on standard input and output, for editors.

A thin command: the server is :mod:`leadrules.lsp` (imported only when the command runs, since
it needs the optional pygls, ``pip install "leadrules[lsp]"``).
"""

from __future__ import annotations

import click

from ..base import Failure, command

__all__ = ["lsp"]

_MISSING = {"pygls", "lsprotocol"}


@command()
@click.option(
    "--stdio",
    is_flag=True,
    help="Speak the protocol on standard input and output (the default, and the only way).",
)
def lsp(stdio: bool) -> None:
    """Run the leadrules language server for editors (Language Server Protocol, over
    standard input and output): errors as you type, completion, hover, go to definition,
    rename, formatting and the outline of rule files.

    Needs the lsp extra: pip install "leadrules[lsp]".
    """
    try:
        from ...lsp.server import serve
    except ModuleNotFoundError as exc:
        if exc.name not in _MISSING:
            raise
        raise Failure(
            f"the language server needs {exc.name}, which is not installed: "
            'pip install "leadrules[lsp]"'
        ) from exc
    serve()
