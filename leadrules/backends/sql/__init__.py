"""The SQL backend: the checked rules as one SQL query (sqlglot's tree, written by sqlglot's
generator for each engine's dialect), run on DuckDB embedded or handed to a warehouse.

- :func:`to_sql` writes the query for a dialect, given the tables' columns;
- :func:`score_duckdb` scores a table, a file or a frame on DuckDB and returns the relation;
- :func:`result_of_row` turns a scored row back into a :class:`~leadrules.result.Result`;
- ``duckdb``, the registered backend (table fidelity), scores dict leads through DuckDB, so
  that the conformance suite can hold it to the reference like any backend.

Every engine gives the reference evaluator's answers, or refuses a construct at compile time
(:class:`~.dialect.Unsupported`, naming it): see docs/sql.md for what each engine refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlglot import exp

from ...errors import Diagnostic, InvalidArgument
from ...lang.checker import CheckedRules
from ...result import Result
from ..contract import Fidelity
from .columns import Table, table_from_spec
from .dialect import Unsupported, dialect_named
from .query import Query, UnknownName
from .rows import result_of_row

__all__ = [
    "BACKEND",
    "SqlBackend",
    "UnknownName",
    "Unsupported",
    "result_of_row",
    "score_duckdb",
    "to_sql",
]


def to_sql(
    rules: CheckedRules,
    *,
    dialect: str = "duckdb",
    leads: str = "leads",
    events: str | None = None,
    id: str = "id",
    events_id: str | None = None,
    columns: Sequence[str] | Sequence[tuple[str, str]] | None = None,
    event_columns: Sequence[str] | Sequence[tuple[str, str]] | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The scoring query, as SQL text for ``dialect``. ``columns`` (and ``event_columns``)
    name the tables' columns in order — names alone for text columns (as a CSV gives them), or
    ``(name, SQL type)`` pairs — since names bind to columns when the query is built.
    ``now=None``: the engine's current time."""
    chosen = dialect_named(dialect)
    if columns is None:
        raise InvalidArgument(
            "to_sql() needs the leads table's columns (columns=[...]): rule names bind to "
            "columns when the query is built"
        )
    leads_table = table_from_spec(columns)
    if id not in leads_table.names:
        leads_table = Table((*table_from_spec([id]).columns, *leads_table.columns))
    events_table: Table | None = None
    if events is not None:
        spec = event_columns if event_columns is not None else [events_id or id, "name", "at"]
        events_table = table_from_spec(spec)
    query = Query(
        rules,
        chosen,
        leads_table,
        exp.to_table(leads),
        id,
        now,
        events_table,
        exp.to_table(events) if events is not None else None,
        events_id,
    )
    return chosen.write(query.build(), pretty=True)


def score_duckdb(rules: CheckedRules, leads: Any, **options: Any) -> Any:
    """See :meth:`leadrules.RuleSet.score_duckdb`."""
    from .engine import score_duckdb as run

    return run(rules, leads, **options)


class SqlBackend:
    """The DuckDB backend, registered as ``duckdb``: table fidelity. ``score`` and
    ``score_many`` put dict leads (JSON-like values of one type per key) in a table and score
    it with one query; whole tables are scored with :func:`score_duckdb`."""

    name = "duckdb"
    description = "the rules as one SQL query, run on DuckDB embedded (table fidelity)"
    fidelity = Fidelity.TABLE

    def unsupported(self, rules: CheckedRules) -> tuple[Diagnostic, ...]:
        return ()

    def accepts(self, lead: Any) -> bool:
        """Whether ``score`` takes ``lead``: a dict of values a table column holds as they
            are (see :func:`.engine.table_value`), its ``events`` a list of such dicts with one type
        of value per key (an events table's column)."""
        from .engine import table_value

        if not isinstance(lead, dict) or not _distinct_columns(lead):
            return False
        for key, value in lead.items():
            if not isinstance(key, str) or not table_value(key):
                return False
            if key == "events":
                if not isinstance(value, list) or not _event_table(value):
                    return False
            elif not table_value(value):
                return False
        return True

    def compile(self, rules: CheckedRules) -> DuckDBScorer:
        return DuckDBScorer(rules)


class DuckDBScorer:
    backend = "duckdb"
    source = None

    def __init__(self, rules: CheckedRules) -> None:
        self.rules = rules

    def score(self, lead: Any, now: dt.datetime) -> Result:
        return next(self.score_many([lead], now))

    def score_many(self, leads: Iterable[Any], now: dt.datetime) -> Iterator[Result]:
        from .engine import score_dicts

        for row in score_dicts(self.rules, list(leads), now):
            yield result_of_row(self.rules, row, now)


def _distinct_columns(record: dict[Any, Any]) -> bool:
    """Whether a dict's keys name distinct columns (a database's names ignore case)."""
    names = [str(key).lower() for key in record]
    return len(set(names)) == len(names) and "__leadrules_id" not in names


def _event_table(events: list[Any]) -> bool:
    """Whether events (dicts) make a table: values a column holds, one type per key."""
    from .engine import table_value

    kinds: dict[str, type] = {}
    for event in events:
        if not isinstance(event, dict) or not _distinct_columns(event):
            return False
        for key, value in event.items():
            if not isinstance(key, str) or not table_value(key) or not table_value(value):
                return False
            if value is not None and kinds.setdefault(key, type(value)) is not type(value):
                return False
    return True


BACKEND = SqlBackend()
