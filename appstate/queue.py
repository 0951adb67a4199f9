"""Actions a person took (acknowledge, resolve, silence) waiting to be applied to the warehouse."""

import json
import sqlite3
from datetime import UTC, datetime


def queue_action(
    con: sqlite3.Connection, kind: str, actor: str, payload: dict, alert_id: int | None = None
) -> int:
    """Store an action to apply to the warehouse; return its id."""
    cur = con.execute(
        "INSERT INTO actions (kind, alert_id, payload, actor, created_at) VALUES (?, ?, ?, ?, ?)",
        (
            kind,
            alert_id,
            json.dumps(payload, ensure_ascii=False, default=str),
            actor,
            datetime.now(UTC).isoformat(),
        ),
    )
    return cur.lastrowid


def pending_actions(con: sqlite3.Connection) -> list[dict]:
    """Return the actions not yet applied, oldest first."""
    rows = con.execute("SELECT * FROM actions WHERE applied_at IS NULL ORDER BY action_id")
    return [dict(r) | {"payload": json.loads(r["payload"])} for r in rows]


def mark_applied(con: sqlite3.Connection, action_id: int, result: str) -> None:
    """Record that an action was applied (or refused, with why)."""
    con.execute(
        "UPDATE actions SET applied_at = ?, result = ? WHERE action_id = ?",
        (datetime.now(UTC).isoformat(), result, action_id),
    )


def action_result(con: sqlite3.Connection, action_id: int) -> str | None:
    """Return what became of an action: None while queued, 'applied', or 'refused: why'."""
    row = con.execute("SELECT result FROM actions WHERE action_id = ?", (action_id,)).fetchone()
    return row["result"] if row else None
