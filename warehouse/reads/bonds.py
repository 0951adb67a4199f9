"""Special bonds (专项债券) as read by everyone: projects with projection, level and escalation
step, county totals, one project's history. `scope` is the region a viewer may see (None: all)."""

import duckdb
import polars as pl

from warehouse.reads.common import MAX_ROWS, frame, level_rank, yuan
from warehouse.scope import under


def query_bond_projects(
    con: duckdb.DuckDBPyConnection,
    scope: str | None,
    region: str | None = None,
    level: str | None = None,
    department: str | None = None,
    limit: int | None = MAX_ROWS,
) -> pl.DataFrame:
    """Return the special-bond projects in scope with projection, level and escalation step."""
    sql = f"""
        SELECT b.region_code, b.region_name, b.project, b.project_unit, b.department, b.as_of,
               {yuan("b.quota_fen")} AS quota_yuan, {yuan("b.spent_fen")} AS spent_yuan,
               b.spending_rate, b.target_e4 / 10000 AS target_rate, b.deadline,
               b.previous_as_of, b.pace_basis, b.projected_date, b.reached, b.level, b.reason,
               a.escalation_step AS escalation_level,
               coalesce(s.step_name, '') AS escalation_step, a.alert_id, b.rule_id
        FROM bond_projects b
        LEFT JOIN alerts a ON a.rule_id = b.rule_id
             AND a.subject = b.region_code || '/' || b.project AND a.status <> 'resolved'
        LEFT JOIN escalations s
             ON s.alert_id = a.alert_id AND s.escalation_step = a.escalation_step
        WHERE {under("b.region_code", "scope")} AND {under("b.region_code", "region")}
          AND ($level IS NULL OR b.level = $level)
          AND ($department IS NULL OR b.department = $department)
        ORDER BY {level_rank("b.level")}, b.region_code, b.project
        LIMIT $limit
    """
    params = {
        "scope": scope,
        "region": region,
        "level": level,
        "department": department,
        "limit": limit,
    }
    return frame(con, sql, params)


def query_bond_counties(
    con: duckdb.DuckDBPyConnection, scope: str | None, region: str | None = None
) -> pl.DataFrame:
    """Return each county's bond totals, projection and level, by region code."""
    sql = f"""
        SELECT region_code, region_name, as_of, projects,
               {yuan("quota_fen")} AS quota_yuan, {yuan("spent_fen")} AS spent_yuan,
               spending_rate, target_e4 / 10000 AS target_rate, deadline, projected_date,
               reached, level, reason, rule_id
        FROM bond_counties
        WHERE {under("region_code", "scope")} AND {under("region_code", "region")}
        ORDER BY region_code
    """
    return frame(con, sql, {"scope": scope, "region": region})


def query_bond_history(
    con: duckdb.DuckDBPyConnection, scope: str | None, region_code: str, project: str
) -> pl.DataFrame:
    """Return one project's snapshots over time."""
    sql = f"""
        SELECT as_of, quota_yuan, spent_yuan,
               CAST(spent_yuan AS DOUBLE) / nullif(quota_yuan, 0) AS spending_rate
        FROM bond_snapshots_current
        WHERE region_code = $code AND project = $project AND {under("region_code", "scope")}
        ORDER BY as_of
    """
    return frame(con, sql, {"scope": scope, "code": region_code, "project": project})
