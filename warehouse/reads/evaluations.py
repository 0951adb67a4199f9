"""Evaluations as read by everyone: the latest one, with the rules that failed in it."""

import duckdb

from warehouse.reads.common import rows_of


def query_last_evaluation(con: duckdb.DuckDBPyConnection) -> dict | None:
    """Return the latest evaluation (as_of, finished_at, …) with its `unhealthy_rules`, or None."""
    rows = rows_of(con, "SELECT * FROM evaluations ORDER BY evaluation_id DESC LIMIT 1", {})
    if not rows:
        return None
    rows[0]["unhealthy_rules"] = rows_of(
        con,
        "SELECT rule_id, kind, error FROM rule_health WHERE evaluation_id = $id AND NOT healthy",
        {"id": rows[0]["evaluation_id"]},
    )
    return rows[0]
