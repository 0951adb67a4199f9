"""Who may see and do what: login, cookies, region scope in the query layer, queued actions."""

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from appstate.queue import pending_actions, queue_action
from appstate.store import open_state
from appstate.users import add_user, find_user, hash_password
from dashboard.app import create_app
from flows.evaluate import run_evaluation
from flows.rule_files import load_rules
from tests.helpers import count, load_file, writer_process
from warehouse import reads
from warehouse.actions import apply_now
from warehouse.replica import read_connection, replica_path

AS_OF = date(2022, 9, 30)


@pytest.fixture(scope="module")
def warehouse(samples, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("access") / "warehouse.duckdb"
    for pattern, kind in (
        ("direct_funds_*", "funds"),
        ("special_bonds_*", "bonds"),
        ("payments_2022-0[3-9].csv", "payments"),
    ):
        for path in sorted(samples.glob(pattern)):
            load_file(db, kind, path)
    run_evaluation(db, AS_OF, load_rules(None))
    with open_state(db) as con:
        for name, role, region in (
            ("lead", "leader", None),
            ("staff", "staff", None),
            ("burqin", "county", "654321"),
        ):
            add_user(con, name, role, region, hash_password("correct horse"))
    return db


@pytest.fixture
def client(warehouse, monkeypatch):
    monkeypatch.setenv("POLICY_MONITOR_SECRET_KEY", "test-only-secret")
    return create_app(warehouse).server.test_client()


def _login(client, name, password="correct horse"):
    return client.post("/login", data={"username": name, "password": password})


def test_scope_is_applied_by_every_report_query(warehouse):
    cur = read_connection(warehouse)
    try:
        everything = reads.query_fund_warnings(cur, None)
        burqin = reads.query_fund_warnings(cur, "654321")
        assert set(everything["region_code"]) > {"654321"}
        assert set(burqin["region_code"]) == {"654321"}
        assert burqin.height == everything.filter(everything["region_code"] == "654321").height
        # a filter for another county cannot widen the scope
        assert reads.query_fund_warnings(cur, "654321", region="654301").is_empty()
        assert set(reads.query_bond_projects(cur, "654321")["region_code"]) == {"654321"}
        assert set(reads.query_bond_counties(cur, "654321")["region_code"]) == {"654321"}
        assert set(reads.query_alerts(cur, "654321", open_only=False)["region_code"]) == {"654321"}
        assert set(reads.query_fund_levels_by_county(cur, "654321")["region_code"]) == {"654321"}
        other = everything.filter(everything["region_code"] == "654301").row(0, named=True)
        assert reads.query_fund_history(cur, "654321", "654301", other["fund_code"]).is_empty()
        assert reads.query_fund_history(cur, None, "654301", other["fund_code"]).height > 1
    finally:
        cur.close()


def test_a_wrong_password_is_refused_and_a_right_one_signs_in(client):
    refused = _login(client, "lead", "wrong password")
    assert refused.status_code == 401 and "用户名或密码错误" in refused.get_data(as_text=True)
    assert _login(client, "nobody").status_code == 401
    assert client.get("/").status_code == 302  # still signed out
    signed_in = _login(client, "lead")
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/").status_code == 200
    client.get("/logout")
    assert client.get("/").status_code == 302


def test_dash_callbacks_need_a_session(client):
    response = client.post("/_dash-update-component", json={})
    assert response.status_code == 401


def test_users_are_stored_with_a_strong_hash(warehouse):
    with open_state(warehouse) as con:
        row = find_user(con, "lead")
    assert row["password_hash"].startswith("scrypt:")
    assert "correct horse" not in row["password_hash"]


def test_user_add_reads_the_password_from_standard_input(tmp_path):
    db = tmp_path / "w.duckdb"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "policy_monitor",
            "--db",
            str(db),
            "user",
            "add",
            "wang",
            "--role",
            "county",
            "--region",
            "654322",
        ],
        input="a long password\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    with open_state(db) as con:
        row = find_user(con, "wang")
    assert (row["role"], row["region_code"]) == ("county", "654322")
    no_region = subprocess.run(
        [
            sys.executable,
            "-m",
            "policy_monitor",
            "--db",
            str(db),
            "user",
            "add",
            "li",
            "--role",
            "county",
        ],
        input="a long password\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert no_region.returncode == 2 and "--region" in no_region.stderr


def test_an_acknowledgment_during_a_load_is_kept_and_applied_afterwards(warehouse):
    cur = read_connection(warehouse)
    alert_id = int(reads.query_alerts(cur, None)["alert_id"][0])
    cur.close()
    with open_state(warehouse) as state:
        queue_action(state, "ack", "staff", {"note": "正在处理"}, alert_id)
    with writer_process(warehouse):  # another process holds the warehouse for writing
        assert apply_now(warehouse) is False
        # readers are not blocked: the replica answers while the writer works
        cur = read_connection(warehouse)
        assert reads.query_alerts(cur, None).height > 0
        cur.close()
    with open_state(warehouse) as state:
        assert [a["alert_id"] for a in pending_actions(state)] == [alert_id]
    run_evaluation(warehouse, AS_OF, load_rules(None))  # the next writer applies it
    with open_state(warehouse) as state:
        assert pending_actions(state) == []
    assert (
        count(
            warehouse,
            "SELECT count(*) FROM alert_events WHERE alert_id = ? AND actor = 'staff' "
            "AND to_status = 'acknowledged' AND note = '正在处理'",
            alert_id,
        )
        == 1
    )
    cur = read_connection(warehouse)
    row = reads.query_alerts(cur, None, open_only=False).filter(pl.col("alert_id") == alert_id)
    cur.close()
    assert row["status"][0] == "acknowledged" and row["acknowledged_by"][0] == "staff"


def test_the_replica_is_replaced_whole(warehouse):
    before = replica_path(warehouse).stat().st_ino
    run_evaluation(warehouse, AS_OF, load_rules(None))
    assert replica_path(warehouse).stat().st_ino != before
    assert not list(warehouse.parent.glob(".*.partial"))
    assert datetime.fromtimestamp(replica_path(warehouse).stat().st_mtime, UTC) <= datetime.now(UTC)
