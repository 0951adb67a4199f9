"""Login, roles and sessions (flask-login over Flask's signed, HttpOnly cookie + server-side sessions).

Users live in the state database (`policy-monitor user add`); passwords are stored as scrypt
hashes, and an unknown or disabled name costs the same hash check as a known one. Too many wrong
passwords for a name or from an address lock it for a while. The cookie carries a random session
token; the state database says whether that session lives (idle timeout, absolute lifetime,
logout), so a copied or replayed cookie is worthless once the session ended. Every login, failure,
lock, logout and timeout is in the audit log.
"""

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import flask
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from appstate.logins import LockPolicy, active_lock, record_attempt
from appstate.sessions import check_session, end_session, start_session
from appstate.store import open_state
from appstate.users import find_user
from dashboard import audit
from dashboard.settings import DashboardSettings

READ_ALL = {"leader", "staff", "admin"}
ACT = {"staff", "admin"}
# equal time for unknown and disabled users: the same scrypt work as a real hash
DUMMY_HASH = generate_password_hash(secrets.token_hex(8), method="scrypt")
SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_NAME = 64


@dataclass
class User(UserMixin):
    """A signed-in user: who, what they may do, which region they may see."""

    name: str
    role: str
    region_code: str | None

    def get_id(self) -> str:
        return self.name

    @property
    def scope(self) -> str | None:
        """Return the region this user is limited to (None: all)."""
        return None if self.role in READ_ALL else self.region_code

    @property
    def may_act(self) -> bool:
        return self.role in ACT


def secret_key(db: Path, settings: DashboardSettings | None = None) -> str:
    """Return the session secret (setting, else a per-installation random key file)."""
    settings = settings or DashboardSettings()
    if settings.secret_key and (key := settings.secret_key.get_secret_value()):
        return key
    path = db.with_name(".secret_key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def _user(row: dict | None) -> User | None:
    if row is None or row.get("disabled_at"):
        return None
    return User(row["name"], row["role"], row["region_code"])


def check_login(db: Path, name: str, password: str) -> User | None:
    """Return the user if the password is right and the user enabled, else None (same work either way)."""
    with open_state(db) as con:
        row = find_user(con, name)
    ok = check_password_hash(row["password_hash"] if row else DUMMY_HASH, password)
    return _user(row) if ok else None


LOGIN_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>登录 · 政策触发监测</title><link rel="stylesheet" href="/assets/login.css"></head>
<body class="login-page"><form method="post" action="/login" class="login">
<h1>政策触发监测</h1><p class="sub">物价联动 · 直达资金 · 专项债券</p>
{error}<label>用户名<input name="username" autocomplete="username" required autofocus></label>
<label>密码<input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">登录</button></form></body></html>"""
WRONG = "用户名或密码错误"
TIMED_OUT = "会话已超时，请重新登录"

OPEN_PATHS = ("/login", "/assets/", "/_dash-component-suites/", "/_favicon.ico")


def _locked_text(until: datetime) -> str:
    return (
        f"登录失败次数过多，已暂时锁定：请于 {until.astimezone(SHANGHAI):%H:%M}（北京时间）后再试，"
        "或请管理员核实"
    )


def _page(message: str, status: int) -> tuple[str, int]:
    error = f'<p class="error" role="alert">{message}</p>' if message else ""
    return LOGIN_PAGE.format(error=error), status


def install(server: flask.Flask, db: Path, settings: DashboardSettings | None = None) -> None:
    """Add login, logout, server-side sessions and the sign-in requirement to the Flask server."""
    settings = settings or DashboardSettings()
    policy = LockPolicy(
        settings.login_max_failures,
        timedelta(minutes=settings.login_window_minutes),
        timedelta(minutes=settings.login_lock_minutes),
    )
    server.config.update(
        SECRET_KEY=secret_key(db, settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
    )
    manager = LoginManager(server)

    @manager.user_loader
    def _load(name: str) -> User | None:
        token = flask.session.get("sid")
        if not token:
            return None
        now = datetime.now(UTC)
        with open_state(db) as con:
            state = check_session(con, token, name, now, settings.idle, settings.lifetime)
            row = find_user(con, name) if state == "ok" else None
        if state in ("idle", "expired"):
            audit.record("session_timeout", {"reason": state}, actor=name)
        flask.g.session_state = state
        return _user(row)

    @server.before_request
    def _require_login():
        path = flask.request.path
        if current_user.is_authenticated or path.startswith(OPEN_PATHS):
            return None
        timed_out = flask.g.get("session_state") in ("idle", "expired")
        flask.session.clear()
        if path.startswith("/_dash"):
            return flask.Response(TIMED_OUT if timed_out else "需要登录", status=401)
        return flask.redirect("/login?timeout=1" if timed_out else "/login")

    @server.route("/login", methods=["GET", "POST"])
    def login():
        if flask.request.method == "GET":
            return _page(TIMED_OUT if flask.request.args.get("timeout") else "", 200)
        form, address, now = flask.request.form, audit.address(), datetime.now(UTC)
        name, password = form.get("username", "").strip()[:MAX_NAME], form.get("password", "")
        with open_state(db) as con:
            lock = active_lock(con, name, address, now)
        if lock:
            check_password_hash(DUMMY_HASH, password)  # a locked try costs what any try costs
            audit.record("login_locked", {"lock": lock.kind, "until": lock.until}, actor=name)
            return _page(_locked_text(lock.until), 429)
        user = check_login(db, name, password)
        with open_state(db) as con:
            locks = record_attempt(con, name, address, user is not None, now, policy)
            if user:
                token = start_session(con, user.name, address, now)
        if user is None:
            audit.record("login_failed", {}, actor=name)
            for new in locks:
                audit.record(
                    "login_lock",
                    {"lock": new.kind, "value": new.value, "until": new.until},
                    actor=name,
                )
            return _page(_locked_text(locks[0].until) if locks else WRONG, 429 if locks else 401)
        flask.session.clear()
        flask.session["sid"] = token
        login_user(user)
        audit.record("login_ok", {"role": user.role}, actor=user.name)
        return flask.redirect("/")

    @server.route("/logout")
    def logout():
        if token := flask.session.get("sid"):
            with open_state(db) as con:
                end_session(con, token, datetime.now(UTC), "logout")
        audit.record("logout", {})
        logout_user()
        flask.session.clear()
        return flask.redirect("/login")
