"""The words of syntax errors: plain-words descriptions of what the parser expected and found,
and hints for the mistakes rule writers commonly make. Keywords are named as the grammar spells
them (:mod:`.keywords`); nothing here parses."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from lark import Token

from .ast import UNITS
from .keywords import comparison_terminals, terminal_words

__all__ = ["describe_expected", "describe_token", "did_you_mean", "syntax_hint"]

#: Terminal name -> how to say it to a marketer.
_WORDS: dict[str, str] = {
    "NUMBER": "a number",
    "STRING": 'a quoted text like "GB"',
    "DATE": "a date like 2026-01-15",
    "DATETIME": "a date-time like 2026-01-15T10:00:00Z",
    "WORD": "a name",
    "BACKTICKED": "a `backticked name`",
    "REGEX": "a pattern between slashes, like /vp|director/i",
    "UNIT": "a unit of time (days, weeks, months, ...)",
    "_NL": "the end of the line",
    "$END": "the end of the file",
    "_INDENT": "an indented line",
    "_DEDENT": "the end of the group",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "COMMA": "`,`",
    "SEMICOLON": "`;`",
    "COLON": "`:`",
    "PERCENT": "`%`",
    "DOT": "`.`",
    "EQUAL": "`=`",
    "LESSTHAN": "`<`",
    "MORETHAN": "`>`",
    "_TIMES": "`times`",
}

_VALUE_START = {"NUMBER", "STRING", "DATE", "DATETIME", "TRUE", "FALSE", "LSQB"}
_NAME_START = {"WORD", "BACKTICKED"}
#: Characters that look like the language's but are not, and what to write instead.
_LOOKALIKES = {
    "\u201c": 'use straight quotes: "GB", not \u201cGB\u201d',
    "\u201d": 'use straight quotes: "GB", not \u201cGB\u201d',
    "\u2018": "use straight quotes: 'GB', not \u2018GB\u2019",
    "\u2019": "use straight quotes: 'GB', not \u2018GB\u2019",
    "\u2265": "write `>=`",
    "\u2264": "write `<=`",
    "\u2260": "write `!=`",
    "\u00a3": "write amounts as plain numbers, without a currency sign",
    "$": "write amounts as plain numbers, without a currency sign",
    "\u20ac": "write amounts as plain numbers, without a currency sign",
}
_OPERATOR_WORDS = (
    "between",
    "contains",
    "matches",
    "within",
    "since",
    "before",
    "after",
    "because",
    "max",
    "min",
)


def _word(term: str) -> str | None:
    keyword = terminal_words().get(term)
    if keyword is not None:
        return f"`{keyword}`"
    return _WORDS.get(term)


def describe_expected(expected: Iterable[str]) -> str:
    """``{"WHEN", "PER"}`` -> "`when` or `per`"."""
    terms = set(expected)
    groups: list[str] = []
    comparisons = comparison_terminals()
    if terms & comparisons:
        groups.append("a comparison like = or >=")
        terms -= comparisons
    if terms | {"LSQB"} >= _VALUE_START and len(terms & _VALUE_START) >= 4:
        groups.append('a value (a number, a "text", a date, true/false or a [list])')
        terms -= _VALUE_START
    words = sorted({w for t in terms if (w := _word(t)) is not None})
    # Keep it short: a long list of alternatives helps nobody.
    words = groups + words
    if not words:
        return "something else"
    if len(words) > 6:
        words = [*words[:5], "..."]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def describe_token(token: Token | None, text: str = "", pos: int = 0) -> str:
    if token is None:
        ch = text[pos : pos + 1]
        if not ch or ch == "\n":
            return "the end of the line"
        if ch.isspace() or not ch.isprintable():
            return f"the invisible character U+{ord(ch):04X}"
        return f"`{ch}`"
    kind = token.type
    if kind == "$END":
        return "the end of the file"
    if kind == "_NL":
        return "the end of the line"
    if kind == "_INDENT":
        return "an indented line"
    if kind == "_DEDENT":
        return "the end of the indented block"
    if kind == "WORD":
        return f"the word `{token}`"
    if kind == "NUMBER":
        return f"the number {token}"
    if kind == "STRING":
        return f"the text {token}"
    if kind in terminal_words():
        return f"`{str(token).lower()}`"
    return f"`{token}`"


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.7) -> str | None:
    """The closest candidate to ``word``, if any is close enough."""
    options = {c.lower(): c for c in candidates}
    match = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=cutoff)
    return options[match[0]] if match else None


def _line_before(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    return text[start:pos]


def syntax_hint(
    text: str, pos: int | None, token: Token | None, expected: set[str]
) -> tuple[str, str | None]:
    """A message and a hint for a syntax error at ``pos``.

    ``token`` is the unexpected token (None when the lexer met characters that start no token);
    ``expected`` the terminal names the parser would have accepted there.
    """
    if pos is None:
        pos = len(text)
    found = describe_token(token, text, pos)
    rest = text[pos:]
    before = _line_before(text, pos)
    keyword_of = terminal_words()
    keywords_expected = {keyword_of[t] for t in expected if t in keyword_of}

    # ---- mistakes recognised from the text itself
    if rest[:1] in _LOOKALIKES:
        wrong = rest[:1]
        return (f"`{wrong}` is not part of the language", _LOOKALIKES[wrong])
    if re.match(r"\d+(\.\d+)?[eE][+-]?\d", rest):
        return (
            "numbers are written in full here, not in scientific notation",
            "write 1000 rather than 1e3",
        )
    if rest.startswith("//"):
        return ("`//` does not start a comment", "comments start with `#`")
    if re.match(r"\d+[a-zA-Z]", rest) and not re.match(r"\d+\s", rest):
        number = re.match(r"(\d+)([a-zA-Z])", rest)
        digits, letter = (number.group(1), number.group(2).lower()) if number else (rest, "")
        units = {"d": "days", "w": "weeks", "h": "hours", "y": "years", "m": "months"}
        if letter == "k":
            advice = f"write the number in full: {digits}000"
        elif letter in units:
            advice = f"write lengths of time in words: `{digits} {units[letter]}`"
        else:
            advice = "write the number on its own, followed by a space"
        return ("a number cannot have letters attached to it", advice)
    if kind_of(token) == "NUMBER" and re.search(r"\d,\s*$", before) and "LSQB" not in before:
        return (
            "numbers are written without thousands separators",
            "write 50000 or 50_000 rather than 50,000",
        )
    if (
        kind_of(token) in ("STRING", "NUMBER")
        and "COMMA" in expected
        and unclosed_bracket(text, pos) is not None
    ):
        return (
            f"a comma is missing before {found}",
            'separate the items of a list with commas: ["GB", "IE"]',
        )
    if re.match(r"[+-][^\d\s]", rest) and before.strip() == "":
        return (
            f"expected a number after `{rest[0]}`",
            "write the points as a number touching the sign, like +20 or -10",
        )
    if rest.startswith("=>") or rest.startswith("->"):
        return (f"`{rest[:2]}` is not part of the language", "write `when` instead")
    if rest[:1] == ":" and {"WHEN", "PER"} <= expected:
        return ("`:` is not how a rule says when it applies", "write `when` instead of `:`")
    opener = unclosed_bracket(text, pos)
    error_line = text.count("\n", 0, pos) + 1
    if opener is not None and (expected & {"RPAR", "RSQB"} or opener[1] < error_line):
        char, line, _ = opener
        closer = ")" if char == "(" else "]"
        what = "parenthesis" if char == "(" else "list"
        return (
            f"the {what} opened with `{char}` on line {line} is never closed",
            f"add `{closer}` at the end of the {what}",
        )
    if {"NOT", "LPAR", "WORD"} <= expected and kind_of(token) in ("_NL", "$END", "_DEDENT"):
        keyword = before.rstrip().split()[-1].lower() if before.strip() else ""
        after = f" after `{keyword}`" if keyword in ("when", "and", "or", "not") else ""
        return (f"expected a condition{after}, found {found}", 'write e.g. `when country = "GB"`')

    # ---- characters that start no token
    if token is None:
        if re.match(r"[+-]\s+\d", rest):
            sign = rest[0]
            number = re.match(r"[+-]\s+([\d_.]+)", rest)
            n = number.group(1) if number else "20"
            return (
                f"a space after `{sign}`: the sign must touch the number",
                f"write `{sign}{n}` instead of `{sign} {n}`",
            )
        if rest[:1] in "\"'":
            return (
                "this text has no closing quote",
                f"end the text with {rest[0]} on the same line",
            )
        if rest.startswith("`"):
            return ("this backticked name has no closing backtick", "end the name with `")
        if rest.startswith("/"):
            return (
                "this pattern has no closing slash",
                "write a pattern between slashes, like /vp|director/i",
            )
        if rest[:1] == "%" and "UNIT" in expected:
            return ("expected a unit of time after the number", "write e.g. `30 days`")
        invisible: str | None = None
        if found.startswith("the invisible character"):
            invisible = "delete it, or replace it with an ordinary space"
        if expected:
            return (f"expected {describe_expected(expected)}, found {found}", invisible)
        return (f"unexpected {found}", invisible)

    word = str(token)
    kind = token.type

    # ---- a score rule's points followed by something other than `when`/`per`
    if {"WHEN", "PER"} <= expected:
        if kind == "WORD" and word.lower() == "if":
            return ("rules say `when`, not `if`", f"write `{before.strip()} when ...`")
        suggestion = did_you_mean(word, ["when", "per"]) if kind == "WORD" else None
        message = f"expected `when` or `per` after the points, found {found}"
        if suggestion:
            return (message, f"did you mean `{suggestion}`?")
        return (message, "write `+20 when <condition>` or `+5 per <event>`")

    if expected == {"WHEN"} and before.strip().lower().startswith("disqualify"):
        if kind == "WORD" and word.lower() == "if":
            return ("disqualify rules say `when`, not `if`", "write `disqualify when ...`")
        return (f"expected `when` after `disqualify`, found {found}", "write `disqualify when ...`")

    # ---- a misspelt statement keyword read as a stage name: `disqualfy when x`
    line_words = (before + word).split() if token is not None else before.split()
    if "AT" in expected and len(line_words) >= 1:
        suggestion = did_you_mean(line_words[0], ["disqualify", "define", "group"])
        if suggestion is not None and suggestion != line_words[0].lower():
            return (
                f"`{line_words[0]}` is not a keyword, so this line was read as a stage",
                f"did you mean `{suggestion}`?",
            )

    # ---- a stage name of several words: `Sales ready at 100`
    if (
        "AT" in expected
        and kind_of(token) == "WORD"
        and len(before.split()) == 1
        and re.match(r"[\w -]*\s+at\s+\d", rest, re.IGNORECASE)
    ):
        name = before.strip() + " " + rest.split(" at ")[0].split(" AT ")[0].strip()
        return (
            "a stage name of several words must be in quotes",
            f'write `"{name}" at ...`',
        )

    # ---- stage lines: `MQL 50`
    if "AT" in expected and kind == "NUMBER" and re.fullmatch(r"\s*\S+\s*", before):
        return (
            f"expected `at` between the stage name and its threshold, found {found}",
            f"write `{before.strip()} at {word}`",
        )
    if expected == {"NUMBER"} and before.rstrip().lower().endswith(" at"):
        return (
            f"a stage needs a score threshold after `at`, found {found}",
            f"write e.g. `{before.strip()} 50`",
        )

    # ---- a unit of time that does not exist: `30 dayz`
    if expected == {"UNIT"} and kind == "WORD":
        suggestion = did_you_mean(word, UNITS, 0.5)
        hint = f"did you mean `{suggestion}`?" if suggestion else None
        return (
            f"`{word}` is not a unit of time: use minutes, hours, days, weeks, months or years",
            hint,
        )

    # ---- `and`/`or` with nothing after it
    if kind in ("_NL", "$END") and before.rstrip().lower().split()[-1:] in (["and"], ["or"]):
        last = before.rstrip().split()[-1]
        return (
            f"the line ends with `{last}`: a condition must follow it",
            "finish the condition on the same line, or wrap a long condition in ( ) "
            "to continue it on the next line",
        )

    # ---- a misspelt operator read as the end of a name: `company size betwen 50`
    if kind in _VALUE_START | {"REGEX"} or (token is None and rest[:1] in "/[\"'"):
        words = before.split()
        if len(words) >= 2:
            pair = did_you_mean(" ".join(words[-2:]), ("starts with", "ends with"), 0.75)
            if pair is not None and pair != " ".join(words[-2:]).lower():
                return (
                    f"expected {describe_expected(expected)}, found {found}",
                    f"did you mean `{pair}` instead of `{' '.join(words[-2:])}`?",
                )
        if words:
            suggestion = did_you_mean(words[-1], _OPERATOR_WORDS)
            if suggestion is not None and suggestion != words[-1].lower():
                return (
                    f"expected {describe_expected(expected)}, found {found}",
                    f"did you mean `{suggestion}` instead of `{words[-1]}`?",
                )

    # ---- misspelt keywords
    if kind == "WORD" and word.lower() == "upto" and "UP" in expected:
        return ("`up to` is two words", "write `, up to 15`")
    if "_TIMES" in expected:
        keywords_expected = keywords_expected | {"times"}
    if kind == "WORD" and keywords_expected:
        suggestion = did_you_mean(word, keywords_expected)
        if suggestion:
            return (
                f"expected {describe_expected(expected)}, found {found}",
                f"did you mean `{suggestion}`?",
            )
    if kind in ("_NL", "$END") and expected & _VALUE_START and not expected & _NAME_START:
        return (f"expected a value, found {found}", None)
    if kind == "_INDENT" and re.search(r"\n[ \t]+\S[^\n]*\n[ \t]*$", text[: pos + 1]):
        return (
            "this line is indented more than the line above it",
            "indent every rule of a group by the same number of spaces (4 is the convention)",
        )
    if kind == "_INDENT":
        return (
            "this line is indented but is not inside a group",
            "remove the spaces at the start of the line, or put `group NAME:` above it",
        )

    return (f"expected {describe_expected(expected)}, found {found}", None)


def kind_of(token: Token | None) -> str | None:
    return None if token is None else token.type


def unclosed_bracket(text: str, pos: int) -> tuple[str, int, int] | None:
    """The innermost ``(`` or ``[`` still open at ``pos``, as (char, line, column), skipping
    quoted text, patterns, backticked names and comments; None when all are closed."""
    stack: list[tuple[str, int, int]] = []
    line, column = 1, 0
    quote: str | None = None
    i = 0
    while i < pos and i < len(text):
        ch = text[i]
        column += 1
        if ch == "\n":
            line, column = line + 1, 0
            quote = None
        elif quote is not None:
            if ch == "\\" and quote not in "`#":
                i += 1
                column += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'`/":
            quote = ch
        elif ch == "#":
            quote = "#"
        elif ch in "([":
            stack.append((ch, line, column))
        elif ch in ")]" and stack:
            stack.pop()
        i += 1
    return stack[-1] if stack else None
