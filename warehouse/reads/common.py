"""What every read query shares: money in yuan from fen, the order of levels, frames from SQL.

Money leaves the warehouse as DECIMAL yuan (exact), rates as 0–1 doubles, CPI as DECIMAL percent.
"""

import duckdb
import polars as pl

from triggers.vocabulary import LEVEL_ORDER  # worst first: the vocabulary's, re-exported

MAX_ROWS = 5000  # rows a dashboard grid gets at most; the CLI and the Python API pass None (all)


def yuan(fen: str) -> str:
    """Return SQL for the fen column `fen` as exact yuan (DECIMAL with two places)."""
    return f"CAST({fen} AS DECIMAL(18, 0)) * 0.01"


def exact_yuan(column: str) -> str:
    """Return SQL for a column already in yuan (whole-yuan integer or decimal) as DECIMAL(18, 2)."""
    return f"CAST({column} AS DECIMAL(18, 2))"


def percent(bp: str) -> str:
    """Return SQL for a basis-point column as exact percent (DECIMAL with two places)."""
    return f"CAST({bp} AS DECIMAL(9, 0)) * 0.01"


def level_rank(column: str) -> str:
    """Return SQL ordering levels worst first (red, yellow, yellow_bell, green)."""
    return f"array_position({list(LEVEL_ORDER)!r}, {column})"


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pl.DataFrame:
    """Return the result of `sql` with bound `params` as a polars frame."""
    return con.execute(sql, params).pl()


def rows_of(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[dict]:
    """Return the result of `sql` as plain dicts (for the few readers that want records)."""
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
