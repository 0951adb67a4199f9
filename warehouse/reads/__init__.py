"""The one read path: a frame-returning query per noun, used by the CLI (as JSON), the dashboard
(as grids), the brief (as tables) and the Python API (as pandas).

`scope` (the region a viewer may see) and `region` (a filter) cover the regions under them,
through `warehouse.scope`; None means everything.
"""

from warehouse.reads.alerts import (
    alert_record,
    query_alert,
    query_alert_counts,
    query_alert_events,
    query_alerts,
    query_open_escalations,
)
from warehouse.reads.bonds import query_bond_counties, query_bond_history, query_bond_projects
from warehouse.reads.commitments import query_commitment_summary, query_commitments
from warehouse.reads.common import LEVEL_ORDER, MAX_ROWS, rows_of
from warehouse.reads.cpi import query_cpi_series
from warehouse.reads.evaluations import query_last_evaluation
from warehouse.reads.funds import (
    query_carryover,
    query_fund_history,
    query_fund_levels_by_county,
    query_fund_warnings,
)
from warehouse.reads.ingests import query_ingests, query_quarantine_rows
from warehouse.reads.regions import query_departments, query_region_names, query_regions
from warehouse.reads.revisions import query_revisions
from warehouse.reads.subsidies import query_subsidies, query_subsidy_groups

__all__ = [
    "LEVEL_ORDER",
    "MAX_ROWS",
    "alert_record",
    "query_alert",
    "query_alert_counts",
    "query_alert_events",
    "query_alerts",
    "query_bond_counties",
    "query_bond_history",
    "query_bond_projects",
    "query_carryover",
    "query_commitment_summary",
    "query_commitments",
    "query_cpi_series",
    "query_departments",
    "query_fund_history",
    "query_fund_levels_by_county",
    "query_fund_warnings",
    "query_ingests",
    "query_last_evaluation",
    "query_open_escalations",
    "query_quarantine_rows",
    "query_region_names",
    "query_regions",
    "query_revisions",
    "query_subsidies",
    "query_subsidy_groups",
    "rows_of",
]
