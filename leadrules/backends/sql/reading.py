"""How a SQL engine reads a value as the reference evaluator reads it (leadrules.runtime.values):
missing or not, as a number, as folded text, as yes/no, as a moment — for each kind of column.

Every reading is a pair of SQL expressions (:class:`Read`): the value the test needs (NULL when
the value is missing *or* cannot be read: either way the test is unknown) and whether it could
not be read (a warning, in the reference). Text is read by the very grammars of
:mod:`leadrules.runtime.numbers` and :mod:`leadrules.runtime.dates` (the same RE2 patterns),
numbers as DECIMAL(38, 12), moments as microseconds since 1970-01-01T00:00Z, dates as days.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import attrs

from ...runtime import dates, numbers
from ...runtime.values import MISSING_WORDS, NO_WORDS, YES_WORDS
from . import build as b
from .build import E
from .columns import Kind
from .dialect import Dialect

__all__ = ["MAX_US", "MIN_US", "US_PER_DAY", "Read", "Reader", "Text"]

#: The moments a datetime can hold once in UTC (the years 1 to 9999), in microseconds.
MIN_US = -62135596800000000
MAX_US = 253402300799999999
US_PER_DAY = 86_400_000_000
_LIMIT = Decimal(10) ** numbers.NUMBER_DIGITS


#: ``keep(level, expression, hint)``: a column computing ``expression`` at a level of the
#: query's preparation (1 to 7; an expression reads only columns of lower levels).
Keep = Callable[[int, E, str], E]
#: The characters number text may not have (beyond ASCII, all but the currency symbols).
_NOT_NUMBER_CHARS = "[^\\x00-\\x7f" + "".join(sorted(numbers.NON_ASCII)) + "]"


@attrs.frozen
class Text:
    """A text value's prepared parts, each a column of an earlier step: stripped, folded, and
    read by the number and date grammars (NULL where not a number, not a moment)."""

    stripped: E
    folded: E
    number: E
    instant: E


@attrs.frozen
class Read:
    """A value as a test needs it (NULL when missing or unreadable) and whether it could not
    be read (a boolean, never NULL)."""

    value: E
    bad: E


def _never() -> E:
    return b.false()


class Reader:
    """Readings of values of each kind, in one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.d = dialect

    # ---- text, prepared once per value (see Prepared)

    def missing(self, v: E, kind: Kind, folded: E | None) -> E:
        """Whether the value is missing (a boolean, never NULL)."""
        if kind is Kind.NULL:
            return b.true()
        if kind is Kind.TEXT:
            assert folded is not None
            return b.or_(b.is_null(v), b.coalesce(b.in_(folded, sorted(MISSING_WORDS)), b.false()))
        if kind is Kind.FLOAT:
            return b.or_(b.is_null(v), b.coalesce(self.d.isnan(v), b.false()))
        return b.is_null(v)

    # ---- numbers

    def number(self, v: E, kind: Kind, t: Text | None) -> Read:
        """to_number: DECIMAL(38, 12), read to 12 places, below 10**26."""
        d = self.d
        present = b.not_null(v)
        if kind is Kind.INTEGER:
            fits = b.and_(b.compare(">", v, b.number(-_LIMIT)), b.compare("<", v, b.number(_LIMIT)))
            return Read(b.case((fits, b.cast(v, "DECIMAL(38, 12)"))), b.and_(present, b.not_(fits)))
        if kind is Kind.DECIMAL:
            value = d.decimal_number(v)
            return Read(value, b.and_(present, b.is_null(value)))
        if kind is Kind.FLOAT:
            finite = b.not_(b.or_(d.isnan(v), d.isinf(v)))
            value = b.case((finite, d.decimal(d.double_text(v))))
            return Read(value, b.and_(present, b.not_(d.isnan(v)), b.is_null(value)))
        if kind is Kind.TEXT:
            assert t is not None
            return Read(t.number, b.and_(present, b.is_null(t.number)))
        if kind is Kind.NULL:
            return Read(b.null(), _never())
        return Read(b.cast(b.null(), "DECIMAL(38, 12)"), present)  # yes/no, dates, lists, ...

    def number_text(self, s: E, keep: Keep) -> E:
        """The number stripped text writes (runtime.numbers.parse_number_text, then read to 12
        places), or NULL. ``keep(level, expression, hint)`` makes a column of an intermediate
        value at a level (1 to 4: each level reads only the ones before), so that no part is
        written out more than a few times."""
        d = self.d
        low = keep(1, d.lower(s), "nlow")
        allowed = keep(1, b.not_(d.search(s, _NOT_NUMBER_CHARS, False)), "nok")
        plain = keep(
            2, b.case((d.full_match(low, numbers.PLAIN_PATTERN), d.decimal(_digits(low)))), "nplain"
        )
        negative = keep(
            2,
            b.and_(d.starts_with(low, b.text("(")), d.ends_with(low, b.text(")"))),
            "nneg",
        )
        inner = keep(
            2,
            b.case(
                (
                    b.and_(
                        d.starts_with(low, b.text("(")),
                        d.ends_with(low, b.text(")")),
                    ),
                    d.strip(d.substr(low, b.number(2), b.sub(d.text_length(low), b.number(2)))),
                ),
                default=low,
            ),
            "ninner",
        )
        names = ["sign", "pre", "sign2", "digits", "mult", "post"]
        # The full grammar only where the plain one did not read the text (and the text may
        # be a number): most numbers are plain, and the grammar's regexes were most of a
        # query's time. Elsewhere its parts are NULL, which the CASE below never reaches.
        needed = b.and_(b.is_null(plain), allowed)
        g = keep(3, b.case((needed, d.groups(inner, numbers.NUMBER_PATTERN, names))), "ng")
        full = keep(3, b.case((needed, d.full_match(inner, numbers.NUMBER_PATTERN))), "nfull")
        part = {name: keep(4, d.group(g, name), f"n{name}") for name in names}

        def given(name: str) -> E:
            return b.compare("!=", part[name], b.text(""))

        valid = b.and_(
            full,
            b.not_(b.and_(given("pre"), given("post"))),
            b.not_(b.and_(negative, b.or_(given("sign"), given("sign2")))),
            b.not_(b.and_(given("sign"), given("sign2"))),
        )
        digits = d.decimal(_digits(part["digits"]))
        mult = part["mult"]
        scaled = b.case(
            (b.eq(mult, b.text("")), digits),
            *(
                (
                    b.and_(
                        b.eq(mult, b.text(word)),
                        b.compare("<", b.call("abs", digits), b.number(_LIMIT / factor)),
                    ),
                    b.cast(b.mul(digits, b.number(factor)), "DECIMAL(38, 12)"),
                )
                for word, factor in numbers.MULTIPLIERS.items()
            ),
        )
        minus = b.or_(negative, b.eq(part["sign"], b.text("-")), b.eq(part["sign2"], b.text("-")))
        amount = b.case((minus, exp_neg(scaled)), default=scaled)
        return b.case(
            (b.not_(allowed), b.cast(b.null(), "DECIMAL(38, 12)")),
            (b.not_null(plain), plain),
            (valid, amount),
        )

    # ---- text

    def text(self, v: E, kind: Kind, folded: E | None) -> Read:
        """to_text: folded text; numbers as their plain digits; yes/no as true/false; dates in
        ISO form."""
        d = self.d
        present = b.not_null(v)
        if kind is Kind.TEXT:
            assert folded is not None
            return Read(folded, _never())
        if kind is Kind.BOOLEAN:
            return Read(b.case((v, b.text("true")), default=b.text("false")), _never())
        if kind is Kind.INTEGER:
            fits = b.and_(b.compare(">", v, b.number(-_LIMIT)), b.compare("<", v, b.number(_LIMIT)))
            return Read(b.case((fits, b.cast(v, "VARCHAR"))), b.and_(present, b.not_(fits)))
        if kind is Kind.DECIMAL:
            fits = b.compare("<", b.call("abs", v), b.number(_LIMIT))
            whole = d.is_whole(v)
            shown = b.case((whole, d.whole_text(v, False)), default=b.cast(v, "VARCHAR"))
            return Read(b.case((fits, shown)), b.and_(present, b.not_(fits)))
        if kind is Kind.FLOAT:
            ok = b.and_(
                b.not_(b.or_(d.isnan(v), d.isinf(v))),
                b.compare("<", b.call("abs", v), b.cast(b.text(repr(float(_LIMIT))), "DOUBLE")),
            )
            whole = d.is_whole(v)
            shown = b.case((whole, d.whole_text(v, True)), default=d.double_text(v))
            return Read(b.case((ok, shown)), b.and_(present, b.not_(d.isnan(v)), b.not_(ok)))
        if kind is Kind.DATE:
            return Read(d.date_text(v), _never())
        if kind in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
            base = d.timestamp_text(v)
            micro = floor_mod(self.d.epoch_us(v, kind.value), 1_000_000)
            fraction = b.case(
                (
                    b.compare("!=", micro, b.number(0)),
                    d.concat(
                        b.text("."),
                        b.call("lpad", b.cast(micro, "VARCHAR"), b.number(6), b.text("0")),
                    ),
                ),
                default=b.text(""),
            )
            zone = b.text("+00:00" if kind is Kind.TIMESTAMPTZ else "")
            return Read(d.concat(base, fraction, zone), _never())
        if kind is Kind.NULL:
            return Read(b.null(), _never())
        return Read(b.cast(b.null(), "VARCHAR"), present)

    def matchable(self, v: E, kind: Kind, stripped: E | None) -> Read:
        """The text `matches` searches: text stripped (not folded), a number's digits."""
        if kind is Kind.TEXT:
            assert stripped is not None
            return Read(stripped, _never())
        if kind in (Kind.INTEGER, Kind.DECIMAL, Kind.FLOAT):
            return self.text(v, kind, None)
        if kind is Kind.NULL:
            return Read(b.null(), _never())
        return Read(b.cast(b.null(), "VARCHAR"), b.not_null(v))

    # ---- yes/no

    def truth(self, v: E, kind: Kind, t: Text | None) -> Read:
        """to_bool."""
        d = self.d
        present = b.not_null(v)
        if kind is Kind.BOOLEAN:
            return Read(v, _never())
        if kind in (Kind.INTEGER, Kind.DECIMAL, Kind.FLOAT):
            return Read(b.compare("!=", v, b.number(0)), _never())
        if kind in (Kind.DATE, Kind.TIMESTAMP, Kind.TIMESTAMPTZ, Kind.RECORD):
            return Read(b.case((present, b.true())), _never())
        if kind is Kind.LIST:
            return Read(b.compare(">", d.length(v), b.number(0)), _never())
        if kind is Kind.TEXT:
            assert t is not None
            value = b.case(
                (b.in_(t.folded, sorted(YES_WORDS)), b.true()),
                (b.in_(t.folded, sorted(NO_WORDS)), b.false()),
                (b.not_null(t.number), b.compare("!=", t.number, b.number(0))),
                (b.not_null(t.instant), b.true()),
            )
            return Read(value, b.and_(present, b.is_null(value)))
        if kind is Kind.NULL:
            return Read(b.null(), _never())
        return Read(b.cast(b.null(), "BOOLEAN"), present)

    # ---- moments

    def instant(self, v: E, kind: Kind, t: Text | None) -> Read:
        """to_datetime: microseconds since the epoch, UTC; NULL when unreadable."""
        d = self.d
        present = b.not_null(v)
        if kind in (Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
            return Read(d.epoch_us(v, kind.value), _never())
        if kind is Kind.DATE:
            return Read(d.epoch_us(v, "date"), _never())
        if kind in (Kind.INTEGER, Kind.DECIMAL, Kind.FLOAT):
            value = self.epoch_seconds(b.cast(v, "DOUBLE"))
            return Read(value, b.and_(present, b.is_null(value)))
        if kind is Kind.TEXT:
            assert t is not None
            return Read(t.instant, b.and_(present, b.is_null(t.instant)))
        if kind is Kind.NULL:
            return Read(b.null(), _never())
        return Read(b.cast(b.null(), "BIGINT"), present)

    def day(self, v: E, kind: Kind, t: Text | None) -> Read:
        """to_date: days since 1970-01-01 (the UTC date of a moment)."""
        if kind is Kind.TEXT:
            assert t is not None
            stripped = t.stripped
            iso = self.d.full_match(stripped, "[0-9]{4}-[0-9]{2}-[0-9]{2}")
            y = b.cast(self.d.substr(stripped, b.number(1), b.number(4)), "INTEGER")
            m = b.cast(self.d.substr(stripped, b.number(6), b.number(2)), "INTEGER")
            dd = b.cast(self.d.substr(stripped, b.number(9), b.number(2)), "INTEGER")
            iso_day = b.case((valid_date(y, m, dd), days_from_civil(y, m, dd)))
            general = floor_div(t.instant, US_PER_DAY)
            value = b.case((iso, iso_day), default=general)
            return Read(value, b.and_(b.not_null(v), b.is_null(value)))
        instant = self.instant(v, kind, t)
        return Read(floor_div(instant.value, US_PER_DAY), instant.bad)

    def epoch_seconds(self, seconds: E) -> E:
        """datetime.fromtimestamp(seconds, UTC) in microseconds (the fraction rounded half to
        even, as Python rounds it); NULL outside the years 1 to 9999 or for inf/NaN."""
        d = self.d
        whole = d.trunc(seconds)
        micro = d.round_even(b.mul(b.sub(seconds, whole), b.cast(b.text("1000000.0"), "DOUBLE")), 0)
        total = b.add(b.mul(d.wide(whole), b.number(1_000_000)), d.wide(micro))
        finite = b.not_(b.or_(d.isnan(seconds), d.isinf(seconds)))
        bounded = b.and_(
            finite,
            b.compare(">", seconds, b.cast(b.text("-62135596801.0"), "DOUBLE")),
            b.compare("<", seconds, b.cast(b.text("253402300800.0"), "DOUBLE")),
        )
        return b.case(
            (bounded, b.case((in_range(total), b.cast(total, "BIGINT")))),
        )

    def instant_text(self, s: E, dayfirst: bool, keep: Keep) -> E:
        """runtime.dates.parse_date_text in SQL: microseconds since the epoch, or NULL (levels
        as for :meth:`number_text`)."""
        d = self.d
        low = keep(1, d.lower(s), "dlow")
        ascii_ = keep(1, d.ascii(s), "dascii")
        # Every form of a moment is ASCII, at least 6 characters long and has a digit: the
        # grammars' regexes (most of a query's time on text) run only on such text; elsewhere
        # their columns are NULL, which the CASE below never takes.
        maybe = keep(
            1,
            b.and_(
                d.ascii(s),
                b.compare(">=", d.text_length(s), b.number(6)),
                d.search(s, "[0-9]", False),
            ),
            "dmaybe",
        )
        whens: list[tuple[E, E]] = []
        for name, pattern in dates.PATTERNS.items():
            names = sorted(pattern.groupindex, key=pattern.groupindex.__getitem__)
            g = keep(2, b.case((maybe, d.groups(low, pattern.pattern, names))), f"dg{name}")
            matched = keep(2, b.case((maybe, d.full_match(low, pattern.pattern))), f"dm{name}")
            parts = {n: keep(3, d.group(g, n), f"d{name}{n}") for n in names}

            def part(group: str, parts: dict[str, E] = parts) -> E:
                return parts.get(group, b.text(""))

            same = b.eq(part("s1"), part("s2"))
            if name in ("iso", "day_month", "month_day"):
                year = _int(d, part("y"))
                if name == "iso":
                    month, day = _int(d, part("mo")), _int(d, part("da"))
                else:
                    month = b.case(
                        *(
                            (b.eq(part("mon"), b.text(word)), b.number(n))
                            for word, n in dates.MONTHS.items()
                        ),
                        default=b.number(0),
                    )
                    day = _int(d, part("da"))
                built = _moment(d, part, year, month, day, keep, name)
                whens.append((b.and_(matched, same), built))
            elif name == "numeric":
                first, second = _int(d, part("a")), _int(d, part("b"))
                day, month = (first, second) if dayfirst else (second, first)
                two = _int(d, part("y"))
                year = b.case(
                    (b.eq(d.text_length(part("y")), b.number(4)), two),
                    (b.compare("<=", two, b.number(68)), b.add(b.number(2000), two)),
                    default=b.add(b.number(1900), two),
                )
                whens.append(
                    (b.and_(matched, same), _moment(d, part, year, month, day, keep, name))
                )
            else:  # iso_basic: a valid date, or a time, else (maybe) epoch seconds below
                built = _moment(
                    d,
                    part,
                    _int(d, part("y")),
                    _int(d, part("mo")),
                    _int(d, part("da")),
                    keep,
                    name,
                )
                decided = b.or_(b.not_null(built), b.compare("!=", part("hh"), b.text("")))
                whens.append((b.and_(matched, decided), built))
        seconds = keep(2, b.case((maybe, d.try_double(low))), "depoch")
        epoch = keep(7, self.epoch_seconds(seconds), "depochus")
        epoch_matched = b.case((maybe, d.full_match(low, dates.EPOCH_PATTERN)))
        whens.append((keep(2, epoch_matched, "dmepoch"), epoch))
        return b.case(
            (b.not_(ascii_), b.cast(b.null(), "BIGINT")),
            *whens,
            default=b.cast(b.null(), "BIGINT"),
        )

    def moment(self, v: E, kind: Kind, t: Text | None) -> tuple[E, E, E, E]:
        """semantics.moment: (whether it is a plain date, its day, its instant in µs, whether
        it could not be read). A plain date is a DATE, or text of 10 characters that is a
        date (runtime.values.to_date); anything else is an instant."""
        if kind is Kind.DATE:
            day = floor_div(self.d.epoch_us(v, "date"), US_PER_DAY)
            return b.true(), day, self.d.null("BIGINT"), _never()
        if kind is Kind.TEXT:
            assert t is not None
            day = self.day(v, kind, t).value
            instant = self.instant(v, kind, t)
            ten = b.eq(self.d.text_length(t.stripped), b.number(10))
            is_date = b.and_(ten, b.not_null(day))
            bad = b.and_(b.not_null(v), b.not_(is_date), b.is_null(instant.value))
            return is_date, day, instant.value, bad
        instant = self.instant(v, kind, t)
        return b.false(), floor_div(instant.value, US_PER_DAY), instant.value, instant.bad


# ----------------------------------------------------------------------------- arithmetic


def exp_neg(value: E) -> E:
    from sqlglot import exp

    return exp.Neg(this=b.paren(value))


def _digits(text: E) -> E:
    return b.call(
        "replace", b.call("replace", text, b.text(","), b.text("")), b.text("_"), b.text("")
    )


def _int(d: Dialect, text: E) -> E:
    return d.try_int(text)


def floor_div(value: E, divisor: int) -> E:
    """``value // divisor`` rounding down (SQL's integer division rounds toward zero)."""
    return b.case(
        (b.compare(">=", value, b.number(0)), b.idiv(value, b.number(divisor))),
        default=exp_neg(b.idiv(b.add(exp_neg(value), b.number(divisor - 1)), b.number(divisor))),
    )


def floor_mod(value: E, divisor: int) -> E:
    """``value % divisor`` with the sign of the divisor (positive)."""
    return b.sub(value, b.mul(floor_div(value, divisor), b.number(divisor)))


def in_range(us: E) -> E:
    return b.and_(b.compare(">=", us, b.number(MIN_US)), b.compare("<=", us, b.number(MAX_US)))


def leap(y: E) -> E:
    return b.or_(
        b.and_(
            b.eq(b.mod(y, b.number(4)), b.number(0)),
            b.compare("!=", b.mod(y, b.number(100)), b.number(0)),
        ),
        b.eq(b.mod(y, b.number(400)), b.number(0)),
    )


def days_in_month(y: E, m: E) -> E:
    return b.case(
        (b.in_(m, [1, 3, 5, 7, 8, 10, 12]), b.number(31)),
        (b.in_(m, [4, 6, 9, 11]), b.number(30)),
        (leap(y), b.number(29)),
        default=b.number(28),
    )


def valid_date(y: E, m: E, d: E) -> E:
    return b.and_(
        b.compare(">=", y, b.number(1)),
        b.compare("<=", y, b.number(9999)),
        b.compare(">=", m, b.number(1)),
        b.compare("<=", m, b.number(12)),
        b.compare(">=", d, b.number(1)),
        b.compare("<=", d, days_in_month(y, m)),
    )


def days_from_civil(y: E, m: E, d: E) -> E:
    """Days since 1970-01-01 of a valid (proleptic Gregorian) date, in integer arithmetic."""
    yy = b.sub(y, b.case((b.compare("<=", m, b.number(2)), b.number(1)), default=b.number(0)))
    era = b.idiv(yy, b.number(400))
    yoe = b.sub(yy, b.mul(era, b.number(400)))
    mp = b.case(
        (b.compare(">", m, b.number(2)), b.sub(m, b.number(3))), default=b.add(m, b.number(9))
    )
    doy = b.add(
        b.idiv(b.add(b.mul(b.number(153), mp), b.number(2)), b.number(5)), b.sub(d, b.number(1))
    )
    doe = b.add(
        b.sub(
            b.add(b.mul(yoe, b.number(365)), b.idiv(yoe, b.number(4))), b.idiv(yoe, b.number(100))
        ),
        doy,
    )
    return b.sub(b.add(b.mul(era, b.number(146097)), doe), b.number(719468))


def _moment(
    d: Dialect, part: Callable[[str], E], year: E, month: E, day: E, keep: Keep, tag: str
) -> E:
    """runtime.dates._build in SQL: the instant (µs, UTC) the parts name, or NULL (the parts
    are level-3 columns; this makes columns of levels 4 to 7)."""
    y = keep(4, year, f"d{tag}Y")
    m = keep(4, month, f"d{tag}MO")
    dd = keep(4, day, f"d{tag}D")
    hour = keep(4, b.coalesce(_int(d, part("hh")), b.number(0)), f"d{tag}H")
    minute = keep(4, b.coalesce(_int(d, part("mi")), b.number(0)), f"d{tag}MI")
    second = keep(4, b.coalesce(_int(d, part("ss")), b.number(0)), f"d{tag}S")
    fraction = part("frac")
    micro = keep(
        4,
        b.case(
            (b.eq(fraction, b.text("")), b.number(0)),
            default=_int(
                d,
                b.call(
                    "rpad", d.substr(fraction, b.number(1), b.number(6)), b.number(6), b.text("0")
                ),
            ),
        ),
        f"d{tag}US",
    )
    ampm = part("ampm")
    zone = part("zone")
    digits = keep(
        4,
        b.call("replace", d.substr(zone, b.number(2)), b.text(":"), b.text("")),
        f"d{tag}Z",
    )
    utc = keep(4, b.in_(zone, ["", "z", "utc", "gmt"]), f"d{tag}UTC")
    minus = keep(4, d.starts_with(zone, b.text("-")), f"d{tag}ZM")
    pm = keep(4, d.starts_with(ampm, b.text("p")), f"d{tag}PM")
    twelve = keep(4, b.eq(ampm, b.text("")), f"d{tag}24")
    zone_h = keep(5, _int(d, d.substr(digits, b.number(1), b.number(2))), f"d{tag}ZH")
    zone_m = keep(
        5,
        b.coalesce(_int(d, d.substr(digits, b.number(3), b.number(2))), b.number(0)),
        f"d{tag}ZMI",
    )
    hour24 = keep(
        5,
        b.case(
            (twelve, hour),
            (
                b.and_(b.compare(">=", hour, b.number(1)), b.compare("<=", hour, b.number(12))),
                b.add(b.mod(hour, b.number(12)), b.case((pm, b.number(12)), default=b.number(0))),
            ),
            default=b.number(-1),
        ),
        f"d{tag}H24",
    )
    days = keep(5, b.case((valid_date(y, m, dd), days_from_civil(y, m, dd))), f"d{tag}DAYS")
    zone_ok = b.or_(
        utc, b.and_(b.compare("<=", zone_h, b.number(23)), b.compare("<=", zone_m, b.number(59)))
    )
    sign = b.case((minus, b.number(-1)), default=b.number(1))
    offset_min = keep(
        6,
        b.case((utc, b.number(0)), default=b.mul(sign, b.add(b.mul(zone_h, b.number(60)), zone_m))),
        f"d{tag}OFF",
    )
    valid = keep(
        6,
        b.and_(
            b.not_null(days),
            b.compare(">=", hour24, b.number(0)),
            b.compare("<=", hour24, b.number(23)),
            b.compare("<=", minute, b.number(59)),
            b.compare("<=", second, b.number(59)),
            zone_ok,
        ),
        f"d{tag}OK",
    )
    seconds = b.add(b.mul(b.add(b.mul(hour24, b.number(60)), minute), b.number(60)), second)
    local = b.add(
        b.add(
            b.mul(b.cast(days, "BIGINT"), b.number(US_PER_DAY)),
            b.mul(b.cast(seconds, "BIGINT"), b.number(1_000_000)),
        ),
        micro,
    )
    utc_us = keep(
        6,
        b.sub(
            local,
            b.mul(b.cast(b.coalesce(offset_min, b.number(0)), "BIGINT"), b.number(60_000_000)),
        ),
        f"d{tag}UTCUS",
    )
    return keep(7, b.case((b.and_(valid, in_range(utc_us)), utc_us)), f"d{tag}AT")
