"""Price decisions that data revisions reversed: first known values against the latest ones."""

import duckdb
import polars as pl

from warehouse.reads.common import frame, percent
from warehouse.scope import under


def query_revisions(
    con: duckdb.DuckDBPyConnection, scope: str | None, region: str | None = None
) -> pl.DataFrame:
    """Return one row per (jurisdiction, index month, rule) whose decision a revision reversed.

    A month is revised when the decision on the values first known (triggered or not) differs
    from the decision on the latest values known at the evaluation.
    """
    sql = f"""
        SELECT f.region_code, strftime(f.period, '%Y-%m') AS period, f.rule_id,
               {{'cpi_yoy_pct': {percent("f.first_cpi_bp")},
                 'food_yoy_pct': {percent("f.first_food_bp")},
                 'published_on': f.first_known_on}} AS decided_on,
               {{'cpi_yoy_pct': {percent("f.cpi_bp")},
                 'food_yoy_pct': {percent("f.food_bp")},
                 'published_on': f.published_on}} AS latest,
               f.first_status AS decision_then, f.status AS decision_now,
               e.as_of AS evaluated_as_of
        FROM subsidy_findings f JOIN evaluations e USING (evaluation_id)
        WHERE f.first_status IN ('triggered', 'not_triggered')
          AND f.status IN ('triggered', 'not_triggered')
          AND f.first_status <> f.status
          AND {under("f.region_code", "scope")} AND {under("f.region_code", "region")}
        ORDER BY f.region_code, f.period, f.rule_id
    """
    return frame(con, sql, {"scope": scope, "region": region})
