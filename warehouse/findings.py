"""Read the latest evaluation's findings as plain rows (money as decimal yuan, CPI in percent)."""

import duckdb

# Regions under a code: trailing "00" pairs dropped, then a prefix match (000000 = all).
_UNDER = "($region IS NULL OR starts_with(f.region_code, regexp_replace($region, '(00)+$', '')))"

_SUBSIDIES = f"""
    SELECT f.region_code, strftime(f.period, '%Y-%m') AS period, f.status, f.triggered,
           f.reasons, f.cpi_region AS cpi_region_used,
           CAST(f.cpi_bp AS DECIMAL(9, 0)) * 0.01 AS cpi_yoy_pct,
           f.food_region AS food_region_used,
           CAST(f.food_bp AS DECIMAL(9, 0)) * 0.01 AS food_yoy_pct,
           CAST(f.cpi_threshold_bp AS DECIMAL(9, 0)) * 0.01 AS cpi_threshold_pct,
           CAST(f.food_threshold_bp AS DECIMAL(9, 0)) * 0.01 AS food_threshold_pct,
           f.rule_id, f.rule_version, f.due_on, f.published_on, f.published_on_estimated,
           f.pay_by, f.pay_by - e.as_of AS days_left,
           CAST(f.per_person_yuan AS DECIMAL(18, 2)) AS per_person_yuan, f.persons,
           CAST(f.total_yuan AS DECIMAL(18, 2)) AS total_yuan,
           [{{'region_code': g.region_code, 'group_code': g.group_code, 'persons': g.persons,
              'per_person_yuan': CAST(g.per_person_yuan AS DECIMAL(18, 2)),
              'total_yuan': CAST(g.total_yuan AS DECIMAL(18, 2))}}
            FOR g IN coalesce(f.groups, [])] AS groups,
           e.as_of AS evaluated_as_of
    FROM subsidy_findings f JOIN evaluations e USING (evaluation_id)
    WHERE {_UNDER} AND ($triggered IS NULL OR f.triggered = $triggered)
    ORDER BY f.region_code, f.period, f.rule_id
"""

_WARNINGS = f"""
    SELECT f.fund_code, f.fund_name, f.region_code, f.region_name, f.as_of,
           CAST(f.received_fen AS DECIMAL(18, 0)) * 0.01 AS received_yuan,
           CAST(f.allocated_fen AS DECIMAL(18, 0)) * 0.01 AS allocated_yuan,
           CAST(f.paid_fen AS DECIMAL(18, 0)) * 0.01 AS paid_yuan,
           round(f.allocation_rate, 4) AS allocation_rate,
           round(f.spending_rate, 4) AS spending_rate,
           round(f.time_progress, 4) AS time_progress,
           f.allocation_deadline, f.own_funds_payments, f.level, f.reasons, f.stale, f.rule_id
    FROM fund_warnings f
    WHERE {_UNDER} AND ($level IS NULL OR f.level = $level)
    ORDER BY array_position(['red', 'yellow', 'yellow_bell', 'green'], f.level),
             f.region_code, f.fund_code
"""

_BONDS = f"""
    SELECT f.project, f.project_unit, f.region_code, f.region_name, f.as_of,
           CAST(f.quota_fen AS DECIMAL(18, 0)) * 0.01 AS quota_yuan,
           CAST(f.spent_fen AS DECIMAL(18, 0)) * 0.01 AS spent_yuan,
           round(f.spending_rate, 4) AS spending_rate, f.deadline,
           f.target_e4 / 10000 AS target_rate,
           f.previous_as_of, f.pace_basis, f.projected_date, f.reached, f.level, f.reason,
           a.escalation_step AS escalation_level,
           coalesce(s.step_name, '') AS escalation_step, a.alert_id, f.rule_id
    FROM bond_projects f
    LEFT JOIN alerts a
      ON a.rule_id = f.rule_id AND a.subject = f.region_code || '/' || f.project
     AND a.status <> 'resolved'
    LEFT JOIN escalations s
      ON s.alert_id = a.alert_id AND s.escalation_step = a.escalation_step
    WHERE {_UNDER}
    ORDER BY array_position(['red', 'yellow', 'green'], f.level), f.region_code, f.project
"""

_COUNTIES = f"""
    SELECT f.region_code, f.region_name, f.as_of, f.projects,
           CAST(f.quota_fen AS DECIMAL(18, 0)) * 0.01 AS quota_yuan,
           CAST(f.spent_fen AS DECIMAL(18, 0)) * 0.01 AS spent_yuan,
           round(f.spending_rate, 4) AS spending_rate, f.deadline,
           f.target_e4 / 10000 AS target_rate,
           f.projected_date, f.reached, f.level, f.reason, f.rule_id
    FROM bond_counties f
    WHERE {_UNDER}
    ORDER BY array_position(['red', 'yellow', 'green'], f.level), f.region_code
"""

_CARRYOVER = f"""
    SELECT f.fund_code, f.fund_name, f.region_code, f.region_name, f.budget_year,
           CAST(f.balance_fen AS DECIMAL(18, 0)) * 0.01 AS balance_yuan, f.recall_on,
           f.days_left, f.level, f.reason, f.rule_id
    FROM carryover_findings f
    WHERE {_UNDER}
    ORDER BY f.recall_on, f.region_code, f.fund_code
"""


def rows_of(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def query_subsidies(
    con: duckdb.DuckDBPyConnection, region: str | None = None, triggered: bool | None = None
) -> list[dict]:
    """Return the price-subsidy findings per jurisdiction and index month."""
    return rows_of(con, _SUBSIDIES, {"region": region, "triggered": triggered})


def query_warnings(
    con: duckdb.DuckDBPyConnection, region: str | None = None, level: str | None = None
) -> list[dict]:
    """Return the direct-fund lights, red first."""
    return rows_of(con, _WARNINGS, {"region": region, "level": level})


def query_bonds(
    con: duckdb.DuckDBPyConnection, region: str | None = None, by: str = "project"
) -> list[dict]:
    """Return special-bond projects (or county totals) with projection, level, escalation."""
    return rows_of(con, _BONDS if by == "project" else _COUNTIES, {"region": region})


def query_carryover(con: duckdb.DuckDBPyConnection, region: str | None = None) -> list[dict]:
    """Return balances due for recall (red) or soon due (yellow)."""
    return rows_of(con, _CARRYOVER, {"region": region})


def query_last_evaluation(con: duckdb.DuckDBPyConnection) -> dict | None:
    """Return the latest evaluation with its unhealthy rules, or None before the first one."""
    rows = rows_of(con, "SELECT * FROM evaluations ORDER BY evaluation_id DESC LIMIT 1", {})
    if not rows:
        return None
    rows[0]["unhealthy_rules"] = rows_of(
        con,
        "SELECT rule_id, kind, error FROM rule_health WHERE evaluation_id = $id AND NOT healthy",
        {"id": rows[0]["evaluation_id"]},
    )
    return rows[0]
