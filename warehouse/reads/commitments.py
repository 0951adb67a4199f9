"""Commitment items (承诺事项) as read by everyone: one graded item a row, red first.

Money leaves as exact yuan (`amount_yuan`, `done_yuan`); `target` and `actual` keep their row's
unit (yuan, percent, count). Disputed debts are listed apart: `disputed` selects them.
"""

import duckdb
import polars as pl

from warehouse.reads.common import MAX_ROWS, frame, level_rank, yuan
from warehouse.scope import under


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
               {yuan("done_fen")} AS done_yuan, overdue, disputed, level, reasons
        FROM commitment_findings
        WHERE {under("region_code", "scope")} AND {under("region_code", "region")}
          AND ($kind IS NULL OR kind = $kind)
          AND ($rule_id IS NULL OR rule_id = $rule_id)
          AND ($lead_unit IS NULL OR lead_unit = $lead_unit)
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
