"""Commitment items (承诺事项) as read by everyone: one graded item a row, red first.

Money leaves as exact yuan (`amount_yuan`, `done_yuan`, and for a money item `outstanding_yuan`); `target` and `actual` keep their row's
unit (yuan, percent, count). Disputed debts are listed apart: `disputed` selects them.
"""

import duckdb
import polars as pl

from warehouse.reads.common import MAX_ROWS, frame, level_rank, yuan
from warehouse.scope import under

# What is still to do of a money item (unit yuan: owed less repaid, target less reached); a cap's
# or a report's amount (the sum guaranteed, the quota) is not something to clear, so none.
_OUTSTANDING = "CASE WHEN unit = 'yuan' THEN amount_fen - coalesce(done_fen, 0) END"


# the filters both reads take (None: any)
_FILTERS = """($kind IS NULL OR kind = $kind)
          AND ($rule_id IS NULL OR rule_id = $rule_id)
          AND ($lead_unit IS NULL OR lead_unit = $lead_unit)"""


def query_commitments(
    con: duckdb.DuckDBPyConnection,
    scope: str | None,
    region: str | None = None,
    kind: str | None = None,
    rule_id: str | None = None,
    lead_unit: str | None = None,
    level: str | None = None,
    disputed: bool | None = False,
    limit: int | None = MAX_ROWS,
) -> pl.DataFrame:
    """Return the graded commitment items in scope, worst first, then by rule, region, item.

    `disputed=False` (default) gives the graded items, True the disputed ones, None both.
    """
    sql = f"""
        SELECT rule_id, kind, commitment, source, as_of, region_code, region_name, item,
               subject, party, lead_unit, responsible_units, deadline, due_at, done_at, unit,
               target, actual, {yuan("amount_fen")} AS amount_yuan,
               {yuan("done_fen")} AS done_yuan, {yuan(_OUTSTANDING)} AS outstanding_yuan, overdue, disputed, level, reasons
        FROM commitment_findings
        WHERE {under("region_code", "scope")} AND {under("region_code", "region")}
          AND {_FILTERS}
          AND ($level IS NULL OR level = $level)
          AND ($disputed IS NULL OR disputed = $disputed)
        ORDER BY {level_rank("level")}, rule_id, region_code, item
        LIMIT $limit
    """
    params = {
        "scope": scope,
        "region": region,
        "kind": kind,
        "rule_id": rule_id,
        "lead_unit": lead_unit,
        "level": level,
        "disputed": disputed,
        "limit": limit,
    }
    return frame(con, sql, params)


_GROUPS = {
    "rule": ("rule_id", "kind", "commitment", "source"),
    "lead_unit": ("lead_unit",),
    "party": ("rule_id", "region_code", "region_name", "party"),
    "region": ("rule_id", "region_code", "region_name"),
}
SUMMARY_BY = tuple(_GROUPS)  # what query_commitment_summary can count by


def query_commitment_summary(
    con: duckdb.DuckDBPyConnection,
    scope: str | None,
    by: str,
    region: str | None = None,
    kind: str | None = None,
    rule_id: str | None = None,
    lead_unit: str | None = None,
) -> pl.DataFrame:
    """Return the graded items in scope counted by `by` (rule, lead_unit, party or region).

    Each group has its items by level, and its money in yuan: the amount, what is done of it,
    what is outstanding and what of that is overdue (for a debt: owed, cleared, unpaid, overdue;
    outstanding and overdue count the money items only, unit yuan: not a cap's guaranteed sum).
    Disputed items are counted apart (`disputed_items`, `disputed_yuan`), not in the levels.
    Groups with a red item come first.
    """
    if by not in _GROUPS:
        raise ValueError(f"by 应为 {'、'.join(SUMMARY_BY)} 之一，收到 {by!r}")
    keys = ", ".join(_GROUPS[by])
    graded = "NOT disputed"
    overdue_fen = f"CASE WHEN overdue THEN {_OUTSTANDING} ELSE {_OUTSTANDING} * 0 END"
    sql = f"""
        SELECT {keys},
               count(*) FILTER ({graded}) AS items,
               count(*) FILTER ({graded} AND level = 'red') AS red,
               count(*) FILTER ({graded} AND level = 'yellow') AS yellow,
               count(*) FILTER ({graded} AND level = 'green') AS green,
               {yuan("sum(amount_fen) FILTER (" + graded + ")")} AS amount_yuan,
               {yuan("sum(done_fen) FILTER (" + graded + ")")} AS done_yuan,
               {yuan(f"sum({_OUTSTANDING}) FILTER ({graded})")} AS outstanding_yuan,
               {yuan(f"sum({overdue_fen}) FILTER ({graded})")} AS overdue_yuan,
               count(*) FILTER (disputed) AS disputed_items,
               {yuan("sum(amount_fen) FILTER (disputed)")} AS disputed_yuan
        FROM commitment_findings
        WHERE {under("region_code", "scope")} AND {under("region_code", "region")}
          AND {_FILTERS}
        GROUP BY {keys}
        ORDER BY red DESC, yellow DESC, {keys}
    """
    params = {
        "scope": scope,
        "region": region,
        "kind": kind,
        "rule_id": rule_id,
        "lead_unit": lead_unit,
    }
    return frame(con, sql, params)
