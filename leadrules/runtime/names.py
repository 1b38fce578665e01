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


#: Names already normalised (leads of one source share their keys, events their names): at
#: most this many are kept, then the cache starts afresh.
_CACHE_SIZE = 8192
_NORMAL: dict[str, str] = {}


def normalize_name(text: str) -> str:
    """The form names are matched by: case-folded, with runs of spaces, ``_`` and ``-`` made
    one space, and surrounding separators dropped. ``"Company_Size"`` -> ``"company size"``."""
    found = _NORMAL.get(text)
    if found is None:
        found = _SEPARATORS.sub(" ", text.casefold()).strip()
        if len(_NORMAL) >= _CACHE_SIZE:
            _NORMAL.clear()
        if text.__class__ is str:  # a str subclass could compare equal but mean otherwise
            _NORMAL[text] = found
    return found


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
