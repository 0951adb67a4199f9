"""Regions as read by everyone: those with findings in scope, names, departments (for filters)."""

import duckdb
import polars as pl

from warehouse.reads.common import frame
from warehouse.scope import under


def query_regions(con: duckdb.DuckDBPyConnection, scope: str | None) -> pl.DataFrame:
    """Return the regions that have findings in scope (for filters)."""
    sql = f"""
        SELECT DISTINCT region_code, region_name FROM (
            SELECT region_code, region_name FROM fund_warnings
            UNION ALL SELECT region_code, region_name FROM bond_projects)
        WHERE {under("region_code", "scope")} ORDER BY region_code
    """
    return frame(con, sql, {"scope": scope})


def query_region_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Return region code → name for every known region (GB/T 2260 and configured units)."""
    return dict(con.execute("SELECT region_code, name FROM regions").fetchall())


def query_departments(
    con: duckdb.DuckDBPyConnection, scope: str | None, table: str = "fund_warnings"
) -> list[str]:
    """Return the departments with findings in scope (for filters)."""
    if table not in ("fund_warnings", "bond_projects"):
        raise ValueError(table)
    sql = f"""SELECT DISTINCT department FROM {table}
              WHERE department IS NOT NULL AND department <> ''
                AND {under("region_code", "scope")} ORDER BY 1"""
    return [r[0] for r in con.execute(sql, {"scope": scope}).fetchall()]
