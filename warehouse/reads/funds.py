"""Direct funds (直达资金) as read by everyone: lights per fund, counts per county, one fund's
history, carry-over balances due for recall. `scope` is the region a viewer may see (None: all),
`region` a filter inside it; both cover the regions under them."""

import duckdb
import polars as pl

from warehouse.reads.common import MAX_ROWS, exact_yuan, frame, level_rank, yuan
from warehouse.scope import under


def query_fund_warnings(
    con: duckdb.DuckDBPyConnection,
    scope: str | None,
    region: str | None = None,
    level: str | None = None,
    department: str | None = None,
    limit: int | None = MAX_ROWS,
) -> pl.DataFrame:
    """Return the direct-fund lights in scope, red first (at most `limit` rows; None: all)."""
    sql = f"""
        SELECT f.region_code, f.region_name, f.fund_code, f.fund_name, f.department, f.as_of,
               {yuan("f.received_fen")} AS received_yuan,
               {yuan("f.allocated_fen")} AS allocated_yuan,
               {yuan("f.paid_fen")} AS paid_yuan,
               f.allocation_rate, f.spending_rate, f.time_progress, f.allocation_deadline,
               f.own_funds_payments, f.level, f.reasons, f.stale, f.rule_id
        FROM fund_warnings f
        WHERE {under("f.region_code", "scope")} AND {under("f.region_code", "region")}
          AND ($level IS NULL OR f.level = $level)
          AND ($department IS NULL OR f.department = $department)
        ORDER BY {level_rank("f.level")}, f.region_code, f.fund_code
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


def query_fund_levels_by_county(con: duckdb.DuckDBPyConnection, scope: str | None) -> pl.DataFrame:
    """Return per region the number of funds at each level (columns red, yellow, yellow_bell, green)."""
    sql = f"""
        SELECT region_code, any_value(region_name) AS region_name,
               count(*) FILTER (level = 'red') AS red,
               count(*) FILTER (level = 'yellow') AS yellow,
               count(*) FILTER (level = 'yellow_bell') AS yellow_bell,
               count(*) FILTER (level = 'green') AS green,
               CAST(sum(paid_fen) AS DOUBLE) / nullif(sum(received_fen), 0) AS spending_rate
        FROM fund_warnings WHERE {under("region_code", "scope")}
        GROUP BY region_code ORDER BY region_code
    """
    return frame(con, sql, {"scope": scope})


def query_fund_history(
    con: duckdb.DuckDBPyConnection, scope: str | None, region_code: str, fund_code: str
) -> pl.DataFrame:
    """Return one fund's snapshots over time (received, allocated, paid, rates)."""
    sql = f"""
        SELECT as_of, {exact_yuan("received_yuan")} AS received_yuan,
               allocated_yuan, paid_yuan,
               CAST(allocated_yuan AS DOUBLE) / nullif(received_yuan, 0) AS allocation_rate,
               CAST(paid_yuan AS DOUBLE) / nullif(received_yuan, 0) AS spending_rate
        FROM fund_snapshots_current
        WHERE region_code = $code AND fund_code = $fund AND {under("region_code", "scope")}
        ORDER BY as_of
    """
    return frame(con, sql, {"scope": scope, "code": region_code, "fund": fund_code})


def query_carryover(
    con: duckdb.DuckDBPyConnection, scope: str | None, region: str | None = None
) -> pl.DataFrame:
    """Return balances due for recall (red) or soon due (yellow), soonest first."""
    sql = f"""
        SELECT f.fund_code, f.fund_name, f.region_code, f.region_name, f.budget_year,
               {yuan("f.balance_fen")} AS balance_yuan, f.recall_on,
               f.days_left, f.level, f.reason, f.rule_id
        FROM carryover_findings f
        WHERE {under("f.region_code", "scope")} AND {under("f.region_code", "region")}
        ORDER BY f.recall_on, f.region_code, f.fund_code
    """
    return frame(con, sql, {"scope": scope, "region": region})
