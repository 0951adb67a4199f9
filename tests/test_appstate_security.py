"""The state database's security parts without a server: password rules, login locks, sessions,
the append-only audit log, and the upgrade of a state file made before them."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from appstate import audit
from appstate.errors import UserError
from appstate.logins import LockPolicy, active_lock, record_attempt
from appstate.sessions import check_session, end_session, end_user_sessions, start_session
from appstate.store import open_state, state_path
from appstate.users import (
    add_user,
    check_password_rules,
    find_user,
    hash_password,
    list_users,
    set_disabled,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = LockPolicy(max_failures=5, window=timedelta(minutes=15), duration=timedelta(minutes=15))


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("abcdefghi", False),  # 9 characters
        ("abcdefghij", False),  # 10, one class
        ("ABCDEFGHIJ", False),
        ("1234567890", False),
        ("abcdefghi1", True),  # 10, two classes: exactly at both rules
        ("abcdefghi ", True),
        ("政策触发监测系统2026", True),
        ("政策触发监测系统政策", False),  # ten characters of one class (other)
    ],
)
def test_password_rules_length_10_and_two_classes(password, ok):
    if ok:
        check_password_rules(password)
    else:
        with pytest.raises(UserError):
            check_password_rules(password)


def _fail(con, name, address, at, n=1):
    locks = []
    for i in range(n):
        locks += record_attempt(con, name, address, False, at + timedelta(seconds=i), POLICY)
    return locks


def test_the_fifth_wrong_password_within_the_window_locks_the_name_for_the_lock_time(db):
    with open_state(db) as con:
        assert _fail(con, "wang", "10.0.0.1", T0, 4) == []
        assert active_lock(con, "wang", "10.0.0.9", T0 + timedelta(seconds=4)) is None
        (lock,) = _fail(con, "wang", "10.0.0.2", T0 + timedelta(seconds=4))  # 5th, other address
        assert (lock.kind, lock.value) == ("user", "wang")
        assert lock.until == T0 + timedelta(seconds=4, minutes=15)
        found = active_lock(con, "wang", "10.0.0.9", T0 + timedelta(minutes=5))
        assert found == lock
        # the lock ends exactly at its end time, and the count starts again from the lock
        assert active_lock(con, "wang", "10.0.0.9", lock.until - timedelta(microseconds=1))
        assert active_lock(con, "wang", "10.0.0.9", lock.until) is None
        assert _fail(con, "wang", "10.0.0.3", lock.until, 4) == []


def test_failures_older_than_the_window_do_not_count(db):
    with open_state(db) as con:
        _fail(con, "li", "10.0.0.1", T0, 4)
        # the 5th comes exactly 15 minutes after the first: the first is out of the window
        assert _fail(con, "li", "10.0.0.2", T0 + timedelta(minutes=15)) == []
        # half a second later the window holds the other three, those two, and this one: 5
        (lock,) = _fail(con, "li", "10.0.0.2", T0 + timedelta(minutes=15, milliseconds=500))
        assert lock.kind == "user"


def test_a_successful_login_resets_the_count_of_its_name(db):
    with open_state(db) as con:
        _fail(con, "zhao", "10.0.0.1", T0, 4)
        record_attempt(con, "zhao", "10.0.0.1", True, T0 + timedelta(seconds=5), POLICY)
        assert _fail(con, "zhao", "10.0.0.2", T0 + timedelta(seconds=6), 4) == []
        # an address is not reset by a success from it (else a guesser could reset it himself):
        # its 5th failure locks it, while the name (reset by the success) has 4 + 1 = 5 only now
        locks = _fail(con, "zhao", "10.0.0.1", T0 + timedelta(seconds=10))
        assert [(lock.kind, lock.value) for lock in locks] == [
            ("user", "zhao"),
            ("address", "10.0.0.1"),
        ]


def test_five_failures_from_one_address_lock_the_address_whatever_the_names(db):
    with open_state(db) as con:
        locks = []
        for i, name in enumerate(("a", "b", "c", "d", "e")):
            locks += _fail(con, name, "10.9.9.9", T0 + timedelta(seconds=i))
        assert [(lock.kind, lock.value) for lock in locks] == [("address", "10.9.9.9")]
        assert active_lock(con, "someone", "10.9.9.9", T0 + timedelta(minutes=1)).kind == "address"
        assert active_lock(con, "someone", "10.9.9.8", T0 + timedelta(minutes=1)) is None


def test_sessions_end_when_idle_at_their_lifetime_and_at_logout(db):
    idle, life = timedelta(minutes=30), timedelta(hours=12)
    with open_state(db) as con:
        token = start_session(con, "wang", "10.0.0.1", T0)
        assert check_session(con, token, "wang", T0 + timedelta(minutes=29), idle, life) == "ok"
        # activity moves the idle clock: 29 minutes after the last request is still fine
        assert check_session(con, token, "wang", T0 + timedelta(minutes=58), idle, life) == "ok"
        assert check_session(con, token, "li", T0 + timedelta(minutes=58), idle, life) == "unknown"
        assert check_session(con, token, "wang", T0 + timedelta(minutes=88), idle, life) == "idle"
        assert check_session(con, token, "wang", T0 + timedelta(minutes=89), idle, life) == "ended"
        busy = start_session(con, "wang", "10.0.0.1", T0)
        for minutes in range(20, 12 * 60, 20):
            assert (
                check_session(con, busy, "wang", T0 + timedelta(minutes=minutes), idle, life)
                == "ok"
            )
        assert check_session(con, busy, "wang", T0 + life, idle, life) == "expired"
        gone = start_session(con, "wang", "10.0.0.1", T0)
        end_session(con, gone, T0 + timedelta(minutes=1))
        assert check_session(con, gone, "wang", T0 + timedelta(minutes=2), idle, life) == "ended"
        assert check_session(con, "forged", "wang", T0, idle, life) == "unknown"
        two = [start_session(con, "li", "10.0.0.1", T0) for _ in range(2)]
        assert end_user_sessions(con, "li", T0, "disabled") == 2
        assert {check_session(con, t, "li", T0, idle, life) for t in two} == {"ended"}
        stored = [r[0] for r in con.execute("SELECT token_hash FROM sessions")]
    assert token not in stored and len(stored[0]) == 64  # only the token's hash is kept


def test_the_audit_log_is_append_only_and_purged_only_past_180_days(db):
    now = datetime.now(UTC)
    with open_state(db) as con:
        old = audit.record(con, "login_ok", "wang", "10.0.0.1", {}, now=now - timedelta(days=200))
        young = audit.record(
            con, "login_failed", "li", "10.0.0.2", {"x": 1}, now=now - timedelta(days=179)
        )
        audit.record(con, "export", "li", "10.0.0.2", {"rows": 3}, now=now)
    with open_state(db) as con:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("UPDATE audit SET actor = 'someone else' WHERE audit_id = ?", (young,))
        with pytest.raises(sqlite3.IntegrityError, match="180 days"):
            con.execute("DELETE FROM audit WHERE audit_id = ?", (young,))
        with pytest.raises(ValueError, match="180"):
            audit.purge(con, 179)
        assert audit.purge(con, 180) == 1
        rows = audit.entries(con)
        assert [r["audit_id"] for r in rows] == [young, young + 1]
        assert old not in [r["audit_id"] for r in rows]
        assert [r["actor"] for r in audit.entries(con, actor="li")] == ["li", "li"]
        assert [r["action"] for r in audit.entries(con, since=now - timedelta(days=1))] == [
            "export"
        ]
        assert rows[0]["detail"] == {"x": 1}


OLD_SCHEMA = """
CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('leader', 'staff',
  'county', 'admin')), region_code TEXT, password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE actions (action_id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL CHECK (kind IN
  ('ack', 'resolve', 'silence')), alert_id INTEGER, payload TEXT NOT NULL, actor TEXT NOT NULL,
  created_at TEXT NOT NULL, applied_at TEXT, result TEXT);
"""


def test_a_state_file_from_before_keeps_its_users_and_gains_the_new_parts(tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    old = sqlite3.connect(state_path(db))
    old.executescript(OLD_SCHEMA)
    old.execute(
        "INSERT INTO users VALUES ('wang', 'staff', NULL, ?, '2025-01-01T00:00:00+00:00')",
        (hash_password("correct horse"),),
    )
    old.commit()
    old.close()
    with open_state(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 1
        assert find_user(con, "wang")["disabled_at"] is None
        assert set_disabled(con, "wang", True) is True
        assert set_disabled(con, "wang", True) is False
        audit.record(con, "user_disable", "cli:root", "cli:root", {"user": "wang"})
    with open_state(db) as con:  # a second open changes nothing
        assert con.execute("PRAGMA user_version").fetchone()[0] == 1
        assert list_users(con)[0]["disabled_at"] is not None
        add_user(con, "li", "leader", None, hash_password("correct horse"))
        assert [u["name"] for u in list_users(con)] == ["li", "wang"]


def test_old_attempts_locks_and_sessions_are_purged_but_not_live_ones(db):
    from appstate.logins import purge_attempts
    from appstate.sessions import purge_sessions

    with open_state(db) as con:
        _fail(con, "wang", "10.0.0.1", T0, 5)  # locked until T0 + 15 min
        _fail(con, "li", "10.0.0.2", T0 + timedelta(days=2))
        old = start_session(con, "wang", "10.0.0.1", T0)
        live = start_session(con, "li", "10.0.0.1", T0 + timedelta(days=2))
        assert purge_attempts(con, T0 + timedelta(days=1)) == 5 + 2  # wang's attempts, both locks
        assert active_lock(con, "li", "10.0.0.9", T0 + timedelta(days=2)) is None
        assert purge_sessions(con, T0 + timedelta(days=1)) == 1
        idle, life = timedelta(minutes=30), timedelta(hours=12)
        assert check_session(con, old, "wang", T0, idle, life) == "unknown"
        assert check_session(con, live, "li", T0 + timedelta(days=2), idle, life) == "ok"
        assert con.execute("SELECT count(*) FROM login_attempts").fetchone()[0] == 1
