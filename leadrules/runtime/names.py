"""How a rule's names find fields: the normal form names are matched by, and what a name is to
the code that reads leads (a sequence of parts, each written plainly or in backticks).

This module knows nothing of the rule tree: :class:`leadrules.lang.ast.Name` is one kind of
:class:`NameLike`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

__all__ = ["NameLike", "PartLike", "normalize_name"]

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalize_name(text: str) -> str:
    """The form names are matched by: case-folded, with runs of spaces, ``_`` and ``-`` made
    one space, and surrounding separators dropped. ``"Company_Size"`` -> ``"company size"``."""
    return _SEPARATORS.sub(" ", text.casefold()).strip()


class PartLike(Protocol):
    """One dotted segment of a name: its text, and whether it was written in backticks (and
    so is matched exactly first)."""

    @property
    def text(self) -> str: ...

    @property
    def exact(self) -> bool: ...


class NameLike(Protocol):
    """A name as leads are read by it: ``company size``, ``address.country``."""

    @property
    def parts(self) -> Sequence[PartLike]: ...

    @property
    def is_private(self) -> bool: ...
