"""The state database beside the warehouse (SQLite): where it is, its schema, one connection.

An action stored here is applied to the warehouse as soon as nobody else is writing it (by the
dashboard right away, or by the next evaluation).
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
"""


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
