"""Service timings from a clean checkout: install, demo to dashboard, inbox file to visible alert.

    python3 -m uv run python -m bench.service_bench [--keep] [--drops 3]

Clones the repository's HEAD into bench/out/service-<time>/, times `make setup` there (uv's
package cache is whatever this machine has: say so when you report), then times
`policy-monitor demo` until its dashboard answers; with `policy-monitor serve` running (file
watch on, default one-minute schedule behind it): a bond ledger and `--drops` 10-row direct-fund
ledgers (one red fund each) from landing in the inbox to their alert in the published replica;
the same ingest + evaluation called in-process with Prefect warm (`bench.service_inprocess`);
and a cold `policy-monitor ingest funds` subprocess with `serve` running and without.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from bench.service_inprocess import ledger, red_alert_seen
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


AS_OF = {"POLICY_MONITOR_AS_OF": "2022-09-30", "PREFECT_API_URL": ""}


def _wait_for_alert(replica: Path, code: str | None, started: float, log: Path) -> float:
    while True:
        if red_alert_seen(replica, code):
            return time.monotonic() - started
        if time.monotonic() - started > 600:
            raise RuntimeError(f"no alert after 10 minutes; see {log}")
        time.sleep(0.1)


def _drop(source: Path, waiting: Path) -> float:
    waiting.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, waiting / f".{source.name}.partial")
    started = time.monotonic()
    (waiting / f".{source.name}.partial").rename(waiting / source.name)
    return started


def _cli_ingest(db: Path, path: Path, log: Path) -> float:
    started = time.monotonic()
    with log.open("a") as out:
        subprocess.run(
            [sys.executable, "-m", "policy_monitor", "--db", str(db), "ingest", "funds", str(path)],
            env=os.environ | AS_OF,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
        )
    return time.monotonic() - started


def serve_seconds(work: Path, drops: int) -> dict:
    """With `serve` running: bond file → alert, fund ledgers → alert each, a cold CLI ingest."""
    db, log = work / "svc" / "warehouse.duckdb", work / "serve.log"
    db.parent.mkdir(parents=True)
    service = _start(
        ["--db", str(db), "serve", "--port", str(free_port()), "--prefect-port", str(free_port())],
        AS_OF,
        log,
    )
    replica = db.with_name("warehouse.read.duckdb")
    try:
        _wait_for(log, "Your deployments are being served", service, 300)
        bonds = work / "demo" / "samples" / "special_bonds_2022-09-30.xlsx"
        started = _drop(bonds, db.parent / "inbox" / "bonds")
        result = {"bonds_s": _wait_for_alert(replica, None, started, log), "drops_s": []}
        for n in range(drops):
            source, code = ledger(work / "ledgers", f"s{n}")
            started = _drop(source, db.parent / "inbox" / "funds")
            result["drops_s"].append(_wait_for_alert(replica, code, started, log))
        source, _code = ledger(work / "ledgers", "cli-serve")
        result["cli_with_serve_s"] = _cli_ingest(db, source, work / "cli.log")
        return result
    finally:
        service.terminate()
        service.wait(timeout=60)


def inprocess_seconds(work: Path, drops: int) -> list[float]:
    """Return the in-process (Prefect warm) file → alert times, from a worker process."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.service_inprocess", str(work / "inprocess"), str(drops)],
        env=os.environ | AS_OF,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the clone afterwards")
    parser.add_argument("--drops", type=int, default=3, help="fund ledgers dropped (median)")
    args = parser.parse_args()
    work = ROOT / "bench" / "out" / f"service-{datetime.now():%Y%m%d-%H%M%S}"
    work.mkdir(parents=True)
    clone = work / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    env_backup = dict(os.environ)
    try:
        install = _timed(["make", "setup"], clone)
        demo = demo_seconds(work)
        served = serve_seconds(work, args.drops)
        inprocess = inprocess_seconds(work, args.drops)
        alone_db = work / "alone" / "warehouse.duckdb"
        alone_db.parent.mkdir(parents=True)
        source, _code = ledger(work / "ledgers", "cli-alone")
        cli_alone = _cli_ingest(alone_db, source, work / "cli.log")
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
        if not args.keep:
            shutil.rmtree(clone, ignore_errors=True)
    serve_med, inproc_med = statistics.median(served["drops_s"]), statistics.median(inprocess)
    cli_serve = served["cli_with_serve_s"]
    drops_text = " / ".join(f"{x:.1f}" for x in served["drops_s"])
    inproc_text = " / ".join(f"{x:.1f}" for x in inprocess)
    print(f"install (make setup in a fresh clone, warm uv cache): {install:6.1f} s")
    print(f"demo → dashboard answering:                          {demo:6.1f} s   target ≤ 60 s")
    print(f"bond ledger in the inbox → alert published (serve):  {served['bonds_s']:6.1f} s")
    print(
        f"10-row fund ledger → alert published, serve (median): {serve_med:5.1f} s   ({drops_text})"
    )
    print(
        f"same ingest + evaluate in-process, Prefect warm:     {inproc_med:6.1f} s   ({inproc_text})"
    )
    print(f"cold `policy-monitor ingest funds`, serve running:   {cli_serve:6.1f} s")
    print(f"cold `policy-monitor ingest funds`, no service:      {cli_alone:6.1f} s")
    print(
        f"RATIO serve_vs_inprocess={serve_med / inproc_med:.2f} "
        f"cli_with_serve_vs_without={cli_serve / cli_alone:.2f} demo_s={demo:.1f} "
        f"install_s={install:.1f} file_to_alert_s={serve_med:.1f} inprocess_s={inproc_med:.1f}"
    )


if __name__ == "__main__":
    main()
