"""The ingest log and the quarantine as read by everyone: what each file gave, what was refused."""

import duckdb
import polars as pl

from warehouse.reads.common import MAX_ROWS, frame


def query_ingests(con: duckdb.DuckDBPyConnection, limit: int | None = 200) -> pl.DataFrame:
    """Return the latest ingests with their accounts, newest first (None: all)."""
    sql = """
        SELECT ingest_id, kind, file_name, status, rows_read, rows_loaded, rows_quarantined,
               rows_skipped, finished_at, sha256
        FROM ingests ORDER BY ingest_id DESC LIMIT $limit
    """
    return frame(con, sql, {"limit": limit})


def query_quarantine_rows(
    con: duckdb.DuckDBPyConnection, limit: int | None = MAX_ROWS
) -> pl.DataFrame:
    """Return quarantined rows, newest ingest first (None: all)."""
    sql = """
        SELECT ingest_id, file_name, source_row, column_name, reason, raw_row
        FROM quarantine ORDER BY ingest_id DESC, source_row LIMIT $limit
    """
    return frame(con, sql, {"limit": limit})
