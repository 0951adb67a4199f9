"""Price-subsidy linkage (物价联动) as read by everyone: findings per jurisdiction and index month,
and triggered months' persons and money per group."""

import duckdb
import polars as pl

from warehouse.reads.common import exact_yuan, frame, percent, yuan
from warehouse.scope import related, under


def query_subsidies(
    con: duckdb.DuckDBPyConnection,
    scope: str | None,
    region: str | None = None,
    triggered: bool | None = None,
) -> pl.DataFrame:
    """Return the price-subsidy findings a viewer may see, by jurisdiction, month and rule.

    A county viewer (`scope`) sees the jurisdictions that contain their county as well as those
    in it; `region` keeps the jurisdictions under it, `triggered` the months that are (or not).
    """
    sql = f"""
        SELECT f.region_code, f.period, f.status, f.triggered, f.reasons,
               f.cpi_region, {percent("f.cpi_bp")} AS cpi_yoy_pct,
               f.food_region, {percent("f.food_bp")} AS food_yoy_pct,
               {percent("f.cpi_threshold_bp")} AS cpi_threshold_pct,
               {percent("f.food_threshold_bp")} AS food_threshold_pct,
               f.rule_id, f.rule_version, f.due_on, f.published_on, f.published_on_estimated,
               f.pay_by, f.pay_by - e.as_of AS days_left,
               {exact_yuan("f.per_person_yuan")} AS per_person_yuan, f.persons,
               {exact_yuan("f.total_yuan")} AS total_yuan,
               [{{'region_code': g.region_code, 'group_code': g.group_code, 'persons': g.persons,
                  'per_person_yuan': {exact_yuan("g.per_person_yuan")},
                  'total_yuan': {exact_yuan("g.total_yuan")}}}
                FOR g IN coalesce(f.groups, [])] AS groups,
               {yuan("f.paid_fen")} AS paid_yuan, f.payment_status, f.first_status,
               e.as_of AS evaluated_as_of
        FROM subsidy_findings f JOIN evaluations e USING (evaluation_id)
        WHERE {related("f.region_code", "scope")} AND {under("f.region_code", "region")}
          AND ($triggered IS NULL OR f.triggered = $triggered)
        ORDER BY f.region_code, f.period, f.rule_id
    """
    return frame(con, sql, {"scope": scope, "region": region, "triggered": triggered})


def query_subsidy_groups(con: duckdb.DuckDBPyConnection, scope: str | None) -> pl.DataFrame:
    """Return triggered months' persons and money per jurisdiction, month and group (in scope)."""
    sql = f"""
        SELECT f.region_code AS jurisdiction, f.period, g.group_code,
               sum(g.persons) AS persons, {exact_yuan("sum(g.total_yuan)")} AS total_yuan
        FROM subsidy_findings f, unnest(f.groups) AS u(g)
        WHERE f.triggered AND {under("g.region_code", "scope")}
        GROUP BY ALL ORDER BY f.region_code, f.period, g.group_code
    """
    return frame(con, sql, {"scope": scope})
