"""Shared fixtures: a fresh migrated warehouse per test, one Prefect harness per session."""

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Return the path of a fresh, migrated DuckDB warehouse in tmp_path."""
    from warehouse.connection import connect

    path = tmp_path / "warehouse.duckdb"
    with connect(path):
        pass
    return path


@pytest.fixture(scope="session")
def prefect_harness():
    """Run flows against one temporary Prefect API for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def fixture_path():
    """Return a function giving the path of a file in tests/fixtures."""
    return lambda name: FIXTURES / name


@pytest.fixture(scope="session")
def samples(tmp_path_factory) -> Path:
    """Return a folder of generated sample source files (one year, one prefecture)."""
    from samples import write_sample_data

    folder = tmp_path_factory.mktemp("samples")
    write_sample_data(folder, year=2022)
    return folder


@pytest.fixture(scope="module")
def browser():
    """Yield Debian's Chromium driven by Playwright (a test tool's own browser cannot be fetched)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def webhook():
    """Return (port, received JSON posts) of a local webhook receiver."""
    posts = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            posts.append({"path": self.path, **json.loads(body)})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], posts
    server.shutdown()
    server.server_close()
