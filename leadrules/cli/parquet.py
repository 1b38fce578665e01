"""Parquet files of leads or events, read by DuckDB's Parquet reader: their columns, and their
rows as records (dicts of the values as DuckDB's Python client gives them), so that both engines
of ``leadrules score`` see the same leads.

A Parquet file is typed: a column of numbers gives numbers, a STRUCT gives a dict, a LIST a
list. Its rows are numbered from 1 (what a CSV file's messages call the line). Not here: the
other formats (:mod:`.records`), scoring a Parquet file in DuckDB (:mod:`.tablefile`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb

from ..backends.sql.engine import connect
from .inputs import InputError, InputFile
from .records import LeadItem, Records

__all__ = ["PARQUET_MAGIC", "parquet_columns", "parquet_records"]

#: The first (and last) four bytes of a Parquet file.
PARQUET_MAGIC = b"PAR1"

#: Rows fetched from DuckDB at a time.
_BATCH = 2048


def _relation(connection: duckdb.DuckDBPyConnection, source: InputFile) -> Any:
    if source.name == "<stdin>":
        raise InputError(
            "a Parquet file cannot be read from standard input: give its path instead of -"
        )
    try:
        return connection.read_parquet(source.name)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read {source.name} as Parquet: {first}") from exc


def parquet_columns(source: InputFile) -> list[str]:
    """The columns of a Parquet file, in order."""
    return list(_relation(connect(), source).columns)


def parquet_records(source: InputFile) -> Records:
    """The rows of a Parquet file as records, lazily (the header is its columns)."""
    connection = connect()
    relation = _relation(connection, source)
    columns = list(relation.columns)
    counted = connection.execute("SELECT count(*) FROM read_parquet(?)", [source.name]).fetchone()
    total = max(int(counted[0]) if counted else 0, 1)

    def rows() -> Iterator[LeadItem]:
        result = connection.execute("SELECT * FROM read_parquet(?)", [source.name])
        number = 0
        size = source.size or 0
        while True:
            batch = result.fetchmany(_BATCH)
            if not batch:
                return
            for row in batch:
                number += 1
                yield LeadItem(
                    number, f"{source.name}:{number}", dict(zip(columns, row, strict=True))
                )
            source.consumed = size * number // total

    return Records(rows(), columns)
