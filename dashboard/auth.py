"""Login, roles and the session cookie (flask-login over Flask's signed, HttpOnly cookie).

Users live in the state database (`policy-monitor user add`); passwords are stored as scrypt
hashes. The session secret comes from POLICY_MONITOR_SECRET_KEY or, failing that, from a random
key kept in a file beside the warehouse (created once, readable by its owner only).
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import flask
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from appstate.store import open_state
from appstate.users import find_user

READ_ALL = {"leader", "staff", "admin"}
ACT = {"staff", "admin"}
DUMMY_HASH = generate_password_hash(secrets.token_hex(8))  # equal time for unknown users


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


def secret_key(db: Path) -> str:
    """Return the session secret (env var, else a per-installation random key file)."""
    if key := os.environ.get("POLICY_MONITOR_SECRET_KEY"):
        return key
    path = db.with_name(".secret_key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def _load(db: Path, name: str) -> User | None:
    with open_state(db) as con:
        row = find_user(con, name)
    return User(row["name"], row["role"], row["region_code"]) if row else None


def check_login(db: Path, name: str, password: str) -> User | None:
    """Return the user if the password is right, else None (same work either way)."""
    with open_state(db) as con:
        row = find_user(con, name)
    ok = check_password_hash(row["password_hash"] if row else DUMMY_HASH, password)
    return User(row["name"], row["role"], row["region_code"]) if row and ok else None


LOGIN_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>登录 · 政策触发监测</title><link rel="stylesheet" href="/assets/login.css"></head>
<body class="login-page"><form method="post" action="/login" class="login">
<h1>政策触发监测</h1><p class="sub">物价联动 · 直达资金 · 专项债券</p>
{error}<label>用户名<input name="username" autocomplete="username" required autofocus></label>
<label>密码<input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">登录</button></form></body></html>"""

OPEN_PATHS = ("/login", "/assets/", "/_dash-component-suites/", "/_favicon.ico")


def install(server: flask.Flask, db: Path) -> None:
    """Add login, logout and the sign-in requirement to the Flask server."""
    server.config.update(
        SECRET_KEY=secret_key(db),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
    )
    manager = LoginManager(server)
    manager.user_loader(lambda name: _load(db, name))

    @server.before_request
    def _require_login():
        path = flask.request.path
        if current_user.is_authenticated or path.startswith(OPEN_PATHS):
            return None
        if path.startswith("/_dash"):
            return flask.Response("需要登录", status=401)
        return flask.redirect("/login")

    @server.route("/login", methods=["GET", "POST"])
    def login():
        error = ""
        if flask.request.method == "POST":
            form = flask.request.form
            user = check_login(db, form.get("username", ""), form.get("password", ""))
            if user:
                flask.session.clear()
                login_user(user)
                return flask.redirect("/")
            error = '<p class="error" role="alert">用户名或密码错误</p>'
        return LOGIN_PAGE.format(error=error), 401 if error else 200

    @server.route("/logout")
    def logout():
        logout_user()
        flask.session.clear()
        return flask.redirect("/login")
