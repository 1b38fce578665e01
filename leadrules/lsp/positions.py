"""Where things are in a document, in the two ways of counting that meet in the language server:
the language's (1-based lines and columns in characters, or 0-based character offsets, lines
split at ``\\n`` as :func:`leadrules.errors.source_lines` does) and the protocol's (0-based
lines, split at ``\\n``, ``\\r\\n`` and ``\\r``, and columns in code units of the negotiated
encoding: UTF-16 unless the client agreed to UTF-8 or UTF-32).

A ``é`` is one character and one UTF-16 unit, an emoji one character and two units, so the
columns differ on any line with characters beyond the Basic Multilingual Plane. A byte-order
mark at the start of the text is not seen by the parser: the offsets of this module are those
of the text after it (as the syntax tree's spans are), and line 1's columns are shifted past it.
Nothing here knows pygls: positions are plain ``(line, character)`` pairs.
"""

from __future__ import annotations

import bisect
import re
from typing import Literal

__all__ = ["Encoding", "Positions", "units"]

Encoding = Literal["utf-8", "utf-16", "utf-32"]

_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def units(text: str, encoding: Encoding) -> int:
    """How many code units of ``encoding`` ``text`` takes."""
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-16":
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


class Positions:
    """Offsets, language positions and protocol positions of one text, converted both ways."""

    def __init__(self, text: str, encoding: Encoding = "utf-16") -> None:
        self.text = text
        self.encoding: Encoding = encoding
        # The offset each line starts at, and ends at (before its line break): as the
        # protocol counts lines, and as the parser does.
        self.starts = [0]
        self.ends: list[int] = []
        for found in _LINE_BREAK.finditer(text):
            self.ends.append(found.start())
            self.starts.append(found.end())
        self.ends.append(len(text))
        self.language_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.bom = 1 if text.startswith("\ufeff") else 0

    def line_text(self, line: int) -> str:
        """Line ``line`` (0-based, as the protocol counts them), without its line break."""
        if not 0 <= line < len(self.starts):
            return ""
        return self.text[self.starts[line] : self.ends[line]]

    # ---- offsets (of the text as the parser reads it) and protocol positions

    def position(self, offset: int) -> tuple[int, int]:
        """The protocol position (line, character in code units) of an offset of the text as
        the parser reads it (after a byte-order mark)."""
        offset = max(0, min(offset + self.bom, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return line, units(self.text[start : min(offset, self.ends[line])], self.encoding)

    def offset(self, line: int, character: int) -> int:
        """The offset, in the text as the parser reads it, of a protocol position; a position
        past the end of its line is the end of the line, past the last line the end of the
        text."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text) - self.bom
        start = self.starts[line]
        text = self.line_text(line)
        found = start + len(text)
        counted = 0
        for index, ch in enumerate(text):
            if counted >= character:
                found = start + index
                break
            counted += units(ch, self.encoding)
        return max(found - self.bom, 0)

    # ---- the parser's lines and columns

    def language_offset(self, line: int, column: int) -> int:
        """The offset of a 1-based line and column as the parser reports them (a column past
        the end of the line is its end)."""
        starts = self.language_starts
        index = max(0, min(line - 1, len(starts) - 1))
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(self.text)
        shift = self.bom if index == 0 else 0
        return min(starts[index] + shift + max(column - 1, 0), end) - self.bom

    def from_language(self, line: int, column: int) -> tuple[int, int]:
        """The protocol position of a 1-based line and column as the parser reports them."""
        return self.position(self.language_offset(line, column))
