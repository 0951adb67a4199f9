"""Alerts as read by everyone: the list (open first, red before yellow), one alert with its
history and letters, counts and open escalations. `scope` is the region a viewer may see."""

import duckdb
import polars as pl

from warehouse.errors import AlertNotFound
from warehouse.reads.common import MAX_ROWS, frame, level_rank, rows_of
from warehouse.scope import under


def query_alerts(
    con: duckdb.DuckDBPyConnection,
    scope: str | None,
    open_only: bool = True,
    region: str | None = None,
    limit: int | None = MAX_ROWS,
    alert_id: int | None = None,
) -> pl.DataFrame:
    """Return alerts in scope, open first, red before yellow, with their current escalation step
    ('' when none)."""
    sql = f"""
        SELECT a.alert_id, a.rule_id, a.subject, a.kind, a.region_code, a.level, a.status,
               a.message, a.opened_at, a.opened_as_of, a.acknowledged_by, a.acknowledged_at,
               a.ack_note, a.resolved_at, a.escalation_step AS escalation_level,
               coalesce(s.step_name, '') AS escalation_step
        FROM alerts a
        LEFT JOIN escalations s ON s.alert_id = a.alert_id AND s.escalation_step = a.escalation_step
        WHERE {under("a.region_code", "scope")} AND {under("a.region_code", "region")}
          AND ($open_only = FALSE OR a.status <> 'resolved')
          AND ($id IS NULL OR a.alert_id = $id)
        ORDER BY a.status = 'resolved', {level_rank("a.level")}, a.alert_id
        LIMIT $limit
    """
    params = {
        "scope": scope,
        "region": region,
        "open_only": open_only,
        "limit": limit,
        "id": alert_id,
    }
    return frame(con, sql, params)


def query_alert(con: duckdb.DuckDBPyConnection, alert_id: int) -> dict:
    """Return one alert (the CLI's record: `id`, escalation_step None when none) with its
    `events` and `escalations`; raise AlertNotFound."""
    found = query_alerts(con, None, open_only=False, limit=None, alert_id=alert_id)
    if found.is_empty():
        raise AlertNotFound(f"没有编号为 {alert_id} 的告警")
    alert = alert_record(found.row(0, named=True))
    alert["events"] = rows_of(
        con,
        "SELECT event_id, happened_at, as_of, from_status, to_status, from_level, to_level, "
        "actor, note FROM alert_events WHERE alert_id = $id ORDER BY event_id",
        {"id": alert_id},
    )
    alert["escalations"] = rows_of(
        con,
        "SELECT escalation_step, step_name, step_on, document, text FROM escalations "
        "WHERE alert_id = $id ORDER BY escalation_step",
        {"id": alert_id},
    )
    return alert


RECORD_FIELDS = (
    "rule_id",
    "subject",
    "kind",
    "region_code",
    "level",
    "status",
    "opened_at",
    "opened_as_of",
    "message",
    "acknowledged_by",
    "acknowledged_at",
    "ack_note",
    "resolved_at",
    "escalation_level",
)


def alert_record(row: dict) -> dict:
    """Return a row of query_alerts as a record: `id` first, no escalation step as None."""
    return (
        {"id": row["alert_id"]}
        | {k: row[k] for k in RECORD_FIELDS}
        | {"escalation_step": row["escalation_step"] or None}
    )


def query_alert_events(
    con: duckdb.DuckDBPyConnection, scope: str | None, alert_id: int
) -> pl.DataFrame:
    """Return the history of one alert in scope (state changes with who and when)."""
    sql = f"""
        SELECT e.happened_at, e.actor, e.from_status, e.to_status, e.from_level, e.to_level, e.note
        FROM alert_events e JOIN alerts a USING (alert_id)
        WHERE e.alert_id = $id AND {under("a.region_code", "scope")}
        ORDER BY e.event_id
    """
    return frame(con, sql, {"scope": scope, "id": alert_id})


def query_alert_counts(con: duckdb.DuckDBPyConnection, scope: str | None) -> dict[str, int]:
    """Return how many alerts in scope are firing and acknowledged."""
    sql = f"""
        SELECT count(*) FILTER (status = 'firing'), count(*) FILTER (status = 'acknowledged')
        FROM alerts WHERE status <> 'resolved' AND {under("region_code", "scope")}
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
        WHERE a.status <> 'resolved' AND {under("a.region_code", "scope")}
        ORDER BY a.escalation_step DESC, s.step_on, a.region_code, a.subject
    """
    return frame(con, sql, {"scope": scope})
