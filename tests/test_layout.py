"""The layout keeps one direction of flow (docs/architecture.md): each folder imports only the
folders below it, and no module reaches into another's private names.
"""

from __future__ import annotations

import ast as python_ast
from pathlib import Path

import leadrules

PACKAGE = Path(leadrules.__file__).resolve().parent

#: Each folder of the package, and the folders (and top modules) it must not import.
MUST_NOT_IMPORT = {
    "runtime": {
        "lang",
        "backends",
        "report",
        "cli",
        "strategies",
        "ruleset",
        "result",
        "assessment",
    },
    "lang": {"backends", "report", "cli", "strategies", "ruleset", "result", "assessment"},
    "backends": {"report", "cli", "strategies", "ruleset", "assessment"},
    "report": {"backends", "cli", "strategies", "ruleset"},
    "strategies": {"cli"},
    # The assessment scores with rule sets and is used by the command line, never the reverse.
    "assessment": {"cli", "strategies", "lsp", "editor"},
}


def _target(path: Path, node: python_ast.ImportFrom) -> str | None:
    """The folder (or top module) of the package a `from ... import` reads from, if any."""
    if node.level == 0:
        module = node.module or ""
        if not module.startswith("leadrules."):
            return None
        return module.split(".")[1]
    base = path.parent.relative_to(PACKAGE).parts
    up = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    parts = list(up) + (node.module.split(".") if node.module else [])
    if not parts:  # `from . import x` at the top: x itself is the folder or module
        return node.names[0].name
    return parts[0]


def test_each_folder_imports_only_the_folders_below_it() -> None:
    offenders = []
    for folder, banned in MUST_NOT_IMPORT.items():
        for path in (PACKAGE / folder).rglob("*.py"):
            tree = python_ast.parse(path.read_text(encoding="utf-8"))
            for node in python_ast.walk(tree):
                if isinstance(node, python_ast.ImportFrom):
                    target = _target(path, node)
                    if target in banned:
                        offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {target}")
    assert offenders == []


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every name a module imports with `from ... import`."""
    tree = python_ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in python_ast.walk(tree):
        if isinstance(node, python_ast.ImportFrom):
            found.extend(((node.module or "."), alias.name) for alias in node.names)
    return found


def test_no_module_imports_a_private_name_of_another() -> None:
    """A package may import its own private modules (``from . import _compat``); no module
    imports a private function, class or constant from another."""
    offenders = [
        f"{path.relative_to(PACKAGE)}: from {module} import {name}"
        for path in PACKAGE.rglob("*.py")
        for module, name in _imports(path)
        if name.startswith("_")
        and name != "__version__"
        and not (module == "." and (path.parent / f"{name}.py").exists())
    ]
    assert offenders == []


def test_no_module_reads_a_private_name_of_a_module_it_imports() -> None:
    """``from .. import result`` then ``result._x`` is reaching in as much as importing
    ``_x``: no module does either."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = python_ast.parse(path.read_text(encoding="utf-8"))
        modules = {
            alias.asname or alias.name
            for node in python_ast.walk(tree)
            if isinstance(node, (python_ast.Import, python_ast.ImportFrom))
            for alias in node.names
        }
        offenders.extend(
            f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value.id}.{node.attr}"
            for node in python_ast.walk(tree)
            if isinstance(node, python_ast.Attribute)
            and isinstance(node.value, python_ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        )
    assert offenders == []
