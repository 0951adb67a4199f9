"""Shared set-up of the real-browser tests: a warehouse, users, a served dashboard, Chromium."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from appstate.store import open_state
from appstate.users import add_user, hash_password
from flows.evaluate import run_evaluation
from flows.rule_files import load_rules
from tests.helpers import load_file

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
ARTIFACTS = Path(
    os.environ.get("PM_TEST_ARTIFACTS", Path(__file__).parent.parent / "test-artifacts")
)
USERS = (("lead", "leader", None), ("staff", "staff", None), ("burqin", "county", "654321"))


def build_warehouse(db: Path, samples: Path, as_of: date = date(2022, 9, 30)) -> Path:
    """Load a year of sample files, evaluate on `as_of`, and create one user per role."""
    for pattern, kind in (
        ("cpi_nbs_national_2022.csv", "cpi"),
        ("cpi_bulletin_altay_*.xlsx", "cpi"),
        ("beneficiaries_*.xlsx", "beneficiaries"),
        ("direct_funds_*", "funds"),
        ("payments_*", "payments"),
        ("special_bonds_*", "bonds"),
    ):
        for path in sorted(samples.glob(pattern)):
            load_file(db, kind, path)
    run_evaluation(db, as_of, load_rules(None))
    with open_state(db) as con:
        for name, role, region in USERS:
            add_user(con, name, role, region, hash_password(PASSWORD))
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(db: Path):
    """Serve the dashboard of `db` in another process on a loopback port; yield its base URL."""
    port = free_port()
    env = os.environ | {"POLICY_MONITOR_SECRET_KEY": "browser-test-secret"}
    server = subprocess.Popen(
        [sys.executable, "-m", "policy_monitor", "--db", str(db), "dashboard", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/login", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"dashboard did not start: {server.stdout.read()}") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def log_in(page, url: str, name: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait for the overview."""
    page.goto(f"{url}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artifact; return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
