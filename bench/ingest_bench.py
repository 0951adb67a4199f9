"""Ingest benchmark: the project's ingest flows against the raw readers they are built on.

    uv run python -m bench.ingest_bench [--rows 5000000] [--xlsx-rows 200000] [--out bench/out]
                                        [--repeat 3]

Generates (once, cached in --out by row count, deterministic) a payment-detail CSV and a
direct-fund XLSX, then measures, each in a fresh subprocess so peak RSS is per measurement:

  a  csv_baseline    DuckDB's own CREATE TABLE t AS SELECT * FROM read_csv(path), fresh file
  b  csv_project     the payments ingest flow on the same CSV, fresh warehouse, Prefect warm
  c  xlsx_baseline   python_calamine reading every row of the sheet (to_python)
  d  xlsx_project    the funds ingest flow on the XLSX, fresh warehouse, Prefect warm
  e  cold            `policy-monitor --db <fresh> ingest payments <10-row csv> --json`, twice

a-d are repeated --repeat times (interleaved) and the median is reported. The last line is
`RATIO ingest_csv=<b/a> ingest_xlsx=<d/c> peak_rss=<rss_b/rss_a>`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.data import ensure_inputs

ROOT = Path(__file__).resolve().parent.parent
RESULT_MARK = "BENCH_RESULT "
TARGETS = {"ingest_csv": 1.5, "ingest_xlsx": 1.5, "peak_rss": 2.0}

# --------------------------------------------------------------------------- workers


def _prefect_env(env: dict[str, str], home: Path) -> dict[str, str]:
    env = dict(env)
    env["PREFECT_HOME"] = str(home)
    # The same quiet defaults the CLI sets (policy_monitor/cli.py:_quiet_prefect).
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    env.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return env


def _worker(args: argparse.Namespace) -> dict:
    mode, path, db = args.worker, args.path, args.db
    # Warm-up only (not timed): on 2 busy cores the temporary server can take longer than
    # Prefect's default 20 s to answer; the cold runs (e) keep the default, as users get it.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    # The project code this process imports (taken before any project import).
    result: dict = {"mode": mode, "code": code_fingerprint()["*"]}
    if mode == "csv_baseline":
        import duckdb

        clock = time.perf_counter()
        con = duckdb.connect(db)
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [path])
        result["rows"] = con.execute("SELECT count(*) FROM t").fetchone()[0]
        con.close()
        result["seconds"] = time.perf_counter() - clock
    elif mode == "xlsx_baseline":
        from python_calamine import CalamineWorkbook

        clock = time.perf_counter()
        rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
        result["seconds"] = time.perf_counter() - clock
        result["rows"] = len(rows)
    elif mode in ("csv_project", "xlsx_project"):
        from flows.ingest import INGEST_FLOWS

        flow = INGEST_FLOWS["payments" if mode == "csv_project" else "funds"]
        clock = time.perf_counter()
        warm = flow(paths=[args.tiny], db=args.warm_db)
        result["warmup_seconds"] = time.perf_counter() - clock
        result["warmup_status"] = warm[0]["status"]
        clock = time.perf_counter()
        accounts = flow(paths=[path], db=db)
        result["seconds"] = time.perf_counter() - clock
        result["account"] = {k: v for k, v in accounts[0].items() if k != "errors"}
        result["account"]["errors"] = accounts[0]["errors"][:5]
    else:
        raise SystemExit(f"unknown worker mode {mode!r}")
    result["ru_maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


class TreeSampler(threading.Thread):
    """Samples the RSS of a process and of its process tree (e.g. Prefect's server)."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_self = self.peak_tree = 0
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        try:
            proc = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self.stop.is_set():
            try:
                own = proc.memory_info().rss
                tree = own
                for child in proc.children(recursive=True):
                    with contextlib.suppress(psutil.NoSuchProcess):
                        tree += child.memory_info().rss
            except psutil.NoSuchProcess:
                return
            self.peak_self, self.peak_tree = max(self.peak_self, own), max(self.peak_tree, tree)
            self.stop.wait(self.interval)


def run_worker(mode: str, env: dict, logs: Path, tag: str, **kwargs) -> dict:
    cmd = [sys.executable, "-m", "bench.ingest_bench", "--worker", mode]
    for key, value in kwargs.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    out_log, err_log = logs / f"{tag}.out", logs / f"{tag}.err"
    with out_log.open("w") as out, err_log.open("w") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        proc.wait()
        sampler.stop.set()
        sampler.join()
    lines = [ln for ln in out_log.read_text().splitlines() if ln.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not lines:
        tail = err_log.read_text()[-3000:]
        raise SystemExit(f"worker {tag} failed (exit {proc.returncode}); stderr tail:\n{tail}")
    result = json.loads(lines[-1][len(RESULT_MARK) :])
    result["sampled_tree_mib"] = sampler.peak_tree / 2**20
    result["sampled_self_mib"] = sampler.peak_self / 2**20
    return result


def _fresh_db(directory: Path, name: str) -> Path:
    path = directory / f"{name}.duckdb"
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    return path


def _drop_db(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)


def check_account(result: dict, rows: int, skipped: int, label: str) -> None:
    account = result["account"]
    problems = []
    if result.get("warmup_status") != "loaded":
        problems.append(f"warm-up status {result.get('warmup_status')!r}")
    if account["status"] != "loaded":
        problems.append(f"status {account['status']!r}")
    if account["rows_loaded"] != rows:
        problems.append(f"rows_loaded {account['rows_loaded']:,} != {rows:,}")
    if account["rows_skipped"] != skipped:
        problems.append(f"rows_skipped {account['rows_skipped']} != {skipped}")
    if problems:
        raise SystemExit(
            f"{label}: bad account: {'; '.join(problems)}\n"
            + json.dumps(account, ensure_ascii=False, indent=2, default=str)
        )


def run_cold(tiny: Path, work: Path, logs: Path, tag: str, prefect_home: Path) -> dict:
    exe = Path(sys.executable).with_name("policy-monitor")
    db = _fresh_db(work, tag)
    env = _prefect_env(os.environ, prefect_home)
    cmd = [str(exe), "--db", str(db), "ingest", "payments", str(tiny), "--json"]
    clock = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - clock
    (logs / f"{tag}.out").write_text(proc.stdout)
    (logs / f"{tag}.err").write_text(proc.stderr)
    _drop_db(db)
    error = None
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or ["(no stderr)"]
        error = f"exit {proc.returncode}: {lines[-1][:200]}"
    else:
        account = json.loads(proc.stdout)[0]
        if account["status"] != "loaded" or account["rows_loaded"] != 10:
            error = f"bad account: status {account['status']}, rows_loaded {account['rows_loaded']}"
    return {"seconds": seconds, "error": error}


# --------------------------------------------------------------------------- driver


def code_fingerprint() -> dict[str, str]:
    """sha256 (first 12 hex) of each project source file, so results name the code measured."""
    import hashlib

    files = {}
    for package in ("flows", "warehouse", "policy_monitor"):
        for path in sorted((ROOT / package).rglob("*.py")):
            files[str(path.relative_to(ROOT))] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    files["*"] = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:12]
    return files


def main_bench(args: argparse.Namespace) -> None:
    out = Path(args.out).resolve()
    inputs = ensure_inputs(out, args.rows, args.xlsx_rows)
    code = code_fingerprint()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = out / f"run-{stamp}"
    work, logs = run_dir / "db", run_dir / "logs"
    work.mkdir(parents=True)
    logs.mkdir()
    # Warm measurements share one Prefect home (its database is set up once, outside timing);
    # the cold runs get a new, empty one so the first shows Prefect's one-time setup.
    warm_home = out / "prefect-home"
    env = _prefect_env(os.environ, warm_home)

    plan = [
        ("csv_baseline", {"path": inputs["csv"]}),
        ("csv_project", {"path": inputs["csv"], "tiny": inputs["tiny_csv"]}),
        ("xlsx_baseline", {"path": inputs["xlsx"]}),
        ("xlsx_project", {"path": inputs["xlsx"], "tiny": inputs["tiny_xlsx"]}),
    ]
    results: dict[str, list[dict]] = {name: [] for name, _ in plan}
    for rep in range(args.repeat):
        for name, extra in plan:
            tag = f"{name}-{rep + 1}"
            db = _fresh_db(work, tag)
            kwargs = {**extra, "db": db}
            if "tiny" in extra:
                kwargs["warm_db"] = _fresh_db(work, f"{tag}-warmup")
            result = run_worker(name, env, logs, tag, **kwargs)
            for key in ("db", "warm_db"):
                if key in kwargs:
                    _drop_db(Path(kwargs[key]))
            if name == "csv_baseline" and result["rows"] != args.rows:
                raise SystemExit(f"{tag}: read_csv gave {result['rows']:,} rows")
            if name == "xlsx_baseline" and result["rows"] != args.xlsx_rows + 3:
                raise SystemExit(f"{tag}: calamine gave {result['rows']:,} rows")
            if name == "csv_project":
                check_account(result, args.rows, 0, tag)
            if name == "xlsx_project":
                check_account(result, args.xlsx_rows, 0, tag)
            results[name].append(result)
            extra_note = ""
            if "account" in result:
                extra_note = f", load_plan {result['account']['duration_ms'] / 1000:.2f}s"
            print(
                f"  {tag:<16} {result['seconds']:8.2f}s  peak {result['ru_maxrss_mib']:8.1f} MiB"
                f"{extra_note}",
                flush=True,
            )

    partial = {"rows": args.rows, "xlsx_rows": args.xlsx_rows, "code": code, "results": results}
    (run_dir / "results.json").write_text(json.dumps(partial, indent=2, default=str))
    cold_home = run_dir / "prefect-home-cold"
    cold = [run_cold(inputs["tiny_csv"], work, logs, f"cold-{i + 1}", cold_home) for i in range(2)]
    for i, c in enumerate(cold):
        status = f"  FAILED: {c['error']} (see {logs}/cold-{i + 1}.err)" if c["error"] else ""
        print(f"  cold-{i + 1:<11} {c['seconds']:8.2f}s{status}", flush=True)

    def med(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name])

    rows_table = []
    for name, _ in plan:
        rs = results[name]
        load = (
            statistics.median(r["account"]["duration_ms"] / 1000 for r in rs)
            if "account" in rs[0]
            else None
        )
        rows_table.append(
            (
                name,
                med(name, "seconds"),
                min(r["seconds"] for r in rs),
                max(r["seconds"] for r in rs),
                med(name, "ru_maxrss_mib"),
                med(name, "sampled_tree_mib"),
                load,
            )
        )
    ratio = {
        "ingest_csv": med("csv_project", "seconds") / med("csv_baseline", "seconds"),
        "ingest_xlsx": med("xlsx_project", "seconds") / med("xlsx_baseline", "seconds"),
        "peak_rss": med("csv_project", "ru_maxrss_mib") / med("csv_baseline", "ru_maxrss_mib"),
    }
    summary = {
        "rows": args.rows,
        "xlsx_rows": args.xlsx_rows,
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "code": code,
        "results": results,
        "cold": cold,
        "ratio": ratio,
    }
    (run_dir / "results.json").write_text(json.dumps(summary, indent=2, default=str))

    print()
    print(
        f"ingest benchmark: {args.rows:,} CSV rows, {args.xlsx_rows:,} XLSX rows, "
        f"median of {args.repeat}, {os.cpu_count()} CPUs, code {code['*']}"
    )
    print(f"logs and results.json: {run_dir}")
    print(
        f"{'name':<16}{'median s':>10}{'min s':>9}{'max s':>9}{'peak RSS MiB':>14}"
        f"{'tree MiB':>10}{'load_plan s':>13}"
    )
    for name, median, lo, hi, rss, tree, load in rows_table:
        load_text = f"{load:13.2f}" if load is not None else f"{'':>13}"
        print(f"{name:<16}{median:10.2f}{lo:9.2f}{hi:9.2f}{rss:14.1f}{tree:10.1f}{load_text}")
    for i, c in enumerate(cold):
        status = "  FAILED (see logs)" if c["error"] else ""
        print(f"{f'cold-{i + 1}':<16}{c['seconds']:10.2f}{status}")
    used = sorted({r["code"] for name in ("csv_project", "xlsx_project") for r in results[name]})
    if used != [code["*"]] or code_fingerprint()["*"] != code["*"]:
        print(
            f"WARNING: project code changed during the run: {code['*']} at start, "
            f"project measurements imported {', '.join(used)}"
        )
    print()
    print(f"{'target':<14}{'value':>8}{'limit':>8}  result")
    for key, limit in TARGETS.items():
        verdict = "pass" if ratio[key] <= limit else "FAIL"
        print(f"{key:<14}{ratio[key]:8.2f}{limit:8.2f}  {verdict}")
    print(
        f"RATIO ingest_csv={ratio['ingest_csv']:.2f} ingest_xlsx={ratio['ingest_xlsx']:.2f} "
        f"peak_rss={ratio['peak_rss']:.2f}"
    )
    if any(c["error"] for c in cold):
        sys.exit(1)  # a cold CLI run failed (reported above); the ratios are still printed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows of the payment CSV")
    parser.add_argument("--xlsx-rows", type=int, default=200_000, help="rows of the fund XLSX")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"), help="data and logs")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    # Internal: one measurement in this (fresh) process.
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--tiny", help=argparse.SUPPRESS)
    parser.add_argument("--warm-db", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker:
        result = _worker(args)
        print(RESULT_MARK + json.dumps(result, ensure_ascii=False, default=str), flush=True)
        return
    if args.rows < 1 or args.xlsx_rows < 1 or args.repeat < 1:
        raise SystemExit("--rows, --xlsx-rows and --repeat must be positive")
    main_bench(args)


if __name__ == "__main__":
    main()
