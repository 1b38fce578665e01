"""RE2 patterns rewritten for engines whose regular expressions are not RE2 (Spark's Java
regexes, PostgreSQL's Tcl-style AREs), so that they match exactly what RE2 matches — or are
refused, naming the construct.

The rewrite reads the pattern as RE2 reads it and writes it back from pieces both engines mean
alike: every piece that matches one character (a literal, a class, ``.``, ``\\d``, ``\\w``,
``\\s``, ``\\p{..}``, any of them under the ``i`` flag) becomes an explicit class of code-point
ranges, worked out by RE2 itself over every code point (so ``.`` is "anything but a newline",
``\\s`` RE2's five spaces and ``(?i)k`` includes the Kelvin sign, whatever the engine thinks);
``^`` and ``$`` become anchors at the very start and end of the text; ``\\b`` and ``\\B`` become
look-arounds on RE2's ASCII word characters. Groups, alternation and repetition keep their
meaning: which text matches a pattern does not depend on how an engine backtracks. What is
left — inline flags, back-references, ``\\Q..\\E``, ``\\C``, ``{`` not starting a repetition —
is refused.

User patterns are refused, too, when a repetition applies to a group that itself repeats
(``(a+)+``): RE2 runs those in linear time, a backtracking engine (Java's) can take forever.
"""

from __future__ import annotations

import functools
import string

import attrs
import re2

__all__ = ["PatternRefused", "Translated", "casefold_tables", "translate"]

_WORD = "0-9A-Za-z_"
_ALNUM = set(string.ascii_letters + string.digits)


class PatternRefused(Exception):
    """A pattern (or a piece of it) that the engine cannot be made to match as RE2 does."""

    def __init__(self, construct: str) -> None:
        super().__init__(construct)
        self.construct = construct


@attrs.frozen
class Translated:
    """A pattern for the engine, and the index of each named group in it."""

    text: str
    groups: dict[str, int]


@functools.cache
def _all_code_points() -> str:
    return "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


def _index_to_cp(index: int) -> int:
    return index if index < 0xD800 else index + 0x800


@functools.cache
def _code_points(atom: str, ignore_case: bool) -> tuple[tuple[int, int], ...]:
    """The ranges of code points one RE2 atom (matching one character) matches."""
    pattern = re2.compile(("(?i)" if ignore_case else "") + "(?:" + atom + ")+")
    ranges: list[tuple[int, int]] = []
    for match in pattern.finditer(_all_code_points()):
        start, end = match.span()
        lo, hi = _index_to_cp(start), _index_to_cp(end - 1)
        if lo < 0xD800 <= hi:  # a run across the surrogates is two ranges
            ranges.extend([(lo, 0xD7FF), (0xE000, hi)])
        else:
            ranges.append((lo, hi))
    return tuple(ranges)


class _Target:
    """How one engine writes a character, a class and the anchors."""

    start = "^"
    end = "$"
    max_count = 1000

    def char(self, cp: int) -> str:
        raise NotImplementedError

    def first(self, lo: int) -> int:
        return lo


class Java(_Target):
    end = "\\z"

    def char(self, cp: int) -> str:
        return chr(cp) if chr(cp) in _ALNUM else f"\\x{{{cp:X}}}"


class Postgres(_Target):
    max_count = 255  # RE_DUP_MAX

    def char(self, cp: int) -> str:
        if chr(cp) in _ALNUM:
            return chr(cp)
        return f"\\u{cp:04X}" if cp <= 0xFFFF else f"\\U{cp:08X}"

    def first(self, lo: int) -> int:
        return max(lo, 1)  # PostgreSQL text holds no NUL character


TARGETS: dict[str, _Target] = {"java": Java(), "postgres": Postgres()}


class _Reader:
    def __init__(self, pattern: str, target: _Target, ignore_case: bool, user: bool) -> None:
        self.p = pattern
        self.i = 0
        self.t = target
        self.ignore_case = ignore_case
        self.user = user
        self.groups: dict[str, int] = {}
        self.count = 0

    # ---- helpers

    def peek(self) -> str:
        return self.p[self.i] if self.i < len(self.p) else ""

    def take(self) -> str:
        c = self.peek()
        self.i += 1
        return c

    def one_of(self, atom: str) -> str:
        ranges = [(self.t.first(lo), hi) for lo, hi in _code_points(atom, self.ignore_case)]
        ranges = [(lo, hi) for lo, hi in ranges if lo <= hi]
        if not ranges:
            raise PatternRefused(f"`{atom}`, which matches no character")
        if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
            return self.t.char(ranges[0][0])
        parts = [
            self.t.char(lo) if lo == hi else f"{self.t.char(lo)}-{self.t.char(hi)}"
            for lo, hi in ranges
        ]
        return "[" + "".join(parts) + "]"

    def literal(self, char: str) -> str:
        if self.ignore_case and char.lower() != char.upper():
            return self.one_of(re2.escape(char) if char not in _ALNUM else char)
        return self.t.char(ord(char))

    # ---- the grammar

    def alternation(self) -> tuple[str, bool]:
        text, repeats = self.concatenation()
        branches = [text]
        while self.peek() == "|":
            self.take()
            more, again = self.concatenation()
            branches.append(more)
            repeats = repeats or again
        return "|".join(branches), repeats

    def concatenation(self) -> tuple[str, bool]:
        parts: list[str] = []
        repeats = False
        while self.i < len(self.p) and self.peek() not in "|)":
            text, again = self.repetition()
            parts.append(text)
            repeats = repeats or again
        return "".join(parts), repeats

    def repetition(self) -> tuple[str, bool]:
        atom, inner = self.atom()
        quantifier = self.quantifier()
        if quantifier is None:
            return atom, inner
        if self.quantifier() is not None:
            raise PatternRefused("a repetition of a repetition")
        if self.user and inner and quantifier[1]:
            raise PatternRefused(
                "a repeated group that itself repeats (such as `(a+)+`), which a backtracking "
                "engine can take forever to run"
            )
        return atom + quantifier[0], True

    def quantifier(self) -> tuple[str, bool] | None:
        """(the quantifier as written for the engine, whether it is unbounded)."""
        c = self.peek()
        if c in ("*", "+", "?"):
            self.take()
            if self.peek() == "?":  # lazy: the same text matches
                self.take()
            return c, c != "?"
        if c != "{":
            return None
        close = self.p.find("}", self.i)
        body = self.p[self.i + 1 : close] if close > 0 else ""
        low, comma, high = body.partition(",")
        if not low.isdigit() or (high and not high.isdigit()):
            raise PatternRefused("`{` that does not start a repetition (write `\\{`)")
        if max(int(low), int(high or 0)) > self.t.max_count:
            raise PatternRefused(f"a repetition count above {self.t.max_count}")
        self.i = close + 1
        if self.peek() == "?":
            self.take()
        return "{" + body + "}", bool(comma) and not high

    def atom(self) -> tuple[str, bool]:
        """(the atom for the engine, whether it contains a repetition)."""
        c = self.take()
        if c == "(":
            return self.group()
        if c == "[":
            return self.one_of(self.bracket()), False
        if c == ".":
            return self.one_of("."), False
        if c == "^":
            return self.t.start, False
        if c == "$":
            return self.t.end, False
        if c == "\\":
            return self.escape(), False
        if c in "*+?{":
            raise PatternRefused(f"`{c}` with nothing to repeat")
        return self.literal(c), False

    def group(self) -> tuple[str, bool]:
        name = None
        plain = False
        if self.p.startswith("?:", self.i):
            self.i += 2
            plain = True
        elif self.p.startswith("?P<", self.i) or self.p.startswith("?<", self.i):
            start = self.p.index("<", self.i) + 1
            close = self.p.index(">", start)
            name = self.p[start:close]
            self.i = close + 1
        elif self.peek() == "?":
            raise PatternRefused("inline flags such as `(?i)` (use the `/i` flag)")
        capture = not self.user and not plain
        if capture:
            self.count += 1
            if name is not None:
                self.groups[name] = self.count
        inner, repeats = self.alternation()
        if self.take() != ")":
            raise PatternRefused("an unclosed group")
        return ("(" if capture else "(?:") + inner + ")", repeats

    def bracket(self) -> str:
        """The text of a class, as RE2 reads it (its meaning is RE2's, see one_of)."""
        start = self.i - 1
        if self.peek() == "^":
            self.take()
        if self.peek() == "]":
            raise PatternRefused("`]` first in a class (write `\\]`)")
        while True:
            c = self.take()
            if c == "":
                raise PatternRefused("an unclosed class")
            if c == "\\":
                if self.take() in "pPx" and self.peek() == "{":
                    self.i = self.p.index("}", self.i) + 1
            elif c == "[" and self.peek() == ":":
                self.i = self.p.index(":]", self.i) + 2
            elif c == "]":
                return self.p[start : self.i]

    def escape(self) -> str:
        c = self.take()
        if c in "dDwWsS":
            return self.one_of("\\" + c)
        if c in "pP":
            if self.peek() == "{":
                close = self.p.index("}", self.i)
                atom = "\\" + c + self.p[self.i : close + 1]
                self.i = close + 1
            else:
                atom = "\\" + c + self.take()
            return self.one_of(atom)
        if c == "b":
            return f"(?:(?<=[{_WORD}])(?![{_WORD}])|(?<![{_WORD}])(?=[{_WORD}]))"
        if c == "B":
            return f"(?:(?<=[{_WORD}])(?=[{_WORD}])|(?<![{_WORD}])(?![{_WORD}]))"
        if c == "A":
            return self.t.start
        if c == "z":
            return self.t.end
        if c == "x":
            if self.peek() == "{":
                close = self.p.index("}", self.i)
                cp = int(self.p[self.i + 1 : close], 16)
                self.i = close + 1
            else:
                cp = int(self.p[self.i : self.i + 2], 16)
                self.i += 2
            return self.literal(chr(cp))
        controls = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
        if c in controls:
            return self.literal(controls[c])
        if c and not c.isalnum() and c.isascii():
            return self.literal(c)
        raise PatternRefused(f"the escape `\\{c}`")


@functools.lru_cache(maxsize=4096)
def translate(
    pattern: str, target: str, ignore_case: bool = False, user: bool = True
) -> Translated:
    """The pattern for ``target`` (``java`` or ``postgres``): for a user's pattern (``user``),
    with no capturing groups; else with its groups, numbered (``groups`` gives each named
    group's number). Raises :class:`PatternRefused`."""
    reader = _Reader(pattern, TARGETS[target], ignore_case, user)
    try:
        text, _ = reader.alternation()
    except (ValueError, IndexError) as exc:
        raise PatternRefused("a pattern leadrules cannot read") from exc
    if reader.i != len(pattern):
        raise PatternRefused("an unmatched `)`")
    return Translated(text, dict(reader.groups))


@functools.cache
def casefold_tables() -> tuple[dict[str, str], str, str]:
    """Python's ``str.casefold`` as an engine can apply it without its own Unicode tables:
    (the characters folded to several, each replaced first; then the characters folded to one
    other, as the two strings of a ``translate``). Checked for every code point: the
    replacements make no character another replacement or the translation would change."""
    several: dict[str, str] = {}
    source: list[str] = []
    target: list[str] = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        char = chr(cp)
        folded = char.casefold()
        if folded == char:
            continue
        if len(folded) == 1:
            source.append(char)
            target.append(folded)
        else:
            several[char] = folded
    table = str.maketrans("".join(source), "".join(target))
    for char, folded in several.items():
        if folded.translate(table) != folded or any(k in folded for k in several):
            raise PatternRefused(f"casefold of {char!r} cannot be done by replace and translate")
    return several, "".join(source), "".join(target)
