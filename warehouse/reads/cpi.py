"""CPI as read by everyone: the current vintage (the `cpi_current` view) of the published figures."""

import duckdb
import polars as pl

from warehouse.reads.common import frame


def query_cpi_series(
    con: duckdb.DuckDBPyConnection, regions: list[str] | None = None
) -> pl.DataFrame:
    """Return CPI and food CPI year on year (percent) per region and month (public figures).

    `regions` None: every region. The current value is the newest ingest's (cpi_current).
    """
    sql = """
        SELECT region_code, period, indicator, value_pct
        FROM cpi_current
        WHERE measure = 'yoy' AND indicator IN ('cpi', 'food')
          AND ($regions IS NULL OR list_contains($regions, region_code))
        ORDER BY region_code, indicator, period
    """
    return frame(con, sql, {"regions": regions})
