"""Compiled rule sets and the top-level functions of the API."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .backends import registry
from .backends.contract import Scorer, UnsupportedConstruct
from .errors import Diagnostic, InvalidArgument, LeadRulesError
from .lang import ast
from .lang.checker import CheckedRules, check
from .lang.parser import parse
from .result import Result
from .runtime.values import Reading

if TYPE_CHECKING:
    from .report.history import History

__all__ = ["RuleSet", "compile", "evaluate", "load"]

UTC = dt.timezone.utc
_DATETIME = dt.datetime


def resolve_now(now: dt.datetime | None) -> dt.datetime:
    """``now`` as an aware datetime: the current UTC time when None; naive taken as UTC."""
    if now is None:
        return dt.datetime.now(UTC)
    if not isinstance(now, dt.datetime):
        raise InvalidArgument(
            f"now must be a datetime, not {type(now).__name__} ({now!r}); "
            "for a date write datetime(2026, 1, 15, tzinfo=timezone.utc)"
        )
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


class RuleSet:
    """A checked rule file, ready to score leads. Make one with :func:`compile` or
    :func:`load`; it is immutable and safe to share between threads."""

    __slots__ = ("_backend", "_checked", "_schema", "_score", "_scorer")
    _backend: str
    _checked: CheckedRules
    _schema: Any
    _scorer: Scorer
    _score: Callable[[Any, dt.datetime], Result]

    def __init__(
        self, checked: CheckedRules, schema: Any = None, backend: str = registry.DEFAULT
    ) -> None:
        engine = registry.get(backend)
        problems = engine.unsupported(checked)
        if problems:
            raise UnsupportedConstruct(problems)
        scorer = engine.compile(checked)
        for name, value in (
            ("_checked", checked),
            ("_schema", schema),
            ("_backend", backend),
            ("_scorer", scorer),
            ("_score", scorer.score),
        ):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a RuleSet is immutable: compile new rules instead of setting {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a RuleSet is immutable: {name} cannot be deleted")

    @property
    def schema(self) -> Any:
        """The schema the rules were checked against, or None."""
        return self._schema

    @property
    def backend(self) -> str:
        """The name of the backend that scores leads (see :func:`leadrules.backends.names`)."""
        return self._backend

    @property
    def dayfirst(self) -> bool:
        """Whether the leads' dates are read day first (``compile(..., dayfirst=True)``)."""
        return self._checked.reading.dayfirst

    @property
    def scorer(self) -> Scorer:
        """What the backend compiled the rules to: ``score``, ``score_many`` and the
        ``source`` it generated (if any)."""
        return self._scorer

    @property
    def filename(self) -> str:
        return self._checked.file.filename

    @property
    def source(self) -> str:
        return self._checked.file.source

    @property
    def checked(self) -> CheckedRules:
        """The checked rule tree (definitions resolved) that backends evaluate."""
        return self._checked

    @property
    def tree(self) -> ast.RuleFile:
        """The parsed file, as written."""
        return self._checked.file

    @property
    def stages(self) -> tuple[str, ...]:
        """Stage names, lowest threshold first."""
        return tuple(s.name for s in self._checked.stages)

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(g.name for g in self._checked.groups)

    def evaluate(self, lead: Any, now: dt.datetime | None = None) -> Result:
        """Score one lead: an attrs instance, a mapping, or any object with attributes."""
        if now.__class__ is _DATETIME and now.tzinfo is not None:  # the usual case, quickly
            return self._score(lead, now)
        return self._score(lead, resolve_now(now))

    def evaluate_many(
        self, leads: Iterable[Any], now: dt.datetime | None = None
    ) -> Iterator[Result]:
        """Score leads one at a time, lazily: the input is read as results are taken, so a
        generator of a million leads is never held in memory. All leads are scored at the
        same ``now`` (taken once, when the first result is asked for, if not given)."""
        if isinstance(leads, (str, bytes, Mapping)) or not isinstance(leads, Iterable):
            raise InvalidArgument(
                f"evaluate_many() takes an iterable of leads, not {type(leads).__name__}; "
                "to score one lead use evaluate()"
            )
        return self._evaluate_many(leads, now)

    def _evaluate_many(self, leads: Iterable[Any], now: dt.datetime | None) -> Iterator[Result]:
        yield from self._scorer.score_many(leads, resolve_now(now))

    # ---- whole tables (docs/sql.md)

    def score_duckdb(
        self,
        leads: Any,
        *,
        events: Any = None,
        now: dt.datetime | None = None,
        id: str = "id",
        events_id: str | None = None,
        connection: Any = None,
    ) -> Any:
        """Score a whole table on DuckDB, embedded: ``leads`` is a DuckDB relation, the name
        of a table or view in ``connection``, a path to a CSV, Parquet or JSON Lines file, or
        a pandas / Arrow / Polars frame; ``events`` the same, one row per event (the lead id
        in ``events_id``, default ``id``; ``name``; ``at``; details). Returns a DuckDB relation,
        one row per lead, with the columns of docs/sql.md; the reference evaluator's answers."""
        from .backends.sql import score_duckdb

        return score_duckdb(
            self._checked, leads, events=events, now=resolve_now(now), id=id,
            events_id=events_id, connection=connection,
        )  # fmt: skip

    def score_spark(
        self,
        leads: Any,
        *,
        events: Any = None,
        now: dt.datetime | None = None,
        id: str = "id",
        events_id: str | None = None,
    ) -> Any:
        """Score a Spark DataFrame of leads (and one of events: the lead id in
        ``events_id``, default ``id``; ``name``; ``at``; details) on Spark. Returns a Spark
        DataFrame, one row per lead in no particular order, with the columns of docs/sql.md;
        the reference evaluator's answers. Needs ``pip install 'leadrules[spark]'``."""
        from .backends.sql.spark import score_spark

        return score_spark(
            self._checked, leads, events=events, now=resolve_now(now), id=id,
            events_id=events_id,
        )  # fmt: skip

    def to_sql(
        self,
        *,
        dialect: str = "duckdb",
        leads: str = "leads",
        events: str | None = None,
        id: str = "id",
        events_id: str | None = None,
        columns: Any = None,
        event_columns: Any = None,
        now: dt.datetime | None = None,
    ) -> str:
        """The scoring query as SQL text for ``dialect``, over the tables ``leads`` (and
        ``events``) with ``columns`` (and ``event_columns``): names, or (name, SQL type)
        pairs. ``now=None`` scores at the engine's current time."""
        from .backends.sql import to_sql

        return to_sql(
            self._checked, dialect=dialect, leads=leads, events=events, id=id,
            events_id=events_id, columns=columns, event_columns=event_columns,
            now=None if now is None else resolve_now(now),
        )  # fmt: skip

    def result_of_row(self, row: Mapping[str, Any], now: dt.datetime | None = None) -> Result:
        """A scored table's row (a mapping of its columns) as a Result, so that
        ``explain()`` works on it (it has no evidence and no warnings: docs/sql.md)."""
        from .backends.sql import result_of_row

        return result_of_row(self._checked, row, resolve_now(now))

    # ---- over time (docs/report.md)

    def history(self, lead: Any, now: dt.datetime | None = None) -> History:
        """The lead scored at each moment its score could change, up to ``now``: each of its
        events, each moment an event leaves a time window of the rules, the decay steps after
        each event and the dates the rules name; each point with the rules whose points
        changed since the one before. The lead's fields are taken as they are: only its
        events and time move the score. See docs/report.md."""
        from .report.history import lead_history

        return lead_history(self.evaluate, self._checked, lead, resolve_now(now))

    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Warnings about the rules themselves (never about a lead), each with a position:
        score bounds, stages that can never or always be reached, rules that can never fire,
        duplicates, caps that never bind. See docs/checking.md."""
        from .lang.analysis import analyze

        return analyze(self._checked, self._schema)

    def __repr__(self) -> str:
        rules = len(self._checked.score_rules)
        return f"<RuleSet {self.filename!r}: {rules} score rules, stages {list(self.stages)}>"


def compile(
    source: str,
    schema: Any = None,
    filename: str = "<rules>",
    *,
    backend: str = registry.DEFAULT,
    dayfirst: bool = False,
) -> RuleSet:
    """Parse and check rule text. Raises RuleSyntaxError (a LeadRulesError) with the file,
    line, column and a caret for any mistake. ``dayfirst``: the leads write dates day first
    (``03/04/2026`` is the 3rd of April; month first otherwise)."""
    if not isinstance(filename, str):
        raise InvalidArgument(f"filename must be text, not {type(filename).__name__}")
    if not isinstance(dayfirst, bool):
        raise InvalidArgument(f"dayfirst must be True or False, not {dayfirst!r}")
    with _collector_paused():
        tree = parse(source, filename)
        checked = check(tree)
        if dayfirst:
            checked = attrs.evolve(checked, reading=Reading(dayfirst=True))
        if schema is not None:
            from .lang.schema import check_schema

            check_schema(checked, schema)
        return RuleSet(checked, schema, backend)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while rules are compiled: compiling makes
    many small objects that live on (the tree, the generated code), and the collector would
    walk them again and again (a tenth of the time for a 1,000-rule file). It is switched
    back on afterwards, if it was on; the objects left behind are collected as usual later."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(
    path: str | os.PathLike[str],
    schema: Any = None,
    *,
    backend: str = registry.DEFAULT,
    dayfirst: bool = False,
) -> RuleSet:
    """Read and compile a ``.leadrules`` file (UTF-8)."""
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidArgument(
            f"load() takes the path of a rule file, not {type(path).__name__}; "
            "to compile rule text use leadrules.compile(text)"
        )
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise LeadRulesError(
            f"could not read the rule file {os.fspath(path)!r}: {exc.strerror}"
        ) from exc
    except UnicodeDecodeError as exc:
        raise LeadRulesError(
            f"the rule file {os.fspath(path)!r} is not UTF-8 text (byte {exc.start}); "
            "save it as UTF-8"
        ) from exc
    return compile(
        text, schema=schema, filename=os.fspath(path), backend=backend, dayfirst=dayfirst
    )


@functools.lru_cache(maxsize=256)
def _compile_cached(source: str) -> RuleSet:
    return compile(source)


def evaluate(rules: RuleSet | str, lead: Any, now: dt.datetime | None = None) -> Result:
    """Score one lead with a RuleSet, or with rule source text (compiled once and cached)."""
    if isinstance(rules, RuleSet):
        return rules.evaluate(lead, now)
    if isinstance(rules, str):
        return _compile_cached(rules).evaluate(lead, now)
    raise InvalidArgument(
        f"evaluate() takes a RuleSet or rule text, not {type(rules).__name__}; "
        "compile rules with leadrules.compile(text) or leadrules.load(path)"
    )
