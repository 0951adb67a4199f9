"""Application state beside the warehouse, in SQLite: users, and actions waiting to be applied.

SQLite takes a small write from any process at any time, so a login or an acknowledgment never
waits for a DuckDB load: the action is stored here at once and applied to the warehouse as soon
as nobody else is writing it (by the dashboard right away, or by the next evaluation).
"""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROLES = ("leader", "staff", "county", "admin")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('leader', 'staff', 'county', 'admin')),
    region_code TEXT,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS actions (
    action_id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('ack', 'resolve', 'silence')),
    alert_id INTEGER,
    payload TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    applied_at TEXT,
    result TEXT
);
"""


def hash_password(password: str) -> str:
    """Return a strong salted hash of `password` (scrypt)."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password, method="scrypt")


class UserError(ValueError):
    """A user cannot be created or found as asked."""


def state_path(db: Path) -> Path:
    """Return the state database that belongs to warehouse `db`."""
    return db.with_name(f"{db.stem}.state.sqlite3")


@contextmanager
def open_state(db: Path) -> Iterator[sqlite3.Connection]:
    """Yield a connection to the state database of `db` (created on first use), committing at the end."""
    path = state_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30)
    con.row_factory = sqlite3.Row
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.executescript(_SCHEMA)
        yield con
        con.commit()
    finally:
        con.close()


def add_user(
    con: sqlite3.Connection, name: str, role: str, region: str | None, password_hash: str
) -> None:
    """Create or replace a user; a county user needs a region."""
    if role not in ROLES:
        raise UserError(f"未知角色 {role}：可选 {', '.join(ROLES)}")
    if role == "county" and not region:
        raise UserError("county 角色须指定 --region（本县市的地区代码）")
    con.execute(
        "INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?, ?)",
        (name, role, region if role == "county" else region or None, password_hash,
         datetime.now(UTC).isoformat()),
    )  # fmt: skip


def find_user(con: sqlite3.Connection, name: str) -> dict | None:
    """Return the user called `name`, or None."""
    row = con.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return dict(row) if row else None


def list_users(con: sqlite3.Connection) -> list[dict]:
    """Return every user without the password hash."""
    rows = con.execute("SELECT name, role, region_code, created_at FROM users ORDER BY name")
    return [dict(r) for r in rows]


def queue_action(
    con: sqlite3.Connection, kind: str, actor: str, payload: dict, alert_id: int | None = None
) -> int:
    """Store an action to apply to the warehouse; return its id."""
    cur = con.execute(
        "INSERT INTO actions (kind, alert_id, payload, actor, created_at) VALUES (?, ?, ?, ?, ?)",
        (kind, alert_id, json.dumps(payload, ensure_ascii=False, default=str), actor,
         datetime.now(UTC).isoformat()),
    )  # fmt: skip
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
