"""The state database beside the warehouse (SQLite): where it is, its schema, one connection.

An action stored here is applied to the warehouse as soon as nobody else is writing it (by the
dashboard right away, or by the next evaluation). A state file from an older version is upgraded
in place on first use (`PRAGMA user_version` counts the upgrades applied).
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
CREATE TABLE IF NOT EXISTS audit (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
WHEN OLD.at >= strftime('%Y-%m-%dT%H:%M:%S', 'now', '-180 days')
BEGIN SELECT RAISE(ABORT, 'audit rows are kept at least 180 days'); END;
CREATE TABLE IF NOT EXISTS login_attempts (
    attempt_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_name TEXT NOT NULL,
    address TEXT NOT NULL,
    ok INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS login_attempts_user ON login_attempts (user_name, at);
CREATE INDEX IF NOT EXISTS login_attempts_address ON login_attempts (address, at);
CREATE TABLE IF NOT EXISTS login_locks (
    lock_id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'address')),
    value TEXT NOT NULL,
    locked_at TEXT NOT NULL,
    until TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    address TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    ended_at TEXT,
    end_reason TEXT
);
"""

# one statement per upgrade of a state file made by an earlier version; never edit, only append
_UPGRADES = ("ALTER TABLE users ADD COLUMN disabled_at TEXT",)


def state_path(db: Path) -> Path:
    """Return the state database that belongs to warehouse `db`."""
    return db.with_name(f"{db.stem}.state.sqlite3")


def _upgrade(con: sqlite3.Connection) -> None:
    if con.execute("PRAGMA user_version").fetchone()[0] >= len(_UPGRADES):
        return
    con.execute("BEGIN IMMEDIATE")  # another process may be upgrading the same file
    version = con.execute("PRAGMA user_version").fetchone()[0]
    for statement in _UPGRADES[version:]:
        con.execute(statement)
    con.execute(f"PRAGMA user_version = {len(_UPGRADES)}")
    con.commit()


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
        _upgrade(con)
        yield con
        con.commit()
    finally:
        con.close()
