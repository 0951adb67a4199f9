"""Dashboard users: roles, password hashes and rules, disabling, look-ups."""

import sqlite3
import string
from datetime import UTC, datetime

from appstate.errors import UserError

ROLES = ("leader", "staff", "county", "admin")
MIN_PASSWORD_LENGTH = 10
_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def hash_password(password: str) -> str:
    """Return a strong salted hash of `password` (scrypt)."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password, method="scrypt")


def character_classes(password: str) -> int:
    """Return how many of lower case, upper case, digits and other characters `password` uses."""
    other = any(not any(c in chars for chars in _CLASSES) for c in password)
    return sum(any(c in chars for c in password) for chars in _CLASSES) + other


def check_password_rules(password: str) -> None:
    """Refuse a password under 10 characters or made of one character class."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"密码至少 {MIN_PASSWORD_LENGTH} 位（收到 {len(password)} 位）")
    if character_classes(password) < 2:
        raise UserError(
            "密码须包含至少两类字符：小写字母、大写字母、数字、其他字符（如空格、符号、汉字）"
        )


def add_user(
    con: sqlite3.Connection, name: str, role: str, region: str | None, password_hash: str
) -> None:
    """Create or replace a user; a county user needs a region."""
    if role not in ROLES:
        raise UserError(f"未知角色 {role}：可选 {', '.join(ROLES)}")
    if role == "county" and not region:
        raise UserError("county 角色须指定 --region（本县市的地区代码）")
    con.execute(
        "INSERT OR REPLACE INTO users (name, role, region_code, password_hash, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            name,
            role,
            region if role == "county" else region or None,
            password_hash,
            datetime.now(UTC).isoformat(),
        ),
    )


def _existing(con: sqlite3.Connection, name: str) -> dict:
    user = find_user(con, name)
    if user is None:
        raise UserError(f"没有用户 {name}")
    return user


def set_password(con: sqlite3.Connection, name: str, password_hash: str) -> None:
    """Replace an existing user's password hash."""
    _existing(con, name)
    con.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name))


def set_disabled(con: sqlite3.Connection, name: str, disabled: bool) -> bool:
    """Disable or re-enable a user (kept with their history); return whether anything changed."""
    was = _existing(con, name)["disabled_at"] is not None
    stamp = datetime.now(UTC).isoformat() if disabled else None
    con.execute("UPDATE users SET disabled_at = ? WHERE name = ?", (stamp, name))
    return was != disabled


def find_user(con: sqlite3.Connection, name: str) -> dict | None:
    """Return the user called `name`, or None."""
    row = con.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return dict(row) if row else None


def list_users(con: sqlite3.Connection) -> list[dict]:
    """Return every user without the password hash."""
    rows = con.execute(
        "SELECT name, role, region_code, created_at, disabled_at FROM users ORDER BY name"
    )
    return [dict(r) for r in rows]
