"""What the dashboard shows, as frames, always limited to the viewer's scope.

`scope` is the region a user may see (None: everything). It is applied here, in SQL, to every
query, so no page can forget it: a county user's rows, charts and exports come from the same
scoped queries. Money leaves as DECIMAL yuan; rates as 0–1 doubles.
"""

import duckdb
import polars as pl

# starts_with(code, scope without trailing "00" pairs); NULL scope = everything
_IN_SCOPE = "($scope IS NULL OR starts_with({col}, regexp_replace($scope, '(00)+$', '')))"
_FILTER = "($region IS NULL OR starts_with({col}, regexp_replace($region, '(00)+$', '')))"
MAX_ROWS = 5000


def _scoped(col: str) -> str:
    return f"{_IN_SCOPE.format(col=col)} AND {_FILTER.format(col=col)}"


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pl.DataFrame:
    return con.execute(sql, params).pl()


def query_fund_warnings(
    con: duckdb.DuckDBPyConnection,
    scope: str | None,
    region: str | None = None,
    level: str | None = None,
    department: str | None = None,
    limit: int = MAX_ROWS,
) -> pl.DataFrame:
    """Return the direct-fund lights in scope, red first (at most `limit` rows)."""
    sql = f"""
        SELECT region_code, region_name, fund_code, fund_name, department, as_of,
               CAST(received_fen AS DECIMAL(18, 0)) * 0.01 AS received_yuan,
               CAST(allocated_fen AS DECIMAL(18, 0)) * 0.01 AS allocated_yuan,
               CAST(paid_fen AS DECIMAL(18, 0)) * 0.01 AS paid_yuan,
               allocation_rate, spending_rate, time_progress, allocation_deadline, level,
               array_to_string(reasons, '；') AS reasons
        FROM fund_warnings
        WHERE {_scoped("region_code")} AND ($level IS NULL OR level = $level)
          AND ($department IS NULL OR department = $department)
        ORDER BY array_position(['red', 'yellow', 'yellow_bell', 'green'], level), region_code,
                 fund_code
        LIMIT $limit
    """
    params = {"scope": scope, "region": region, "level": level, "department": department,
              "limit": limit}  # fmt: skip
    return _frame(con, sql, params)


def query_fund_levels_by_county(con: duckdb.DuckDBPyConnection, scope: str | None) -> pl.DataFrame:
    """Return per region the number of funds at each level (columns red, yellow, yellow_bell, green)."""
    sql = f"""
        SELECT region_code, any_value(region_name) AS region_name,
               count(*) FILTER (level = 'red') AS red,
               count(*) FILTER (level = 'yellow') AS yellow,
               count(*) FILTER (level = 'yellow_bell') AS yellow_bell,
               count(*) FILTER (level = 'green') AS green,
               CAST(sum(paid_fen) AS DOUBLE) / nullif(sum(received_fen), 0) AS spending_rate
        FROM fund_warnings WHERE {_IN_SCOPE.format(col="region_code")}
        GROUP BY region_code ORDER BY region_code
    """
    return _frame(con, sql, {"scope": scope})


def query_fund_history(
    con: duckdb.DuckDBPyConnection, scope: str | None, region_code: str, fund_code: str
) -> pl.DataFrame:
    """Return one fund's snapshots over time (received, allocated, paid, rates)."""
    sql = f"""
        SELECT as_of, CAST(received_yuan AS DECIMAL(18, 2)) AS received_yuan,
               allocated_yuan, paid_yuan,
               CAST(allocated_yuan AS DOUBLE) / nullif(received_yuan, 0) AS allocation_rate,
               CAST(paid_yuan AS DOUBLE) / nullif(received_yuan, 0) AS spending_rate
        FROM fund_snapshots_current
        WHERE region_code = $code AND fund_code = $fund AND {_IN_SCOPE.format(col="region_code")}
        ORDER BY as_of
    """
    return _frame(con, sql, {"scope": scope, "code": region_code, "fund": fund_code})


def query_bond_projects(
    con: duckdb.DuckDBPyConnection,
    scope: str | None,
    region: str | None = None,
    level: str | None = None,
    department: str | None = None,
    limit: int = MAX_ROWS,
) -> pl.DataFrame:
    """Return the special-bond projects in scope with projection, level and escalation step."""
    sql = f"""
        SELECT b.region_code, b.region_name, b.project, b.project_unit, b.department, b.as_of,
               CAST(b.quota_fen AS DECIMAL(18, 0)) * 0.01 AS quota_yuan,
               CAST(b.spent_fen AS DECIMAL(18, 0)) * 0.01 AS spent_yuan,
               b.spending_rate, b.target_e4 / 10000 AS target_rate, b.deadline,
               b.projected_date, b.level, b.reason, coalesce(s.step_name, '') AS escalation_step,
               a.alert_id
        FROM bond_projects b
        LEFT JOIN alerts a ON a.rule_id = b.rule_id
             AND a.subject = b.region_code || '/' || b.project AND a.status <> 'resolved'
        LEFT JOIN escalations s
             ON s.alert_id = a.alert_id AND s.escalation_step = a.escalation_step
        WHERE {_scoped("b.region_code")} AND ($level IS NULL OR b.level = $level)
          AND ($department IS NULL OR b.department = $department)
        ORDER BY array_position(['red', 'yellow', 'green'], b.level), b.region_code, b.project
        LIMIT $limit
    """
    params = {"scope": scope, "region": region, "level": level, "department": department,
              "limit": limit}  # fmt: skip
    return _frame(con, sql, params)


def query_bond_counties(con: duckdb.DuckDBPyConnection, scope: str | None) -> pl.DataFrame:
    """Return each county's bond totals, projection and level."""
    sql = f"""
        SELECT region_code, region_name, projects,
               CAST(quota_fen AS DECIMAL(18, 0)) * 0.01 AS quota_yuan,
               CAST(spent_fen AS DECIMAL(18, 0)) * 0.01 AS spent_yuan,
               spending_rate, target_e4 / 10000 AS target_rate, deadline, projected_date, level,
               reason
        FROM bond_counties WHERE {_IN_SCOPE.format(col="region_code")}
        ORDER BY region_code
    """
    return _frame(con, sql, {"scope": scope})


def query_bond_history(
    con: duckdb.DuckDBPyConnection, scope: str | None, region_code: str, project: str
) -> pl.DataFrame:
    """Return one project's snapshots over time."""
    sql = f"""
        SELECT as_of, quota_yuan, spent_yuan,
               CAST(spent_yuan AS DOUBLE) / nullif(quota_yuan, 0) AS spending_rate
        FROM bond_snapshots_current
        WHERE region_code = $code AND project = $project AND {_IN_SCOPE.format(col="region_code")}
        ORDER BY as_of
    """
    return _frame(con, sql, {"scope": scope, "code": region_code, "project": project})


def query_subsidies(con: duckdb.DuckDBPyConnection, scope: str | None) -> pl.DataFrame:
    """Return the price-subsidy findings of the jurisdictions a viewer may see.

    A county user sees the findings of the jurisdictions that contain their county.
    """
    sql = """
        SELECT f.region_code, f.period, f.status, f.triggered, array_to_string(f.reasons, '；') AS reasons,
               f.cpi_region, CAST(f.cpi_bp AS DECIMAL(9, 0)) * 0.01 AS cpi_yoy_pct,
               f.food_region, CAST(f.food_bp AS DECIMAL(9, 0)) * 0.01 AS food_yoy_pct,
               CAST(f.cpi_threshold_bp AS DECIMAL(9, 0)) * 0.01 AS cpi_threshold_pct,
               CAST(f.food_threshold_bp AS DECIMAL(9, 0)) * 0.01 AS food_threshold_pct,
               f.rule_id, f.rule_version, f.published_on, f.published_on_estimated, f.pay_by,
               f.pay_by - e.as_of AS days_left, f.per_person_yuan, f.persons,
               CAST(f.total_yuan AS DECIMAL(18, 2)) AS total_yuan
        FROM subsidy_findings f JOIN evaluations e USING (evaluation_id)
        WHERE $scope IS NULL
           OR starts_with($scope, regexp_replace(f.region_code, '(00)+$', ''))
           OR starts_with(f.region_code, regexp_replace($scope, '(00)+$', ''))
        ORDER BY f.region_code, f.period
    """
    return _frame(con, sql, {"scope": scope})


def query_subsidy_groups(con: duckdb.DuckDBPyConnection, scope: str | None) -> pl.DataFrame:
    """Return triggered months' persons and money per jurisdiction, month and group (in scope)."""
    sql = f"""
        SELECT f.region_code AS jurisdiction, f.period, g.group_code,
               sum(g.persons) AS persons, CAST(sum(g.total_yuan) AS DECIMAL(18, 2)) AS total_yuan
        FROM subsidy_findings f, unnest(f.groups) AS u(g)
        WHERE f.triggered AND {_IN_SCOPE.format(col="g.region_code")}
        GROUP BY ALL ORDER BY f.region_code, f.period, g.group_code
    """
    return _frame(con, sql, {"scope": scope})


def query_cpi_series(con: duckdb.DuckDBPyConnection, regions: list[str]) -> pl.DataFrame:
    """Return CPI and food CPI year on year (percent) per region and month (public figures)."""
    sql = """
        SELECT region_code, period, indicator, arg_max(value_pct, ingest_id) AS value_pct
        FROM cpi_observations
        WHERE measure = 'yoy' AND indicator IN ('cpi', 'food') AND list_contains($regions, region_code)
        GROUP BY ALL ORDER BY region_code, indicator, period
    """
    return _frame(con, sql, {"regions": regions})


def query_alerts(
    con: duckdb.DuckDBPyConnection,
    scope: str | None,
    open_only: bool = True,
    region: str | None = None,
    limit: int = MAX_ROWS,
) -> pl.DataFrame:
    """Return alerts in scope, open first, red before yellow, with their current escalation step."""
    sql = f"""
        SELECT a.alert_id, a.rule_id, a.kind, a.region_code, a.level, a.status, a.message, a.opened_at,
               a.acknowledged_by, a.ack_note, a.resolved_at, coalesce(s.step_name, '') AS escalation_step
        FROM alerts a
        LEFT JOIN escalations s ON s.alert_id = a.alert_id AND s.escalation_step = a.escalation_step
        WHERE {_scoped("a.region_code")} AND ($open_only = FALSE OR a.status <> 'resolved')
        ORDER BY a.status = 'resolved', array_position(['red', 'yellow'], a.level), a.alert_id
        LIMIT $limit
    """
    params = {"scope": scope, "region": region, "open_only": open_only, "limit": limit}
    return _frame(con, sql, params)


def query_alert_events(
    con: duckdb.DuckDBPyConnection, scope: str | None, alert_id: int
) -> pl.DataFrame:
    """Return the history of one alert in scope (state changes with who and when)."""
    sql = f"""
        SELECT e.happened_at, e.actor, e.from_status, e.to_status, e.from_level, e.to_level, e.note
        FROM alert_events e JOIN alerts a USING (alert_id)
        WHERE e.alert_id = $id AND {_IN_SCOPE.format(col="a.region_code")}
        ORDER BY e.event_id
    """
    return _frame(con, sql, {"scope": scope, "id": alert_id})


def query_ingests(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pl.DataFrame:
    """Return the latest ingests with their accounts."""
    sql = """
        SELECT ingest_id, kind, file_name, status, rows_read, rows_loaded, rows_quarantined,
               rows_skipped, finished_at, sha256
        FROM ingests ORDER BY ingest_id DESC LIMIT $limit
    """
    return _frame(con, sql, {"limit": limit})


def query_quarantine_rows(con: duckdb.DuckDBPyConnection, limit: int = MAX_ROWS) -> pl.DataFrame:
    """Return quarantined rows, newest ingest first."""
    sql = """
        SELECT ingest_id, file_name, source_row, column_name, reason, raw_row
        FROM quarantine ORDER BY ingest_id DESC, source_row LIMIT $limit
    """
    return _frame(con, sql, {"limit": limit})


def query_last_evaluation(con: duckdb.DuckDBPyConnection) -> dict | None:
    """Return the as-of date and time of the latest evaluation, or None."""
    row = con.execute(
        "SELECT as_of, finished_at FROM evaluations ORDER BY evaluation_id DESC LIMIT 1"
    ).fetchone()
    return {"as_of": row[0], "finished_at": row[1]} if row else None


def query_regions(con: duckdb.DuckDBPyConnection, scope: str | None) -> pl.DataFrame:
    """Return the regions that have findings in scope (for filters)."""
    sql = f"""
        SELECT DISTINCT region_code, region_name FROM (
            SELECT region_code, region_name FROM fund_warnings
            UNION ALL SELECT region_code, region_name FROM bond_projects)
        WHERE {_IN_SCOPE.format(col="region_code")} ORDER BY region_code
    """
    return _frame(con, sql, {"scope": scope})


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
              WHERE department IS NOT NULL AND department <> '' AND {_IN_SCOPE.format(col="region_code")} ORDER BY 1"""
    return [r[0] for r in con.execute(sql, {"scope": scope}).fetchall()]


def query_alert_counts(con: duckdb.DuckDBPyConnection, scope: str | None) -> dict[str, int]:
    """Return how many alerts in scope are firing and acknowledged."""
    sql = f"""
        SELECT count(*) FILTER (status = 'firing'), count(*) FILTER (status = 'acknowledged')
        FROM alerts WHERE status <> 'resolved' AND {_IN_SCOPE.format(col="region_code")}
    """
    firing, acknowledged = con.execute(sql, {"scope": scope}).fetchone()
    return {"firing": firing, "acknowledged": acknowledged}


def query_open_escalations(con: duckdb.DuckDBPyConnection, scope: str | None) -> pl.DataFrame:
    """Return open alerts that reached a step (告知 → 移交问题线索), highest step first."""
    sql = f"""
        SELECT a.alert_id, a.kind, a.region_code, a.subject, a.level, a.status,
               a.escalation_step, s.step_name, s.step_on
        FROM alerts a
        JOIN escalations s ON s.alert_id = a.alert_id AND s.escalation_step = a.escalation_step
        WHERE a.status <> 'resolved' AND {_IN_SCOPE.format(col="a.region_code")}
        ORDER BY a.escalation_step DESC, s.step_on, a.region_code, a.subject
    """
    return _frame(con, sql, {"scope": scope})
