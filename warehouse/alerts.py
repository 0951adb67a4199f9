"""Alerts as people handle them: list, show with history, acknowledge, silence."""

from datetime import datetime

import duckdb

from triggers.lifecycle import (
    SYSTEM_RULE,
    AlertStateError,
    Change,
    act,
    clear_system,
    raise_system,
)
from triggers.silences import check_silence
from warehouse.errors import AlertNotFound
from warehouse.ids import next_id
from warehouse.notifications import enqueue_notifications
from warehouse.reads.alerts import query_alert  # the read path; a change returns the alert
from warehouse.reads.common import rows_of

# what storing a person's change writes besides the status, per action
_UPDATES = {
    "acknowledge": "UPDATE alerts SET status = ?, acknowledged_by = ?, acknowledged_at = ?, "
    "ack_note = ? WHERE alert_id = ?",
    "resolve": "UPDATE alerts SET status = ?, resolved_at = ? WHERE alert_id = ?",
    "reopen": "UPDATE alerts SET status = ? WHERE alert_id = ?",
}


def _by_user(
    con: duckdb.DuckDBPyConnection,
    alert_id: int,
    action: str,
    by: str,
    note: str | None,
    now: datetime,
) -> dict:
    """Apply a person's action as lifecycle allows it, with its event, in one transaction."""
    found = con.execute(
        "SELECT status, level, rule_id, subject FROM alerts WHERE alert_id = ?", [alert_id]
    ).fetchone()
    if found is None:
        raise AlertNotFound(f"没有编号为 {alert_id} 的告警")
    status, level, rule_id, subject = found
    try:
        change = act(action, status)
    except AlertStateError as exc:
        raise AlertStateError(f"告警 {alert_id} {exc}", exc.action, exc.status) from None
    params = {"acknowledge": [by, now, note], "resolve": [now], "reopen": []}[action]
    con.begin()
    try:
        con.execute(_UPDATES[action], [change.to_status, *params, alert_id])
        _event(con, alert_id, rule_id, subject, now, change, level, by, note)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return query_alert(con, alert_id)


def acknowledge(
    con: duckdb.DuckDBPyConnection, alert_id: int, by: str, note: str | None, now: datetime
) -> dict:
    """Mark a firing alert acknowledged, record who and why; return the alert."""
    return _by_user(con, alert_id, "acknowledge", by, note, now)


def reopen(
    con: duckdb.DuckDBPyConnection, alert_id: int, by: str, note: str | None, now: datetime
) -> dict:
    """Take an acknowledgment back: the alert fires again (and is notified); return the alert."""
    return _by_user(con, alert_id, "reopen", by, note, now)


def add_silence(
    con: duckdb.DuckDBPyConnection,
    *,
    author: str,
    reason: str,
    expires_at: datetime,
    now: datetime,
    rule_id: str | None = None,
    subject_prefix: str | None = None,
    region_prefix: str | None = None,
) -> dict:
    """Create a silence: matching alerts still change state, but send no notifications."""
    check_silence(rule_id, subject_prefix, region_prefix, expires_at, now)
    silence_id = next_id(con, "silence_id_seq")
    con.execute(
        "INSERT INTO silences VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [silence_id, rule_id, subject_prefix, region_prefix, author, reason, now, expires_at],
    )
    return query_silences(con, now, active_only=False, silence_id=silence_id)[0]


def query_silences(
    con: duckdb.DuckDBPyConnection,
    now: datetime,
    active_only: bool = True,
    silence_id: int | None = None,
) -> list[dict]:
    """Return silences (the active ones by default), newest first."""
    return rows_of(
        con,
        "SELECT silence_id, rule_id, subject_prefix, region_prefix, author, reason, created_at, "
        "expires_at, $now < expires_at AS active FROM silences "
        "WHERE ($active = FALSE OR $now < expires_at) AND ($id IS NULL OR silence_id = $id) "
        "ORDER BY silence_id DESC",
        {"now": now, "active": active_only, "id": silence_id},
    )


def resolve(
    con: duckdb.DuckDBPyConnection, alert_id: int, by: str, note: str | None, now: datetime
) -> dict:
    """Close an open alert by hand, recording who and why; return the alert.

    If the condition still holds, the next evaluation opens a new alert for it.
    """
    return _by_user(con, alert_id, "resolve", by, note, now)


def _event(con, alert_id, rule_id, subject, now, change: Change, level, by, note) -> None:
    con.execute(
        "INSERT INTO alert_events (event_id, alert_id, rule_id, subject, happened_at, "
        "from_status, to_status, from_level, to_level, actor, note) "
        "SELECT nextval('event_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?",
        [
            alert_id,
            rule_id,
            subject,
            now,
            change.from_status,
            change.to_status,
            level,
            level,
            by,
            note,
        ],
    )
    (event_id,) = con.execute("SELECT max(event_id) FROM alert_events").fetchone()
    enqueue_notifications(con, event_id, now)  # a person's change is notified like the others


SYSTEM = SYSTEM_RULE


def _open_system_alert(con: duckdb.DuckDBPyConnection, subject: str) -> tuple | None:
    return con.execute(
        "SELECT alert_id, status FROM alerts "
        "WHERE rule_id = ? AND subject = ? AND status <> 'resolved'",
        [SYSTEM, subject],
    ).fetchone()


def raise_system_alert(
    con: duckdb.DuckDBPyConnection, subject: str, message: str, now: datetime
) -> int:
    """Open (or keep open) an alert about the service itself, e.g. a scheduled run that failed.

    It is queued for notification like any other alert and closes when the run next succeeds.
    """
    found = _open_system_alert(con, subject)
    change = raise_system(found[1] if found else None)
    if change is None:
        con.execute("UPDATE alerts SET message = ? WHERE alert_id = ?", [message, found[0]])
        return found[0]
    alert_id = next_id(con, "alert_id_seq")
    con.execute(
        "INSERT INTO alerts (alert_id, rule_id, subject, kind, region_code, level, status, message, "
        "opened_at, opened_as_of) VALUES (?, ?, ?, 'system', '000000', 'red', ?, ?, ?, ?)",
        [alert_id, SYSTEM, subject, change.to_status, message, now, now.date()],
    )
    _event(con, alert_id, SYSTEM, subject, now, change, "red", "system", message)
    return alert_id


def clear_system_alert(con: duckdb.DuckDBPyConnection, subject: str, now: datetime) -> bool:
    """Resolve the open service alert of `subject`, if any; return whether one was open."""
    found = _open_system_alert(con, subject)
    if clear_system(found[1] if found else None) is not None:
        resolve(con, found[0], "system", "再次运行成功", now)
    return found is not None
