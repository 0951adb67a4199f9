"""Dashboard users: roles, password hashes, look-ups."""

import sqlite3
from datetime import UTC, datetime

from appstate.errors import UserError

ROLES = ("leader", "staff", "county", "admin")


def hash_password(password: str) -> str:
    """Return a strong salted hash of `password` (scrypt)."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password, method="scrypt")


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
