"""Rule text with some of its numbers changed and every other character kept: the points of
score rules, the ``up to`` limits of ``per`` rules, stage thresholds and group limits.

The numbers are found where the parser found them (the tokens of the Lark parse tree, with their
offsets), so comments, labels, blank lines, the layout and the numbers that are not changed
stay byte for byte as written; nothing is re-formatted. A number is named by its kind and the
line and column of the statement it belongs to: a score rule's first character (where its
points are, and where a result's ``Contribution`` says the rule is), a stage's name, a group's
``group`` keyword -- the positions the checked tree and results carry.

Not here: choosing the new numbers (``leadrules.assessment``), or the canonical layout
(:mod:`.format`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal, TypeAlias

import attrs
from lark import Token, Tree

from .decimal_text import number_text, signed_number_text
from .recovery import parse_tree

__all__ = ["NumberKind", "NumberSite", "number_sites", "renumber"]

NumberKind: TypeAlias = Literal["points", "cap", "threshold", "group max", "group min"]

_BOM = "\ufeff"


@attrs.frozen(slots=True)
class NumberSite:
    """One number of a rule file: its kind, the statement it belongs to (``line``, ``column``,
    1-based), where it is in the text (``start``/``end``, offsets into the text as given) and
    its value as written."""

    kind: NumberKind
    line: int
    column: int
    start: int
    end: int
    value: Decimal

    @property
    def key(self) -> tuple[NumberKind, int, int]:
        """How :func:`renumber` is told which number to change."""
        return (self.kind, self.line, self.column)


def _body(text: str) -> tuple[str, int]:
    """The text as the parser reads it (no byte-order mark, a final newline), and how many
    characters the mark took (the parser's offsets are that much behind the text's)."""
    skip = 1 if text.startswith(_BOM) else 0
    body = text[skip:]
    return (body if body.endswith("\n") else body + "\n"), skip


def _number(token: Any) -> Token | None:
    return token if isinstance(token, Token) and token.type == "NUMBER" else None


def _sites(tree: Tree[Any], skip: int) -> Iterator[NumberSite]:
    def site(kind: NumberKind, anchor: Token, number: Token) -> NumberSite:
        return NumberSite(
            kind,
            int(anchor.line or 0),
            int(anchor.column or 0),
            int(number.start_pos or 0) + skip,
            int(number.end_pos or 0) + skip,
            Decimal(str(number).replace("_", "")),
        )

    stack: list[Tree[Any]] = [tree]
    while stack:
        node = stack.pop()
        stack.extend(child for child in node.children if isinstance(child, Tree))
        data = node.data
        children = node.children
        if data in ("when_rule", "per_rule"):
            points = _number(children[0])
            if points is None:  # pragma: no cover - the grammar puts the points first
                continue
            yield site("points", points, points)
            for child in children:
                if isinstance(child, Tree) and child.data == "cap":
                    cap = _number(child.children[-1])
                    if cap is not None:
                        yield site("cap", points, cap)
        elif data == "stage":
            name = children[0]
            anchor = name.children[0] if isinstance(name, Tree) else name
            threshold = _number(children[2])
            if isinstance(anchor, Token) and threshold is not None:
                yield site("threshold", anchor, threshold)
        elif data == "group":
            keyword = children[0]
            if not isinstance(keyword, Token):  # pragma: no cover - `group` comes first
                continue
            for child in children:
                if isinstance(child, Tree) and child.data in ("group_max", "group_min"):
                    limit = _number(child.children[-1])
                    if limit is not None:
                        kind: NumberKind = "group max" if child.data == "group_max" else "group min"
                        yield site(kind, keyword, limit)


def number_sites(text: str, filename: str = "<rules>") -> tuple[NumberSite, ...]:
    """Every number :func:`renumber` can change, in the order of the text. Raises
    RuleSyntaxError for text that does not parse."""
    body, skip = _body(text)
    sites = sorted(_sites(parse_tree(body, filename), skip), key=lambda s: s.start)
    return tuple(sites)


def _written(kind: NumberKind, value: Decimal) -> str:
    # Points carry their sign (the language requires it); the other numbers are written plain
    # (a group's `min` may be negative).
    return signed_number_text(value) if kind == "points" else number_text(value)


def renumber(
    text: str,
    changes: Mapping[tuple[NumberKind, int, int], Decimal],
    filename: str = "<rules>",
) -> str:
    """``text`` with the numbers named in ``changes`` (by :attr:`NumberSite.key`) replaced by
    the new values, every other character unchanged. A key that names no number of the text
    raises ``KeyError`` naming it; RuleSyntaxError for text that does not parse."""
    body, skip = _body(text)
    sites = {s.key: s for s in _sites(parse_tree(body, filename), skip)}
    unknown = [key for key in changes if key not in sites]
    if unknown:
        raise KeyError(f"no such number in {filename}: {unknown[0]!r}")
    out: list[str] = []
    position = 0
    for key in sorted(changes, key=lambda k: sites[k].start):
        found = sites[key]
        out.append(text[position : found.start])
        out.append(_written(found.kind, changes[key]))
        position = found.end
    out.append(text[position:])
    return "".join(out)
