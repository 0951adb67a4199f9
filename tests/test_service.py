"""The one-command demo and the unattended service, end to end in real processes."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import duckdb
import pytest

from tests.browser import free_port
from tests.conftest import FIXTURES


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "policy_monitor", *args],
        env=os.environ | env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _wait_for(log: Path, pattern: str, process: subprocess.Popen, seconds: float) -> re.Match:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := re.search(pattern, log.read_text(encoding="utf-8")):
            return found
        assert process.poll() is None, log.read_text(encoding="utf-8")
        time.sleep(0.5)
    raise AssertionError(f"no {pattern!r} within {seconds} s:\n{log.read_text(encoding='utf-8')}")


def _session(url: str, name: str, password: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = urllib.parse.urlencode({"username": name, "password": password}).encode()
    opener.open(f"{url}/login", data=form, timeout=30)
    return opener


@pytest.mark.slow
def test_the_demo_serves_a_dashboard_with_alerts(tmp_path):
    port = free_port()
    log = tmp_path / "demo.log"
    demo = _start(
        ["demo", "--folder", str(tmp_path / "demo"), "--port", str(port)],
        {"POLICY_MONITOR_SECRET_KEY": "demo-test"},
        log,
    )
    try:
        started = time.monotonic()
        _wait_for(log, r"仪表盘：http://127\.0\.0\.1:\d+/", demo, 180)
        password = _wait_for(log, r"staff\s+密码 (\S+)", demo, 10)[1]
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                page = _session(url, "staff", password).open(f"{url}/", timeout=30)
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.5)
        ready = time.monotonic() - started
        assert page.status == 200 and "政策触发监测" in page.read().decode()
        db = tmp_path / "demo" / "warehouse.duckdb"
        with duckdb.connect(str(db.with_name("warehouse.read.duckdb")), read_only=True) as con:
            firing = con.execute("SELECT count(*) FROM alerts WHERE status = 'firing'").fetchone()[
                0
            ]
            steps = con.execute("SELECT max(escalation_step) FROM escalations").fetchone()[0]
        assert firing > 0 and steps >= 2  # month-by-month evaluation climbed the ladder
        print(f"demo to dashboard: {ready:.0f} s")
    finally:
        demo.terminate()
        demo.wait(timeout=30)


@pytest.mark.slow
def test_a_file_in_the_inbox_is_processed_by_the_service_well_before_its_schedule(
    tmp_path, samples
):
    db = tmp_path / "warehouse.duckdb"
    log = tmp_path / "serve.log"
    env = {
        "POLICY_MONITOR_INBOX_EVERY": "600",  # the file watch takes it, not the schedule
        "POLICY_MONITOR_AS_OF": "2022-09-30",
        "POLICY_MONITOR_SECRET_KEY": "serve-test",
        "PREFECT_API_URL": "",
    }
    service = _start(
        ["--db", str(db), "serve", "--port", str(free_port()), "--prefect-port", str(free_port())],
        env,
        log,
    )
    try:
        _wait_for(log, "Your deployments are being served", service, 180)
        state = json.loads((tmp_path / ".policy-monitor-service.json").read_text(encoding="utf-8"))
        assert state["pid"] == service.pid and state["api_url"].startswith("http://127.0.0.1:")
        waiting = tmp_path / "inbox" / "bonds"
        waiting.mkdir(parents=True)
        source = samples / "special_bonds_2022-09-30.xlsx"
        shutil.copy(source, waiting / ".partial")
        (waiting / ".partial").rename(waiting / source.name)
        dropped = time.monotonic()
        account = tmp_path / "inbox" / "processed" / f"{source.name}.account.json"
        while not account.exists():
            assert time.monotonic() - dropped < 180, log.read_text(encoding="utf-8")
            time.sleep(1)
        replica = db.with_name("warehouse.read.duckdb")
        red = 0
        while True:  # the alert shows once the evaluation after the ingest has published it
            if replica.exists():
                with duckdb.connect(str(replica), read_only=True) as con:
                    red = con.execute(
                        "SELECT count(*) FROM alerts WHERE kind = 'bond_deadline'"
                    ).fetchone()[0]
            if red or time.monotonic() - dropped > 180:
                break
            time.sleep(1)
        assert red > 0
        assert time.monotonic() - dropped < 30  # the watch, not the (here 10-minute) schedule
        assert (tmp_path / "inbox" / "processed" / source.name).exists()
        print(f"inbox to alert: {time.monotonic() - dropped:.0f} s")
        # the CLI finds the service and hands it the file (no temporary Prefect server)
        funds = str(FIXTURES / "direct_funds_2022-06-30.xlsx")
        handed = subprocess.run(
            [sys.executable, "-m", "policy_monitor", "--db", str(db), "ingest", "funds", funds],
            env=os.environ | env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert handed.returncode == 0, handed.stdout + handed.stderr
        assert "已交由运行中的服务" in handed.stderr and "[已导入]" in handed.stdout
    finally:
        service.terminate()
        service.wait(timeout=60)
    assert not (tmp_path / ".policy-monitor-service.json").exists()  # removed on SIGTERM
