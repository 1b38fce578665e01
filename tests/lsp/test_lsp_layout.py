"""The language server and the lexer are at the top of the layout (docs/architecture.md):
nothing else in leadrules imports them, and only the server imports pygls, so the rest of
``leadrules.lsp`` works without it."""

from __future__ import annotations

import ast as python_ast
from pathlib import Path

import leadrules

PACKAGE = Path(leadrules.__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    tree = python_ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    base = path.parent.relative_to(PACKAGE.parent).parts
    for node in python_ast.walk(tree):
        if isinstance(node, python_ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, python_ast.ImportFrom):
            if node.level == 0:
                found.add(node.module or "")
            else:
                up = base[: len(base) - (node.level - 1)]
                found.add(".".join([*up, *([node.module] if node.module else [])]))
    return found


def test_nothing_below_imports_the_server_or_the_lexer() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).parts
        if relative[0] in ("lsp", "editor") or relative[:3] == ("cli", "commands", "lsp.py"):
            continue
        for module in _imported_modules(path):
            if module.startswith(("leadrules.lsp", "leadrules.editor")):
                offenders.append(f"{path.relative_to(PACKAGE)}: {module}")
    assert offenders == []


def test_only_the_server_module_imports_pygls() -> None:
    users = sorted(
        path.name
        for path in (PACKAGE / "lsp").glob("*.py")
        if any(m.split(".")[0] in ("pygls", "lsprotocol") for m in _imported_modules(path))
    )
    assert users == ["server.py"]
