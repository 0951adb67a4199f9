"""The CLI's user and audit commands: password rules, passwd, disable/enable, the audit log and
the audit rows of ack, silence and report (through typer's runner, against real state files)."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appstate import audit
from appstate.audit import cli_source
from appstate.sessions import check_session, start_session
from appstate.store import open_state
from dashboard.auth import check_login
from policy_monitor.cli import app
from tests.conftest import FIXTURES
from tests.helpers import load_file

GOOD = "correct horse 1"
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def cli(db: Path, *args: str, stdin: str | None = None):
    return CliRunner().invoke(app, ["--db", str(db), *args], input=stdin)


@pytest.mark.parametrize(
    ("password", "why"),
    [("Short 1", "至少 10 位"), ("abcdefghij", "两类字符"), ("1234567890", "两类字符")],
)
def test_user_add_refuses_weak_passwords(db, password, why):
    result = cli(db, "user", "add", "wang", "--role", "staff", stdin=password + "\n")
    assert result.exit_code == 2 and why in result.output
    with open_state(db) as con:
        assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 0


def test_passwd_changes_the_password_and_ends_the_sessions(db):
    assert cli(db, "user", "add", "wang", "--role", "staff", stdin=GOOD + "\n").exit_code == 0
    now = datetime.now(UTC)
    with open_state(db) as con:
        token = start_session(con, "wang", "10.0.0.1", now)
    assert cli(db, "user", "passwd", "wang", stdin="Another pass\n").exit_code == 0
    assert check_login(db, "wang", GOOD) is None
    assert check_login(db, "wang", "Another pass").name == "wang"
    with open_state(db) as con:
        assert check_session(con, token, "wang", now, HOUR, DAY) == "ended"
    weak = cli(db, "user", "passwd", "wang", stdin="weak\n")
    assert weak.exit_code == 2 and check_login(db, "wang", "Another pass")
    missing = cli(db, "user", "passwd", "nobody", stdin=GOOD + "\n")
    assert missing.exit_code == 2 and "没有用户 nobody" in missing.output


def test_disable_keeps_the_user_and_refuses_logins_until_enabled(db):
    cli(db, "user", "add", "li", "--role", "leader", stdin=GOOD + "\n")
    with open_state(db) as con:
        token = start_session(con, "li", "10.0.0.1", datetime.now(UTC))
    assert cli(db, "user", "disable", "li").exit_code == 0
    assert check_login(db, "li", GOOD) is None
    listed = cli(db, "user", "list").output
    assert "li" in listed and "已停用" in listed
    with open_state(db) as con:
        assert check_session(con, token, "li", datetime.now(UTC), HOUR, DAY) == "ended"
    assert cli(db, "user", "enable", "li").exit_code == 0
    assert check_login(db, "li", GOOD).role == "leader"
    assert "已停用" not in cli(db, "user", "list").output
    assert cli(db, "user", "disable", "nobody").exit_code == 2


def test_user_changes_are_audited_and_the_audit_command_filters_them(db):
    cli(db, "user", "add", "wang", "--role", "county", "--region", "654321", stdin=GOOD + "\n")
    cli(db, "user", "passwd", "wang", stdin="Another pass\n")
    cli(db, "user", "disable", "wang")
    cli(db, "user", "enable", "wang")
    now = datetime.now(UTC)
    with open_state(db) as con:
        audit.record(con, "login_ok", "wang", "10.0.0.7", {"role": "county"})
        audit.record(con, "login_failed", "li", "10.0.0.8", {}, now=now - timedelta(days=3))
    result = cli(db, "audit", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["action"] for r in rows] == [
        "user_add",
        "user_passwd",
        "user_disable",
        "user_enable",
        "login_ok",
        "login_failed",
    ]
    assert rows[0]["actor"] == rows[0]["source"] == cli_source()
    assert rows[0]["detail"] == {"user": "wang", "role": "county", "region": "654321"}
    by_wang = json.loads(cli(db, "audit", "--json", "--user", "wang").stdout)
    assert [r["source"] for r in by_wang] == ["10.0.0.7"]
    since = (now - timedelta(days=1)).date().isoformat()
    recent = json.loads(cli(db, "audit", "--json", "--since", since).stdout)
    assert "login_failed" not in [r["action"] for r in recent] and len(recent) == 5
    text = cli(db, "audit", "--user", "wang").output
    assert "登录成功" in text and "10.0.0.7" in text
    assert cli(db, "audit", "--since", "yesterday").exit_code == 2


def test_audit_purge_removes_only_rows_past_the_retention(db, monkeypatch):
    now = datetime.now(UTC)
    with open_state(db) as con:
        audit.record(con, "login_ok", "old", "10.0.0.1", {}, now=now - timedelta(days=366))
        audit.record(con, "login_ok", "kept", "10.0.0.1", {}, now=now - timedelta(days=364))
    monkeypatch.setenv("POLICY_MONITOR_AUDIT_RETENTION_DAYS", "365")
    result = cli(db, "audit", "--json", "--purge")
    assert result.exit_code == 0
    assert [r["actor"] for r in json.loads(result.stdout)] == ["kept"]


def test_ack_silence_and_report_from_the_cli_are_audited(db, tmp_path):
    from flows.evaluate import run_evaluation
    from flows.rule_files import load_rules

    load_file(db, "bonds", FIXTURES / "special_bonds_2022-06-30.xlsx")
    run_evaluation(db, date(2022, 9, 30), load_rules(None))
    alerts = json.loads(cli(db, "alerts", "--json").stdout)
    alert_id = alerts[0]["id"]
    assert cli(db, "ack", str(alert_id), "--by", "张三", "--note", "已安排").exit_code == 0
    silenced = cli(db, "silence", "--by", "李四", "--reason", "系统切换", "--region", "654321")
    assert silenced.exit_code == 0, silenced.output
    out = tmp_path / "brief.xlsx"
    made = cli(db, "report", "--month", "2022-09", "--format", "xlsx", "--out", str(out))
    assert made.exit_code == 0, made.output
    with open_state(db) as con:
        rows = audit.entries(con)
    assert [(r["action"], r["actor"]) for r in rows] == [
        ("ack", "张三"),
        ("silence", "李四"),
        ("report", cli_source()),
    ]
    assert rows[0]["detail"] == {"alert_id": alert_id, "note": "已安排"}
    assert rows[1]["detail"]["region_prefix"] == "654321"
    assert rows[2]["detail"] == {
        "month": "2022-09",
        "region": "654300",
        "format": "xlsx",
        "file": str(out),
    }
    assert {r["source"] for r in rows} == {cli_source()}


@pytest.mark.usefixtures("prefect_harness")
def test_an_ingest_from_the_cli_is_audited(db):
    path = FIXTURES / "special_bonds_2022-06-30.xlsx"
    result = cli(db, "ingest", "bonds", str(path))
    assert result.exit_code in (0, 1), result.output
    with open_state(db) as con:
        (row,) = audit.entries(con)
    assert (row["action"], row["actor"], row["source"]) == ("ingest", cli_source(), cli_source())
    assert row["detail"]["kind"] == "bonds"
    assert list(row["detail"]["files"].values()) in (["loaded"], ["partial"])
