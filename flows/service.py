"""The unattended service: every deployment and its schedule (Asia/Shanghai), in one place.

`run_service` starts a Prefect server (SQLite, under the warehouse's folder) when none is
configured — Prefect's ephemeral mode cannot run schedules — and serves the deployments in this
process (the CLI starts the dashboard beside them). A scheduled run that fails retries with backoff and,
if it still fails, opens a red service alert (notified like any other) that closes when the
flow next succeeds.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import flow, serve
from prefect.schedules import Cron, Interval
from prefect.settings import PREFECT_API_URL, temporary_settings

from appstate import inbox
from flows import service_state
from flows.evaluate import evaluate_flow
from flows.inbox import watch_inbox
from flows.inbox_watch import watching
from flows.settings import FlowSettings
from warehouse.alerts import clear_system_alert, raise_system_alert
from warehouse.connection import connect
from warehouse.replica import publish

TIMEZONE = "Asia/Shanghai"
# flow runs take one delay (task retries can back off in steps, flows cannot)
RETRIES = {"retries": 2, "retry_delay_seconds": 120}


def _db_of(flow_run) -> Path:
    return Path(flow_run.parameters["db"])


def record_failure(flow_, flow_run, state) -> None:
    """Open a service alert for a scheduled flow that failed after its retries."""
    message = f"定时任务「{flow_.name}」运行失败（已重试）：{state.message or state.name}"
    with connect(_db_of(flow_run)) as con:
        raise_system_alert(con, flow_.name, message, datetime.now(UTC))
        publish(con, _db_of(flow_run))


def record_success(flow_, flow_run, state) -> None:
    """Close the service alert of a flow that runs again."""
    with connect(_db_of(flow_run)) as con:
        if clear_system_alert(con, flow_.name, datetime.now(UTC)):
            publish(con, _db_of(flow_run))


HOOKS = {"on_failure": [record_failure], "on_completion": [record_success]}


@flow(name="scheduled-inbox", log_prints=True, **RETRIES, **HOOKS)
def scheduled_inbox(db: str) -> list[dict]:
    """Ingest what waits in the inbox (processed/ or rejected/ with the account beside each file)."""
    folder = inbox.inbox_path(Path(db))
    inbox.beat(folder, FlowSettings().inbox_every)
    return watch_inbox(db, str(folder)) if inbox.pending_files(folder) else []


@flow(name="scheduled-evaluation", **RETRIES, **HOOKS)
def scheduled_evaluation(db: str) -> dict:
    """Evaluate every rule now (Asia/Shanghai: today's date, this time of day); update alerts."""
    return evaluate_flow(db=db, cause="schedule")


def deployments(db: Path, settings: FlowSettings | None = None) -> list:
    """Return every deployment of the service with its schedule."""
    settings = settings or FlowSettings()
    params = {"db": str(db)}
    inbox_every = Interval(timedelta(seconds=settings.inbox_every), timezone=TIMEZONE)
    items = [
        # one run at a time takes the files
        scheduled_inbox.to_deployment(
            "inbox", parameters=params, concurrency_limit=1, schedules=[inbox_every]
        ),
        scheduled_evaluation.to_deployment(
            "every-morning",
            parameters=params,
            concurrency_limit=1,
            schedules=[Cron(settings.evaluate_cron, timezone=TIMEZONE)],
        ),
        # the report rules grade the day's reports once their 17:00 deadline has passed
        scheduled_evaluation.to_deployment(
            "after-report-deadline",
            parameters=params,
            concurrency_limit=1,
            schedules=[Cron(settings.report_cron, timezone=TIMEZONE)],
        ),
    ]
    items += _optional_deployments(db, settings)
    return items


def _optional_deployments(db: Path, settings: FlowSettings) -> list:
    """Return the deployments of optional parts (notifications, CPI portal) that are present."""
    found = []
    try:
        from flows.notify import scheduled_deployments
    except ImportError:
        pass
    else:
        found += scheduled_deployments(db, TIMEZONE)
    try:
        from flows.fetch_cpi import scheduled_deployments as cpi
    except ImportError:
        pass
    else:
        found += cpi(db, TIMEZONE)
    return found


def start_prefect_server(home: Path, port: int) -> tuple[subprocess.Popen, str]:
    """Start a local Prefect server (SQLite in `home`); return it and its API URL when healthy."""
    home.mkdir(parents=True, exist_ok=True)
    env = os.environ | {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    log = open(home / "server.log", "ab")  # noqa: SIM115 — kept open for the server's life
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"Prefect server stopped at start; see {home / 'server.log'}")
        try:
            urllib.request.urlopen(f"{url}/health", timeout=2)
            return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("Prefect server did not answer within 3 minutes")


def run_service(db: Path, prefect_port: int = 4200, on_ready=None) -> None:
    """Serve every scheduled deployment until interrupted; `on_ready(api_url)` runs first."""
    server, url = None, os.environ.get("PREFECT_API_URL")
    if not url:
        server, url = start_prefect_server(db.parent / "prefect", prefect_port)
    # a service manager stops us with SIGTERM: unwind, so the Prefect server stops with us
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if on_ready is not None:
            on_ready(url)
        # the CLI's write commands find this service (and its API) by this file
        service_state.write_state(db, service_state.service_state(db, url, inbox.inbox_path(db)))
        with temporary_settings(updates={PREFECT_API_URL: url}), watching(db):
            serve(*deployments(db), print_starting_message=True)
    finally:
        service_state.remove_state(db)
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
