"""Service timings from a clean checkout: install, demo to dashboard, inbox file to visible alert.

    python3 -m uv run python -m bench.service_bench [--keep]

Clones the repository's HEAD into bench/out/service-<time>/, times `make setup` there (uv's
package cache is whatever this machine has: say so when you report), then times
`policy-monitor demo` until its dashboard answers, and `policy-monitor serve` (default one-minute
inbox schedule) from a file landing in the inbox until its alert is in the published replica.
"""

import argparse
import os
import shutil
import subprocess
import time
from datetime import datetime
from pathlib import Path

import duckdb

from tests.browser import free_port
from tests.test_service import _session, _start, _wait_for

ROOT = Path(__file__).resolve().parent.parent


def _timed(command: list[str], cwd: Path) -> float:
    # as on a fresh shell: not inside this checkout's `uv run` environment
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV" and not k.startswith("UV_")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    started = time.monotonic()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=env)
    return time.monotonic() - started


def demo_seconds(work: Path) -> float:
    """Return seconds from starting the demo to its dashboard answering a signed-in request."""
    port, log = free_port(), work / "demo.log"
    started = time.monotonic()
    demo = _start(["demo", "--folder", str(work / "demo"), "--port", str(port)], {}, log)
    try:
        password = _wait_for(log, r"staff\s+密码 (\S+)", demo, 300)[1]
        url = f"http://127.0.0.1:{port}"
        while True:
            try:
                _session(url, "staff", password).open(f"{url}/", timeout=30)
                return time.monotonic() - started
            except OSError:
                time.sleep(0.2)
    finally:
        demo.terminate()
        demo.wait(timeout=30)


def inbox_seconds(work: Path) -> float:
    """Return seconds from a bond ledger landing in the inbox to its alerts being published."""
    db, log = work / "svc" / "warehouse.duckdb", work / "serve.log"
    db.parent.mkdir(parents=True)
    env = {"POLICY_MONITOR_AS_OF": "2022-09-30", "PREFECT_API_URL": ""}
    service = _start(
        ["--db", str(db), "serve", "--port", str(free_port()), "--prefect-port", str(free_port())],
        env,
        log,
    )
    try:
        _wait_for(log, "Your deployments are being served", service, 300)
        source = work / "demo" / "samples" / "special_bonds_2022-09-30.xlsx"
        waiting = db.parent / "inbox" / "bonds"
        waiting.mkdir(parents=True)
        shutil.copy(source, waiting / ".partial")
        started = time.monotonic()
        (waiting / ".partial").rename(waiting / source.name)
        replica = db.with_name("warehouse.read.duckdb")
        while True:
            if replica.exists():
                with duckdb.connect(str(replica), read_only=True) as con:
                    if con.execute("SELECT count(*) FROM alerts").fetchone()[0]:
                        return time.monotonic() - started
            if time.monotonic() - started > 600:
                raise RuntimeError(f"no alert after 10 minutes; see {log}")
            time.sleep(1)
    finally:
        service.terminate()
        service.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the clone afterwards")
    args = parser.parse_args()
    work = ROOT / "bench" / "out" / f"service-{datetime.now():%Y%m%d-%H%M%S}"
    work.mkdir(parents=True)
    clone = work / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    env_backup = dict(os.environ)
    try:
        install = _timed(["make", "setup"], clone)
        demo = demo_seconds(work)
        inbox = inbox_seconds(work)
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
        if not args.keep:
            shutil.rmtree(clone, ignore_errors=True)
    print(f"install (make setup in a fresh clone, warm uv cache): {install:6.1f} s")
    print(f"demo → dashboard answering:                          {demo:6.1f} s   target ≤ 60 s")
    print(f"inbox file → alert published (1-minute schedule):    {inbox:6.1f} s   target ≤ 120 s")
    print(f"RATIO install_s={install:.1f} demo_s={demo:.1f} inbox_to_alert_s={inbox:.1f}")


if __name__ == "__main__":
    main()
