"""The mistakes marketers make in rule files, recognised from the text around a syntax error:
``=>`` for ``>=``, ``includes`` for ``contains``, ``country = "UK" or "Ireland"``, a comma
missing before ``up to``, ``3 times`` without ``at least``, ``as "..."`` on a disqualify rule,
``group fit 50:``, a group line without ``:``, a group rule that is not indented, text without
quotes, ``("US", "CA")`` for a list and a name with ``/`` in it.

:func:`recognise` gives a :class:`Mistake`: the message, the hint (what to write instead, in
the writer's own words where they can be read back from the line) and, when the mistake is not
the token the parser stopped at, the span the caret goes under. :mod:`.recovery` asks it
first, and :mod:`.messages` words every other syntax error. Nothing here parses.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs
from lark import Token

from .grammar import comment_start
from .keywords import terminal_words, words
from .messages import did_you_mean

__all__ = ["Mistake", "recognise"]


@attrs.frozen
class Mistake:
    """What to say about a syntax error: ``start``/``end`` are offsets in the text of what
    the caret goes under (None: the token the parser stopped at)."""

    message: str
    hint: str | None = None
    start: int | None = None
    end: int | None = None


@attrs.frozen
class _At:
    """Where the parser stopped: the text, the offset, the token (None when no token starts
    there) and the terminals it would have accepted."""

    text: str
    pos: int
    token: Token | None
    expected: frozenset[str]

    @property
    def kind(self) -> str | None:
        return None if self.token is None else self.token.type

    @property
    def rest(self) -> str:
        """The text from the error to the end of its line."""
        return self.text[self.pos :].split("\n", 1)[0]

    @property
    def line_start(self) -> int:
        return self.text.rfind("\n", 0, self.pos) + 1

    @property
    def before(self) -> str:
        """The line before the error."""
        return self.text[self.line_start : self.pos]

    @property
    def statement(self) -> str:
        """The statement before the error, as written on its line."""
        return _statement_of(self.before)

    @property
    def word(self) -> str:
        return "" if self.token is None else str(self.token)


def _statement_of(line: str) -> str:
    """The last statement of ``line``: the text after its last `;` outside quotes and
    backticks."""
    start, quote, i = 0, "", 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\" and quote != "`":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch == ";":
            start = i + 1
        i += 1
    return line[start:].strip()


_TEXT = r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
_VALUE = rf"(?:{_TEXT}|[+-]?\d[\w.:+-]*)"
_WORD = re.compile(r"[^\W\d_]\w*(?:-[^\W\d_]\w*)*")
_PIECE = re.compile(r"`[^`\n]+`|[^\W\d_]\w*(?:-[^\W\d_]\w*)*|\S")
_VALUE_KINDS = frozenset({"STRING", "NUMBER", "DATE", "DATETIME"})


def _is_keyword(piece: str) -> bool:
    return piece.lower() in words()


def _name_at_end(before: str) -> int | None:
    """Where the name that ends ``before`` starts (words that are not keywords, backticked
    names and dots), or None when ``before`` does not end with a name."""
    start = None
    for match in reversed(list(_PIECE.finditer(before))):
        piece = match.group()
        if (
            piece.startswith("`")
            or piece == "."
            or (_WORD.fullmatch(piece) and not _is_keyword(piece))
        ):
            start = match.start()
        else:
            break
    if start is not None and before[start] == ".":
        return None
    return start


def _until_keyword(run: str) -> int:
    """The length of ``run`` up to its first keyword after the first word (0 when empty)."""
    end = 0
    for match in re.finditer(r"\S+", run):
        if end and _is_keyword(match.group()):
            break
        end = match.end()
    return end


def _name_before(before: str) -> str | None:
    start = _name_at_end(before)
    return None if start is None else " ".join(before[start:].split())


# ------------------------------------------------------------------------------ comparisons


def _arrow_comparison(at: _At) -> Mistake | None:
    """``company size => 50``: the ``=`` was read as a comparison, the ``>`` is left over."""
    if at.pos < 1 or at.text[at.pos - 1] != "=" or at.rest[:1] not in ("<", ">"):
        return None
    if at.pos >= 2 and at.text[at.pos - 2] in "=!<>":
        return None
    sign = at.rest[0]
    meaning = "at least" if sign == ">" else "at most"
    name = _name_before(at.text[at.line_start : at.pos - 1])
    value = re.match(rf"\s*({_VALUE})", at.rest[1:])
    hint = f"write `{sign}=`, with the `=` last"
    if name is not None and value is not None:
        hint = f"write `{name} {sign}= {value.group(1)}`"
    return Mistake(
        f"`={sign}` is not a comparison: did you mean `{sign}=` ({meaning})?",
        hint,
        at.pos - 1,
        at.pos + 1,
    )


#: Words people use for an operator, and the operator the language has.
_SYNONYMS = {
    "includes": "contains",
    "include": "contains",
    "including": "contains",
    "equals": "=",
}


def _synonym_operator(at: _At) -> Mistake | None:
    """``job title includes "VP"``: the word was read as the end of the name."""
    if at.kind not in _VALUE_KINDS | {"TRUE", "FALSE", "LSQB", "REGEX"}:
        return None
    before = at.before.rstrip()
    pieces = before.split()
    if len(pieces) >= 3 and " ".join(pieces[-2:]).lower() == "begins with":
        wrong, right = " ".join(pieces[-2:]), "starts with"
        name = _name_before(before.rsplit(None, 2)[0])
    elif pieces and pieces[-1].lower() in _SYNONYMS:
        wrong, right = pieces[-1], _SYNONYMS[pieces[-1].lower()]
        name = _name_before(before.rsplit(None, 1)[0]) if len(pieces) > 1 else None
    else:
        return None
    start = at.line_start + len(before) - len(wrong)
    value = at.word if at.kind in _VALUE_KINDS else "..."
    hint = f"write `{name} {right} {value}`" if name else f"write `{right}`"
    return Mistake(f"rules say `{right}`, not `{wrong}`", hint, start, start + len(wrong))


def _bare_value_after_or(at: _At) -> Mistake | None:
    """``country = "UK" or "Ireland"``: a value on its own where a condition must follow."""
    if at.kind not in _VALUE_KINDS or "NOT" not in at.expected:
        return None
    last = at.before.split()[-1:]
    if not last or last[0].lower() not in ("or", "and"):
        return None
    joined = re.search(
        rf"(?P<op>==|!=|<>|<=|>=|=|<|>|\bis\s+not\b|\bis\b)\s*(?P<value>{_VALUE})"
        r"\s+(?:or|and)\s*$",
        at.before,
        re.IGNORECASE,
    )
    what = {"STRING": "the text", "NUMBER": "the number"}.get(at.kind or "", "the date")
    joiner = last[0].lower()
    message = f"{what} {at.word} on its own is not a condition: `{joiner}` joins two conditions"
    name = None if joined is None else _name_before(at.before[: joined.start()])
    if joined is None or name is None:
        return Mistake(
            message,
            'repeat the name on each side, like `country = "UK" or country = "Ireland"`, '
            'or use a list: `country in ["UK", "Ireland"]`',
        )
    op = " ".join(joined.group("op").split())
    values = [joined.group("value"), at.word]
    more = re.match(rf"\s*(?:{joiner}\s+({_VALUE})\s*)*", at.rest[len(at.word) :], re.I)
    if more is not None:
        values += re.findall(rf"{joiner}\s+({_VALUE})", more.group(), re.IGNORECASE)
    repeated = f" {joiner} ".join(f"{name} {op} {value}" for value in values)
    hint = f"repeat the name: `{repeated}`"
    listed = ", ".join(values)
    if joiner == "or" and op.lower() in ("=", "==", "is"):
        hint += f", or use a list: `{name} in [{listed}]`"
    elif joiner == "and" and op.lower() in ("!=", "<>", "is not"):
        hint += f", or use a list: `{name} not in [{listed}]`"
    return Mistake(message, hint)


def _unquoted_text(at: _At) -> Mistake | None:
    """``email ends with @gmail.com``, ``country = UK``: text where a value goes, without
    quotes."""
    if at.token is None and at.rest[:1] == "@":
        run = re.match(r"[^\s,;\])#\"'`]+", at.rest)
    elif (
        at.kind == "WORD"
        and "STRING" in at.expected
        and not at.expected & {"WORD", "BACKTICKED"}
        and not _close_to_a_keyword(at.word, at.expected)
    ):
        run = re.match(r"[^\W\d_][\w.@-]*(?:[ \t]+[^\W\d_][\w.@-]*)*", at.rest)
    else:
        return None
    if run is None:  # pragma: no cover - both patterns match the character seen
        return None
    end = at.pos + _until_keyword(run.group())
    text = " ".join(at.text[at.pos : end].split())
    test = re.split(r"\b(?:when|and|or|not|where)\b|\(", at.statement, flags=re.IGNORECASE)[-1]
    test = test.strip()
    written = f'{test} "{text}"' if re.fullmatch(r"[\w .`=<>!-]+", test) else f'"{text}"'
    return Mistake(f"the text {text} must be in quotes", f"write `{written}`", at.pos, end)


def _close_to_a_keyword(word: str, expected: frozenset[str]) -> bool:
    keywords = {terminal_words()[t] for t in expected if t in terminal_words()}
    return word.lower() == "upto" or did_you_mean(word, keywords) is not None


# ------------------------------------------------------------------------------------ lists


def _list_without_brackets(at: _At) -> Mistake | None:
    """``country in ("US", "CA")`` or ``country in "US", "CA"``: a list needs ``[ ]``."""
    if "LSQB" not in at.expected or "STRING" in at.expected:
        return None
    message = "a list is written in square brackets: [ ]"
    if at.kind == "LPAR":
        close = at.rest.find(")")
        if close < 0:
            return Mistake(message, 'write the list like `["US", "CA"]`')
        inner = at.rest[1:close]
        return Mistake(
            f"{message}, not ( )", f"write `[{inner.strip()}]`", at.pos, at.pos + close + 1
        )
    if at.kind in _VALUE_KINDS:
        run = re.match(rf"{_VALUE}(?:\s*,\s*{_VALUE})*", at.rest)
        if run is not None:
            return Mistake(message, f"write `[{run.group()}]`", at.pos, at.pos + run.end())
    return None


# ------------------------------------------------------------------------------- score rules


def _comma_before_option(at: _At) -> Mistake | None:
    """``+5 per opened email up to 15``: `up to` (or `decaying`) needs a comma before it."""
    key = None
    found = re.search(r"\b(up[ \t]*to|decaying)[ \t]*$", at.before, re.IGNORECASE)
    if at.kind == "NUMBER" and found is not None:
        key = at.line_start + found.start()
    elif (
        at.token is not None
        and "COMMA" in at.expected
        and re.match(r"(up[ \t]*to|decaying)\b", at.rest, re.IGNORECASE)
    ):
        key = at.pos
    if key is None:
        return None
    option = re.match(
        r"up[ \t]*to[ \t]+[\d_.]+|decaying[ \t]+[\d_.]+[ \t]*%[ \t]*every[ \t]+[\d_.]+[ \t]+\w+"
        r"|up[ \t]*to|decaying",
        at.text[key:],
        re.IGNORECASE,
    )
    assert option is not None  # the same words were matched above
    written = option.group()
    is_cap = written.lower().startswith("up")
    if is_cap:
        written = re.sub(r"^up[ \t]*to", "up to", written, flags=re.IGNORECASE)
    keyword = "up to" if is_cap else "decaying"
    head = _statement_of(at.text[at.line_start : key])
    return Mistake(
        f"a comma is missing before `{keyword}`",
        f"write `{head}, {written}`",
        key,
        key + len(keyword.split()[0]),
    )


#: Words before a count that say which count was meant: (the words, `at least` or `at most`,
#: what to add to the number).
_COUNT_WORDS = (
    ("exactly", "", 0),
    ("more than", "at least", 1),
    ("over", "at least", 1),
    ("less than", "at most", -1),
    ("fewer than", "at most", -1),
)


def _count_without_at_least(at: _At) -> Mistake | None:
    """``visited pricing 3 times``: a count needs `at least` or `at most`."""
    count = re.match(r"([\d_]+)[ \t]+(times?)(?![\w-])", at.rest, re.IGNORECASE)
    if at.kind != "NUMBER" or count is None:
        return None
    n = int(count.group(1).replace("_", ""))
    written = f"{n} {count.group(2)}"
    span = (at.pos, at.pos + count.end())
    name = _name_before(at.before)
    if name is None:
        return Mistake(
            f"`{written}` needs `at least` or `at most` before it",
            f"write `at least {written}` or `at most {written}` after the name of the event",
            *span,
        )
    per = re.match(r"([+-][\d_.]+)\s+per\b", at.statement, re.IGNORECASE)
    if per is not None:
        return Mistake(
            f"a `per` rule gives points for every matching event, so `{written}` does not fit here",
            f"to give points once, write `{per.group(1)} when {name} at least {written}`; "
            "to limit the points, add `, up to M`",
            *span,
        )
    message = f"`{written}` needs `at least` or `at most` before it"
    for words_, bound, shift in _COUNT_WORDS:
        if name.lower().endswith(" " + words_):
            event = name[: -len(words_) - 1]
            if not bound:
                both = f"{event} at least {written} and {event} at most {written}"
                return Mistake(message, f"for exactly {n}, write `{both}`", *span)
            m = n + shift
            if m < 0:
                name = event
                break
            times = "time" if m == 1 else "times"
            first = at.line_start + at.before.lower().rstrip().rfind(words_)
            return Mistake(message, f"write `{event} {bound} {m} {times}`", first, span[1])
    return Mistake(
        message,
        f"write `{name} at least {written}` ({n} or more), or `at most {written}` ({n} or fewer)",
        *span,
    )


def _label_on_disqualify(at: _At) -> Mistake | None:
    """``disqualify when ... as "..."``: a disqualify rule's words come after `because`."""
    if at.word.lower() != "as" or "BECAUSE" not in at.expected:
        return None
    label = re.match(rf"as\s+({_TEXT})", at.rest, re.IGNORECASE)
    reason = label.group(1) if label is not None else '"..."'
    return Mistake(
        "a disqualify rule gives its reason with `because`, not `as`",
        f"write `{at.statement} because {reason}`",
    )


# ------------------------------------------------------------------------------------ groups


def _group_limit_without_max(at: _At) -> Mistake | None:
    """``group fit 50:``: the number needs `max` (or `min`) before it."""
    if at.kind != "NUMBER" or "MAX" not in at.expected or "COLON" not in at.expected:
        return None
    header = at.before.strip()
    if did_you_mean(header.split()[-1], ("max", "min")) is not None:
        return None  # `group fit mx 5:` is a misspelt `max`
    return Mistake(
        "a group's limit needs `max` or `min` before the number",
        f"write `{header} max {at.word}:` to give the group at most {at.word} points",
    )


def _group_without_colon(at: _At) -> Mistake | None:
    """``group fit max 50`` at the end of its line: the header ends with `:`."""
    if at.kind not in ("_NL", "$END") or "COLON" not in at.expected:
        return None
    line = at.before
    hash_at = comment_start(line)
    header = (line if hash_at is None else line[:hash_at]).strip()
    if not header.lower().startswith("group"):
        return None
    return Mistake("the first line of a group must end with `:`", f"write `{header}:`")


def _group_rule_not_indented(at: _At) -> Mistake | None:
    """A group's header followed by a line at the left margin."""
    if "_INDENT" not in at.expected or at.kind == "_INDENT" or at.token is None:
        return None
    lines = [line for line in at.text[: at.line_start].split("\n") if line.strip()]
    header = lines[-1].strip() if lines else ""
    hash_at = comment_start(header)
    header = (header if hash_at is None else header[:hash_at]).strip()
    if not header.lower().startswith("group"):
        return None
    if at.rest.strip()[:1] in "+-":
        return Mistake(
            "the rules of a group must be indented",
            "put 4 spaces at the start of this line and of every other rule of the group",
        )
    return Mistake(
        "the rules of a group must be indented",
        "put at least one score rule under the group's first line, indented by 4 spaces",
    )


# ------------------------------------------------------------------------------------ names


def _odd_character_in_name(at: _At) -> Mistake | None:
    """``Country/Region``, ``Company & Size``, ``Annual Revenue (USD)``: characters a name
    can have only in backticks."""
    char = at.rest[:1]
    if at.rest.startswith("//"):
        return None  # a comment written the way other languages write them
    touching = at.pos > 0 and not at.text[at.pos - 1].isspace()
    if (at.token is None and char == "/") or at.kind == "REGEX":
        if not touching:
            return None  # `title /vp/` is a pattern without `matches`, not a name
    elif at.token is None:
        if char not in ("&", "?"):
            return None
    elif at.kind != "LPAR" or "LPAR" in at.expected:
        return None
    start = _name_at_end(at.before)
    if start is None or not at.before[:start].strip().rsplit(";", 1)[-1].strip():
        return None  # not after a name, or a stage's name (which takes quotes, not backticks)
    run = re.match(r"(?:[\w/&?.-]|\([^()\n]*\)|[ \t]+(?=[\w/&?(]))*", at.rest)
    if run is None or not run.group().startswith(char):
        return None  # e.g. a `(` never closed on the line
    end = at.pos + _until_keyword(run.group())
    name = " ".join(at.text[at.line_start + start : end].split())
    return Mistake(
        f"`{char}` cannot be part of a name unless the name is in backticks",
        f"write the name in backticks: `{name}`",
        at.line_start + start,
        end,
    )


_DETECTORS: tuple[Callable[[_At], Mistake | None], ...] = (
    _arrow_comparison,
    _synonym_operator,
    _bare_value_after_or,
    _comma_before_option,
    _count_without_at_least,
    _label_on_disqualify,
    _group_limit_without_max,
    _group_without_colon,
    _group_rule_not_indented,
    _list_without_brackets,
    _odd_character_in_name,
    _unquoted_text,
)


def recognise(text: str, pos: int, token: Token | None, expected: set[str]) -> Mistake | None:
    """The mistake a syntax error at ``pos`` comes from, if it is one of those above."""
    at = _At(text, pos, token, frozenset(expected))
    for detector in _DETECTORS:
        mistake = detector(at)
        if mistake is not None:
            return mistake
    return None
