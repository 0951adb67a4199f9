"""Login attempts and locks: too many wrong passwords for a name, or from an address, lock it.

A lock holds for a fixed time; failures are counted inside a sliding window, from the later of
the window's start, the key's last lock and (for a user name) its last successful login.
"""

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

KEYS = (("user", "user_name"), ("address", "address"))


@dataclass(frozen=True)
class LockPolicy:
    """How many failures within which window lock a name or an address, and for how long."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    duration: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Lock:
    """A name or an address refused until a moment."""

    kind: str
    value: str
    until: datetime


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def active_lock(con: sqlite3.Connection, name: str, address: str, now: datetime) -> Lock | None:
    """Return the lock (of the name or of the address) lasting longest past `now`, or None."""
    row = con.execute(
        "SELECT kind, value, until FROM login_locks WHERE until > ? AND "
        "((kind = 'user' AND value = ?) OR (kind = 'address' AND value = ?)) "
        "ORDER BY until DESC LIMIT 1",
        (_stamp(now), name, address),
    ).fetchone()
    return Lock(row["kind"], row["value"], datetime.fromisoformat(row["until"])) if row else None


def _counted_since(con, kind: str, column: str, value: str, start: datetime) -> str:
    marks = [_stamp(start)]
    last_lock = con.execute(
        "SELECT max(locked_at) FROM login_locks WHERE kind = ? AND value = ?", (kind, value)
    ).fetchone()[0]
    marks.append(last_lock or "")
    if kind == "user":
        last_ok = con.execute(
            "SELECT max(at) FROM login_attempts WHERE user_name = ? AND ok = 1", (value,)
        ).fetchone()[0]
        marks.append(last_ok or "")
    return max(marks)


def record_attempt(
    con: sqlite3.Connection, name: str, address: str, ok: bool, now: datetime, policy: LockPolicy
) -> list[Lock]:
    """Store one login attempt; return the locks a failure has just set (name, address, both)."""
    con.execute(
        "INSERT INTO login_attempts (at, user_name, address, ok) VALUES (?, ?, ?, ?)",
        (_stamp(now), name, address, int(ok)),
    )
    if ok:
        return []
    locks = []
    for kind, column, value in ((k, c, name if k == "user" else address) for k, c in KEYS):
        since = _counted_since(con, kind, column, value, now - policy.window)
        failures = con.execute(
            f"SELECT count(*) FROM login_attempts WHERE {column} = ? AND ok = 0 AND at > ?",
            (value, since),
        ).fetchone()[0]
        if failures >= policy.max_failures:
            lock = Lock(kind, value, now + policy.duration)
            con.execute(
                "INSERT INTO login_locks (kind, value, locked_at, until) VALUES (?, ?, ?, ?)",
                (kind, value, _stamp(now), _stamp(lock.until)),
            )
            locks.append(lock)
    return locks


def purge_attempts(con: sqlite3.Connection, before: datetime) -> int:
    """Delete attempts and locks older than `before` (the audit log keeps their record)."""
    gone = con.execute("DELETE FROM login_attempts WHERE at < ?", (_stamp(before),)).rowcount
    return gone + con.execute("DELETE FROM login_locks WHERE until < ?", (_stamp(before),)).rowcount
