"""``leadrules fmt``: rule files rewritten in the canonical layout, in place (atomically), or
checked (``--check``) or shown as a diff (``--diff``) without changing them.

Not here: the layout itself (:func:`leadrules.lang.format.format`).
"""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
import tempfile

import click

from ...errors import RuleSyntaxError
from ...lang.format import format as format_rules
from ..base import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, command, counted, echo_err, read_rule_text

__all__ = ["fmt"]


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


@command()
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
def fmt(rules: tuple[str, ...], check_only: bool, show_diff: bool) -> int:
    """Format rule files in place in the canonical layout (- reads standard input and writes
    the result to standard output).

    Exit 1 with --check when some file would change; 2 when a file does not parse.
    """
    status = echo_err if show_diff else click.echo
    changed: list[str] = []
    unchanged = 0
    broken = 0
    for path in rules:
        if path == "-":
            original = sys.stdin.read()
            name = "<stdin>"
        else:
            original = read_rule_text(path)
            name = path
        try:
            formatted = format_rules(original, filename=name)
        except RuleSyntaxError as exc:
            for diagnostic in exc.diagnostics:
                echo_err(diagnostic.render() + "\n")
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
            echo_err(f"reformatted {name}")
    verb = "would be reformatted" if (check_only or show_diff) else "reformatted"
    parts = [f"{counted(len(changed), 'file')} {verb}"]
    if unchanged:
        parts.append(f"{counted(unchanged, 'file')} already formatted")
    if broken:
        parts.append(f"{counted(broken, 'file')} could not be formatted")
    if not (len(rules) == 1 and rules[0] == "-" and not (check_only or show_diff)):
        (status if (check_only and not show_diff) else echo_err)(", ".join(parts))
    if broken:
        return EXIT_USAGE
    return EXIT_FINDINGS if changed and check_only else EXIT_OK
