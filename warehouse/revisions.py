"""Price decisions that data revisions reversed: first known values against the latest ones."""

import duckdb
import polars as pl

# A month is revised when the decision on the values first known (triggered or not) differs
# from the decision on the latest values known at the evaluation.
_REVISIONS = """
    SELECT f.region_code, strftime(f.period, '%Y-%m') AS period, f.rule_id,
           {'cpi_yoy_pct': CAST(f.first_cpi_bp AS DECIMAL(9, 0)) * 0.01,
            'food_yoy_pct': CAST(f.first_food_bp AS DECIMAL(9, 0)) * 0.01,
            'published_on': f.first_known_on} AS decided_on,
           {'cpi_yoy_pct': CAST(f.cpi_bp AS DECIMAL(9, 0)) * 0.01,
            'food_yoy_pct': CAST(f.food_bp AS DECIMAL(9, 0)) * 0.01,
            'published_on': f.published_on} AS latest,
           f.first_status AS decision_then, f.status AS decision_now,
           e.as_of AS evaluated_as_of
    FROM subsidy_findings f JOIN evaluations e USING (evaluation_id)
    WHERE f.first_status IN ('triggered', 'not_triggered')
      AND f.status IN ('triggered', 'not_triggered')
      AND f.first_status <> f.status
      AND ($region IS NULL
           OR starts_with(f.region_code, regexp_replace($region, '(00)+$', '')))
    ORDER BY f.region_code, f.period, f.rule_id
"""


def query_revisions(con: duckdb.DuckDBPyConnection, region: str | None = None) -> pl.DataFrame:
    """Return one row per (jurisdiction, index month, rule) whose decision a revision reversed."""
    return con.execute(_REVISIONS, {"region": region}).pl()
