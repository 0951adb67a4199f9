"""A write command with the service running: found by its state file, the work handed over; without
one, the offline run says once why it is slow."""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows import service_state
from policy_monitor.cli import app
from policy_monitor.cli_handoff import EXPLAIN, retry_busy
from tests.browser import free_port
from warehouse.errors import WarehouseBusy

ROOT = Path(__file__).parent.parent


class _Health(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args):
        pass


@pytest.fixture
def health_api():
    """Yield the URL of an API answering /health (the part of Prefect the CLI checks)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()
    server.server_close()


def _dead_pid() -> int:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return gone.pid


def test_the_state_file_is_written_read_and_removed_by_its_own_process(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    state = service_state.service_state(db, "http://127.0.0.1:1/api", tmp_path / "inbox")
    path = service_state.write_state(db, state)
    assert path == tmp_path / ".policy-monitor-service.json"
    assert service_state.read_state(db) == state
    assert state["pid"] == os.getpid() and state["db"] == str(db.resolve())
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no partial file left
    service_state.remove_state(db)
    assert not path.exists() and service_state.read_state(db) is None


def test_a_newer_services_file_is_not_removed_by_an_older_one(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    state = service_state.service_state(db, "http://127.0.0.1:1/api", tmp_path / "inbox")
    service_state.write_state(db, state | {"pid": _dead_pid()})
    service_state.remove_state(db)
    assert service_state.read_state(db) is not None


def test_an_unreadable_state_file_counts_as_none(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    service_state.state_path(db).write_text("{half", encoding="utf-8")
    assert service_state.read_state(db) is None
    service_state.state_path(db).write_text('{"pid": 1}', encoding="utf-8")
    assert service_state.read_state(db) is None  # no API to use


def test_a_state_is_live_only_while_its_process_runs_and_its_api_answers(tmp_path, health_api):
    db = tmp_path / "warehouse.duckdb"
    live = service_state.service_state(db, health_api, tmp_path / "inbox")
    assert service_state.stale_reason(live) is None
    gone = live | {"pid": _dead_pid()}
    assert "已不在运行" in service_state.stale_reason(gone)
    silent = live | {"api_url": f"http://127.0.0.1:{free_port()}/api"}
    assert "没有应答" in service_state.stale_reason(silent, timeout=0.5)
    elsewhere = gone | {"host": "another-host"}  # a pid of another machine cannot be checked
    assert service_state.pid_alive(elsewhere)


def test_the_explanation_is_due_once_per_warehouse(tmp_path):
    first, second = tmp_path / "a" / "warehouse.duckdb", tmp_path / "b" / "warehouse.duckdb"
    assert service_state.first_explanation(first)
    assert not service_state.first_explanation(first)
    assert service_state.first_explanation(second)


def test_a_busy_warehouse_is_retried_with_one_message(capsys):
    calls = []

    def run():
        calls.append(1)
        if len(calls) < 3:
            raise WarehouseBusy("busy")
        return "done"

    assert retry_busy(run, wait=5, pause=0.01) == "done"
    assert len(calls) == 3
    assert capsys.readouterr().err.count("仓库正由服务写入") == 1
    with pytest.raises(WarehouseBusy):
        retry_busy(lambda: (_ for _ in ()).throw(WarehouseBusy("busy")), wait=0.05, pause=0.01)


def test_an_offline_command_explains_once_and_again_with_v(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("POLICY_MONITOR_NOTIFY_FILE", raising=False)
    db = tmp_path / "warehouse.duckdb"

    def notify(*options):
        result = CliRunner().invoke(app, ["--db", str(db), *options, "notify"])
        assert result.exit_code == 0, result.output  # notifications off: no flow run needed
        return result.stderr

    assert notify().count(EXPLAIN) == 1
    assert EXPLAIN not in notify()
    assert EXPLAIN in notify("-v")


def test_a_stale_state_file_is_said_and_ignored(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("POLICY_MONITOR_NOTIFY_FILE", raising=False)
    db = tmp_path / "warehouse.duckdb"
    state = service_state.service_state(db, "http://127.0.0.1:1/api", tmp_path / "inbox")
    service_state.write_state(db, state | {"pid": _dead_pid()})
    result = CliRunner().invoke(app, ["--db", str(db), "notify"])
    assert result.exit_code == 0
    assert "忽略过期的服务状态文件" in result.stderr and "已交由" not in result.stderr
    assert EXPLAIN in result.stderr  # offline, so the first run explains


def _cli(db: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return subprocess.run(
        [sys.executable, "-m", "policy_monitor", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment | (env or {}),
        timeout=300,
    )


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    """Yield the API URL of a real local Prefect server (what `serve` starts), once per module."""
    from flows.service import start_prefect_server

    server, url = start_prefect_server(tmp_path_factory.mktemp("prefect"), free_port())
    yield url
    server.terminate()
    server.wait(timeout=30)


def _inbox_service(db: Path, folder: Path, stop: threading.Event) -> None:
    """Do what the service's inbox deployment does, in this process, until `stop`."""
    from appstate.inbox import pending_files
    from flows.inbox import watch_inbox

    while not stop.is_set():
        if pending_files(folder):
            watch_inbox(db=str(db), inbox_dir=str(folder))
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_ingest_with_the_service_up_hands_the_file_to_its_inbox(db, tmp_path, fixture_path):
    folder = tmp_path / "inbox"
    # the "service" here answers /health with this test's Prefect API and watches the inbox
    from prefect.settings import PREFECT_API_URL

    state = service_state.service_state(db, PREFECT_API_URL.value(), folder)
    service_state.write_state(db, state)
    stop = threading.Event()
    watcher = threading.Thread(target=_inbox_service, args=(db, folder, stop))
    watcher.start()
    try:
        result = _cli(db, "ingest", "funds", str(fixture_path("direct_funds_2022-06-30.xlsx")))
    finally:
        stop.set()
        watcher.join()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已交由运行中的服务" in result.stderr
    assert (
        "[已导入] direct_funds_2022-06-30.xlsx (funds): 读取 43 行，导入 42，隔离 0，跳过 1"
        in result.stdout
    )
    (account,) = list((folder / "processed").glob("*.account.json"))
    assert json.loads(account.read_text(encoding="utf-8"))["rows_loaded"] == 42
    assert not list((folder / "funds").iterdir())  # taken, no half file left behind


@pytest.mark.slow
def test_evaluate_with_the_service_up_runs_against_its_api(db, prefect_server):
    service_state.write_state(db, service_state.service_state(db, prefect_server, db.parent))
    result = _cli(db, "evaluate", "--as-of", "2022-09-30")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"已交由运行中的服务（{prefect_server.removesuffix('/api')}）执行" in result.stderr
    assert EXPLAIN not in result.stderr
    # the service's Prefect API lists the run (what its UI shows)
    request = urllib.request.Request(
        f"{prefect_server}/flow_runs/filter",
        data=json.dumps({"limit": 50, "sort": "START_TIME_DESC"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        runs = json.loads(reply.read())
    assert [run["state_type"] for run in runs] == ["COMPLETED"], runs
