"""Queries of the commitment ledgers' input frames (columns as in `triggers.frames.INPUTS`).

Money in fen (yuan × 100, exact from DECIMAL(18, 2)), rates in hundredths of a percent. A
snapshot ledger (arrears, guarantees, procurement) gives each region's latest snapshot on or
before the evaluation date, as the current view has it (a snapshot re-sent for the same date
supersedes the earlier one row by row).
"""


def _latest_snapshot(view: str, columns: str) -> str:
    return f"""
    WITH latest AS (
        SELECT region_code, max(as_of) AS as_of FROM {view} WHERE as_of <= $as_of GROUP BY ALL
    )
    SELECT {columns}
    FROM {view} v JOIN latest l USING (region_code, as_of)
    """


_ARREARS = (
    _latest_snapshot(
        "arrears_current",
        """v.as_of, v.region_code, v.region_name, v.debtor, v.creditor,
       coalesce(v.department, '') AS department,
       CAST(v.owed_yuan * 100 AS BIGINT) AS owed_fen,
       v.disputed, v.plan_due_on,
       CAST(coalesce(v.repaid_yuan, 0) * 100 AS BIGINT) AS repaid_fen,
       v.repaid_on""",
    )
    + "ORDER BY v.region_code, v.source_row"
)

_MEASURES = """
    SELECT region_code, region_name, measure_no, title, lead_units, responsible_units,
           report_cadence, report_by
    FROM measures_current
    ORDER BY region_code, measure_no
"""

# A report without a time in its file was submitted, at the latest, when its file was loaded.
_DAILY_REPORTS = """
    SELECT d.unit, d.report_date, d.measure_no,
           CAST(coalesce(d.submitted_at, i.started_at AT TIME ZONE 'Asia/Shanghai')
                AS TIMESTAMP) AS submitted_at,
           d.submitted_at IS NULL AS submitted_estimated
    FROM daily_reports_current d JOIN ingests i USING (ingest_id)
    WHERE d.report_date <= $as_of
    ORDER BY d.report_date, d.unit, d.measure_no
"""

_BOND_ISSUES = """
    SELECT region_code, region_name, bond_name, bond_code,
           CAST(issued_yuan * 100 AS BIGINT) AS issued_fen, issued_on
    FROM bond_issues_current
    WHERE issued_on <= $as_of
    ORDER BY region_code, issued_on, bond_name
"""

# Each project's latest snapshot; a notice published once stays published when a later ledger
# (an older layout, say) leaves the column out.
_BOND_READINESS = """
    SELECT as_of, region_code, region_name, project, coalesce(project_unit, '') AS project_unit,
           CAST(quota_yuan * 100 AS BIGINT) AS quota_fen,
           last_value(tender_notice_on IGNORE NULLS) OVER (
               PARTITION BY region_code, project ORDER BY as_of
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS tender_notice_on
    FROM bond_snapshots_current
    WHERE as_of <= $as_of
    QUALIFY row_number() OVER (PARTITION BY region_code, project ORDER BY as_of DESC) = 1
    ORDER BY region_code, project
"""

_GUARANTEES = (
    _latest_snapshot(
        "guarantees_current",
        """v.as_of, v.region_code, v.region_name, v.guarantor, v.borrower,
       CAST(v.amount_yuan * 100 AS BIGINT) AS amount_fen,
       CAST(round(v.fee_rate_pct * 100) AS BIGINT) AS fee_rate_bp,
       v.started_on""",
    )
    + "ORDER BY v.region_code, v.source_row"
)

_PROCUREMENT = (
    _latest_snapshot(
        "procurement_current",
        """v.as_of, v.region_code, v.region_name, v.project, v.purchaser, v.category,
       CAST(v.budget_yuan * 100 AS BIGINT) AS budget_fen,
       CAST(coalesce(v.sme_reserved_yuan, 0) * 100 AS BIGINT) AS sme_reserved_fen,
       v.announced_on""",
    )
    + "ORDER BY v.region_code, v.source_row"
)

COMMITMENT_QUERIES = {
    "arrears": _ARREARS,
    "measures": _MEASURES,
    "daily_reports": _DAILY_REPORTS,
    "bond_issues": _BOND_ISSUES,
    "bond_readiness": _BOND_READINESS,
    "guarantees": _GUARANTEES,
    "procurement": _PROCUREMENT,
}
