"""The audit log: who did what, when, from where (append-only; purged only past the retention).

Rows are never updated; SQLite triggers refuse an UPDATE, and a DELETE of a row younger than 180
days, whoever asks. The dashboard records the remote address as `source`, the CLI "cli:<OS user>".
"""

import getpass
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from appstate.store import open_state

MIN_RETENTION_DAYS = 180


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def record(
    con: sqlite3.Connection,
    action: str,
    actor: str,
    source: str,
    detail: dict | None = None,
    now: datetime | None = None,
) -> int:
    """Append one audit row; return its id."""
    cur = con.execute(
        "INSERT INTO audit (at, actor, source, action, detail) VALUES (?, ?, ?, ?, ?)",
        (
            _stamp(now or datetime.now(UTC)),
            actor,
            source,
            action,
            json.dumps(detail or {}, ensure_ascii=False, default=str, sort_keys=True),
        ),
    )
    return cur.lastrowid


def record_in(db: Path, action: str, actor: str, source: str, detail: dict | None = None) -> None:
    """Append one audit row to the state database of warehouse `db` (own connection)."""
    with open_state(db) as con:
        record(con, action, actor, source, detail)


def cli_source() -> str:
    """Return where a CLI command comes from: 'cli:' and the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:?"


def entries(
    con: sqlite3.Connection, since: datetime | None = None, actor: str | None = None
) -> list[dict]:
    """Return audit rows, oldest first, from `since` on and by `actor` if given."""
    sql, args = "SELECT * FROM audit WHERE 1 = 1", []
    if since is not None:
        sql, args = sql + " AND at >= ?", [*args, _stamp(since)]
    if actor is not None:
        sql, args = sql + " AND actor = ?", [*args, actor]
    rows = con.execute(sql + " ORDER BY audit_id", args)
    return [dict(r) | {"detail": json.loads(r["detail"])} for r in rows]


def purge(con: sqlite3.Connection, retention_days: int, now: datetime | None = None) -> int:
    """Delete rows older than `retention_days` (at least 180); return how many went."""
    if retention_days < MIN_RETENTION_DAYS:
        raise ValueError(f"audit rows are kept at least {MIN_RETENTION_DAYS} days")
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    return con.execute("DELETE FROM audit WHERE at < ?", (_stamp(cutoff),)).rowcount
