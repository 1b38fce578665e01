"""``leadrules sql``: the scoring query of a rule file, as SQL text for a dialect, for people
who run it on their own database (a warehouse, a dbt model, a scheduled job).

Names bind to columns when the query is built, so the leads' columns are given: by name
(``--columns``, text columns as a CSV gives them, or ``name:TYPE``) or read from a file of
leads (``--columns-from``: a CSV file's header, a Parquet file's columns and types). Not here:
the query (:func:`leadrules.backends.sql.to_sql`).
"""

from __future__ import annotations

import datetime as dt

import click
import duckdb

from ...backends.sql.dialect import dialect_names
from ..base import Failure, command, load_rules, open_input
from ..inputs import Reporter
from ..options import RULES_FILE, dayfirst_option, moment_callback
from ..records import read_records

__all__ = ["sql_cmd"]

Spec = list[str | tuple[str, str]]


def split_columns(text: str) -> Spec:
    """``"id, Job Title, Budget:DECIMAL(12,2)"``: names, or ``(name, type)`` pairs, split at
    the commas outside parentheses."""
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "," and depth == 0:
            items.append("".join(current))
            current = []
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current.append(char)
    items.append("".join(current))
    spec: Spec = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        name, colon, type_name = item.rpartition(":")
        spec.append((name.strip(), type_name.strip()) if colon and name.strip() else item)
    return spec


def columns_of_file(path: str, encoding: str) -> Spec:
    """A file's columns: a Parquet file's names and types, a CSV file's header (text)."""
    with open_input(path, None, encoding) as source:
        if source.fmt == "parquet":
            try:
                relation = duckdb.connect().read_parquet(path)
            except duckdb.Error as exc:
                raise Failure(f"cannot read {path} as Parquet: {exc}") from exc
            return [(n, str(t)) for n, t in zip(relation.columns, relation.types, strict=True)]
        records = read_records(source, Reporter())
        if records.header is None:
            raise Failure(
                f"{path} is {source.fmt.upper()}: --columns-from takes a CSV or Parquet file "
                "(a JSON record's fields can differ from one record to the next)"
            )
        return list(dict.fromkeys(h for h in records.header if h))


@command("sql")
@click.argument("rules", type=RULES_FILE)
@click.option(
    "--dialect",
    type=click.Choice(list(dialect_names()), case_sensitive=False),
    default="duckdb",
    show_default=True,
    help="The SQL dialect to write.",
)
@click.option(
    "--columns",
    default=None,
    metavar="COLUMNS",
    help="The leads table's columns, comma-separated: names (text columns, as a CSV gives "
    "them) or NAME:TYPE (e.g. 'id, Job Title, Budget:DECIMAL(12,2)').",
)
@click.option(
    "--columns-from",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Take the leads' columns from a CSV file's header or a Parquet file's schema.",
)
@click.option("--leads-table", default="leads", show_default=True, help="The leads table.")
@click.option("--id", "id_column", default="id", show_default=True, help="The lead id column.")
@click.option("--events-table", default=None, help="The events table (one row per event).")
@click.option(
    "--event-columns",
    default=None,
    metavar="COLUMNS",
    help="The events table's columns, as for --columns (default: the events id, name, at).",
)
@click.option(
    "--event-columns-from",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Take the events' columns from a CSV file's header or a Parquet file's schema.",
)
@click.option("--events-id", default=None, help="The events' lead id column (default: as --id).")
@click.option("--encoding", default="utf-8", show_default=True, help="Of --columns-from files.")
@click.option(
    "--now",
    metavar="TIME",
    callback=moment_callback,
    default=None,
    help="Score as of this ISO-8601 time (2026-11-21 or 2026-11-21T09:30:00Z; naive is UTC). "
    "Default: the database's current time when the query runs.",
)
@dayfirst_option
def sql_cmd(
    rules: str,
    dialect: str,
    columns: str | None,
    columns_from: str | None,
    leads_table: str,
    id_column: str,
    events_table: str | None,
    event_columns: str | None,
    event_columns_from: str | None,
    events_id: str | None,
    encoding: str,
    now: dt.datetime | None,
    dayfirst: bool,
) -> int:
    """Print the SQL query that scores a table of leads with RULES.

    One row per lead: the id, score, stage, qualified, disqualified, next_stage,
    points_to_next_stage, contributions, disqualifications, undecided, groups, may_warn
    (docs/sql.md). Without --now the query scores at the database's current time.
    """
    if (columns is None) == (columns_from is None):
        raise click.UsageError("give the leads' columns: --columns or --columns-from (one)")
    if event_columns is not None and event_columns_from is not None:
        raise click.UsageError("give --event-columns or --event-columns-from, not both")
    if events_table is None and (event_columns or event_columns_from or events_id):
        raise click.UsageError("--event-columns and --events-id need --events-table")
    ruleset = load_rules(rules, dayfirst)
    lead_spec = split_columns(columns) if columns is not None else None
    if columns_from is not None:
        lead_spec = columns_of_file(columns_from, encoding)
    event_spec: Spec | None = None
    if event_columns is not None:
        event_spec = split_columns(event_columns)
    elif event_columns_from is not None:
        event_spec = columns_of_file(event_columns_from, encoding)
    text = ruleset.to_sql(
        dialect=dialect.lower(),
        leads=leads_table,
        events=events_table,
        id=id_column,
        events_id=events_id,
        columns=lead_spec,
        event_columns=event_spec,
        now=now,
    )
    click.echo(text.rstrip("\n") + ";")
    return 0
