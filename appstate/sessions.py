"""Server-side sessions: the cookie carries a random token, the state database whether it lives.

A session ends at logout, after an idle time without requests, or at its absolute lifetime;
an ended session is never revived, so replaying an old cookie signs nobody in. Only the token's
SHA-256 is stored.
"""

import hashlib
import secrets
import sqlite3
from datetime import UTC, datetime, timedelta


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def start_session(con: sqlite3.Connection, name: str, address: str, now: datetime) -> str:
    """Open a session for user `name`; return its token (for the signed cookie)."""
    token = secrets.token_urlsafe(32)
    con.execute(
        "INSERT INTO sessions (token_hash, user_name, address, created_at, last_seen) "
        "VALUES (?, ?, ?, ?, ?)",
        (_hash(token), name, address, _stamp(now), _stamp(now)),
    )
    return token


def check_session(
    con: sqlite3.Connection,
    token: str,
    name: str,
    now: datetime,
    idle: timedelta,
    lifetime: timedelta,
) -> str:
    """Return 'ok' (and note the activity) or why the session is not valid.

    'idle' and 'expired' are returned once, when they end the session; afterwards 'ended'.
    """
    row = con.execute("SELECT * FROM sessions WHERE token_hash = ?", (_hash(token),)).fetchone()
    if row is None or row["user_name"] != name:
        return "unknown"
    if row["ended_at"] is not None:
        return "ended"
    if now - datetime.fromisoformat(row["created_at"]) >= lifetime:
        reason = "expired"
    elif now - datetime.fromisoformat(row["last_seen"]) >= idle:
        reason = "idle"
    else:
        con.execute(
            "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (_stamp(now), _hash(token))
        )
        return "ok"
    end_session(con, token, now, reason)
    return reason


def end_session(con: sqlite3.Connection, token: str, now: datetime, reason: str = "logout") -> None:
    """End one session (logout, timeout)."""
    con.execute(
        "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE token_hash = ? AND ended_at IS NULL",
        (_stamp(now), reason, _hash(token)),
    )


def end_user_sessions(con: sqlite3.Connection, name: str, now: datetime, reason: str) -> int:
    """End every live session of user `name` (password changed, user disabled); return how many."""
    return con.execute(
        "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE user_name = ? AND ended_at IS NULL",
        (_stamp(now), reason, name),
    ).rowcount


def purge_sessions(con: sqlite3.Connection, before: datetime) -> int:
    """Delete sessions ended, or last seen, before `before`; return how many."""
    return con.execute(
        "DELETE FROM sessions WHERE coalesce(ended_at, last_seen) < ?", (_stamp(before),)
    ).rowcount
