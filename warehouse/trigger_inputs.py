"""Queries that give the trigger engine its input frames (columns as in `triggers.frames`)."""

from datetime import date

import duckdb
import polars as pl

from warehouse.trigger_inputs_commitments import COMMITMENT_QUERIES

# Every vintage of each value, numbered in load order, with the day it was loaded: the engine
# decides on the values as they were known on the evaluation date (triggers/cpi_decision.py).
_CPI = """
    SELECT region_code, period, indicator,
           CAST(round(value_pct * 100) AS BIGINT) AS value_bp,
           published_on,
           CAST(loaded_at AT TIME ZONE 'Asia/Shanghai' AS DATE) AS loaded_on,
           row_number() OVER (PARTITION BY region_code, period, indicator ORDER BY ingest_id)
               AS vintage
    FROM cpi_observations
    WHERE measure = 'yoy' AND indicator IN ('cpi', 'food') AND period <= $as_of
"""

_BENEFICIARIES = """
    SELECT region_code, period, group_code, CAST(persons AS BIGINT) AS persons
    FROM beneficiary_counts_current WHERE period <= $as_of
"""

_STANDARDS = """
    SELECT region_code, period, standard_code,
           CAST(round(yuan_per_month * 10000) AS BIGINT) AS yuan_per_month_e4
    FROM benefit_standards_current WHERE period <= $as_of
"""

# The latest snapshot of each fund on or before the evaluation date (of that date, the newest
# ingest), with its own-funds payments. arg_max over a group is ~2× faster than the windows of
# fund_snapshots_current plus a row_number() on 1M rows.
_FUNDS = """
    WITH latest AS (
        SELECT region_code, fund_code,
               arg_max({'as_of': as_of, 'region_name': region_name, 'fund_name': fund_name,
                        'department': coalesce(department, ''),
                        'received_yuan': received_yuan, 'allocated_yuan': allocated_yuan,
                        'paid_yuan': paid_yuan, 'release_date': release_date},
                       (as_of, ingest_id)) AS s
        FROM fund_snapshots WHERE as_of <= $as_of
        GROUP BY region_code, fund_code
    ), own AS (
        SELECT region_code, fund_code, count(*) AS payments, sum(amount_yuan) AS amount
        FROM fund_payments
        WHERE own_funds_account AND payment_date <= $as_of
        GROUP BY ALL
    )
    SELECT l.s.as_of, l.region_code, l.s.region_name, r.parent_code, l.fund_code, l.s.fund_name,
           l.s.department,
           CAST(l.s.received_yuan * 100 AS BIGINT) AS received_fen,
           CAST(l.s.allocated_yuan * 100 AS BIGINT) AS allocated_fen,
           CAST(l.s.paid_yuan * 100 AS BIGINT) AS paid_fen,
           l.s.release_date,
           coalesce(o.payments, 0) AS own_funds_payments,
           CAST(coalesce(o.amount, 0) * 100 AS BIGINT) AS own_funds_fen
    FROM latest l
    LEFT JOIN regions r USING (region_code)
    LEFT JOIN own o USING (region_code, fund_code)
"""

# The latest snapshot of each project on or before the evaluation date, and the one before it.
_BONDS = """
    SELECT as_of, region_code, region_name, project, coalesce(project_unit, '') AS project_unit, coalesce(department, '') AS department,
           CAST(quota_yuan * 100 AS BIGINT) AS quota_fen,
           CAST(spent_yuan * 100 AS BIGINT) AS spent_fen,
           funds_arrived_on,
           lead(as_of) OVER w AS previous_as_of,
           CAST(lead(spent_yuan) OVER w * 100 AS BIGINT) AS previous_spent_fen
    FROM bond_snapshots_current
    WHERE as_of <= $as_of
    WINDOW w AS (PARTITION BY region_code, project ORDER BY as_of DESC)
    QUALIFY row_number() OVER w = 1
    ORDER BY region_code, project  -- county totals sum floats: a fixed order repeats them exactly
"""

# What the 发放台账 says was paid by the evaluation date (the newest ledger naming a region and
# index month is current, see migration 6).
_SUBSIDY_PAYMENTS = """
    SELECT region_code, period, group_code, CAST(persons AS BIGINT) AS persons,
           CAST(paid_yuan * 100 AS BIGINT) AS paid_fen, paid_on
    FROM subsidy_payments_current
    WHERE paid_on <= $as_of
    ORDER BY region_code, period, paid_on, group_code
"""

QUERIES = {
    "cpi": _CPI,
    "beneficiaries": _BENEFICIARIES,
    "standards": _STANDARDS,
    "funds": _FUNDS,
    "bonds": _BONDS,
    "subsidy_payments": _SUBSIDY_PAYMENTS,
    **COMMITMENT_QUERIES,  # arrears, measures, daily_reports, bond_issues, bond_readiness, …
}


def query_trigger_inputs(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, pl.LazyFrame]:
    """Return every input frame of the trigger engine as known on `as_of`."""
    return {
        # a query that does not depend on the date (measures_current) takes no parameter
        name: con.execute(sql, {"as_of": as_of} if "$as_of" in sql else {}).pl().lazy()
        for name, sql in QUERIES.items()
    }
