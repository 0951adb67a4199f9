"""Dashboard benchmark: server-side time of each page's first render and of a filter change.

    uv run python -m bench.dashboard_bench [--repeat 20] [--warmup 2] [--out bench/out] [--profile]

Builds a fresh national-scale warehouse (bench/trigger_data.generate, the evaluate benchmark's
data) in --out/dashboard-work/, evaluates it on 2022-12-31 with the default rules (findings,
alerts, the published read replica), then calls, inside `create_app(db)`'s Flask request
context with a signed-in user, every page's `layout()` (its first render, queries included),
the shell callback (nav and the refreshed line) and one filter change per page with filters,
for a leader (all regions) and a county user (data page: staff, the only role it serves).

Each case: --warmup untimed rounds, then --repeat timed rounds (cases interleaved); median and
p95 of the callback itself, p95 including Dash's JSON encoding of the result, and the warehouse
query functions the callback called through `data.read` (recorded once) re-run directly on a
read-only DuckDB connection of the replica with the same arguments: ratio = callback ÷ those.
Rows = grid rows in the result (rowData in the component tree, or a returned rowData list).

Last line: `RATIO overview_p95_ms=… worst_page_p95_ms=… max_rows_shipped=…`; targets: every
overview callback (overview layout, shell) p95 ≤ 300 ms; no result ships more than 5,000 rows.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from bench.trigger_data import drop, generate

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2022, 12, 31)
OVERVIEW_P95_MS = 300.0
MAX_ROWS = 5000


@dataclass
class Case:
    user: str
    page: str
    name: str
    call: Callable[[], object]
    queries: list = field(default_factory=list)  # (query function, args, kwargs) via data.read
    ms: list[float] = field(default_factory=list)
    json_ms: list[float] = field(default_factory=list)
    db_ms: list[float] = field(default_factory=list)
    rows: int = 0
    kb: float = 0.0


def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for package in ("dashboard", "warehouse", "flows", "triggers"):
        for path in sorted((ROOT / package).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def build(work: Path) -> Path:
    """Generate the full warehouse in `work`, evaluate it once (publishing the replica)."""
    from flows.evaluate import run_evaluation
    from flows.rule_files import load_rules
    from warehouse.replica import replica_path

    work.mkdir(parents=True, exist_ok=True)
    db = work / "warehouse.duckdb"
    for path in (db, replica_path(db), db.with_name(f"{db.stem}.state.sqlite3")):
        drop(path)
    clock = time.perf_counter()
    generate(db, 1)
    summary = run_evaluation(db, AS_OF, load_rules(None), cause="bench")
    if summary.unhealthy:
        raise SystemExit(f"unhealthy rules: {summary.unhealthy}")
    print(f"built and evaluated {db} in {time.perf_counter() - clock:.1f}s", flush=True)
    return db


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def rows_shipped(value) -> int:
    """Return the grid rows in a callback result: rowData of every AgGrid, or a rowData list."""
    from dash.development.base_component import Component

    if isinstance(value, (tuple, list)):
        if value and all(isinstance(v, dict) for v in value):
            return len(value)
        return sum(rows_shipped(v) for v in value)
    if isinstance(value, Component):
        return sum(len(getattr(c, "rowData", None) or []) for c in (value, *value._traverse()))
    return 0


def make_cases(app, db: Path) -> tuple[list[Case], dict[str, object]]:
    """Return the cases and the users they run as."""
    from dashboard.auth import User
    from warehouse.replica import replica_path

    names = ("overview", "prices", "funds", "bonds", "alerts", "data")
    p = {name: sys.modules[f"pages.{name}"] for name in names}  # as Dash imported them
    shell = app.callback_map["..nav.children...refreshed.children.."]["callback"].__wrapped__
    with duckdb.connect(str(replica_path(db)), read_only=True) as con:
        (county,) = con.execute(
            "SELECT min(region_code) FROM fund_warnings WHERE region_code LIKE '6543%'"
        ).fetchone()
        found = con.execute("SELECT DISTINCT region_code FROM subsidy_findings").fetchall()
    codes = [code for (code,) in found]
    other = "000000" if "000000" in codes else codes[-1]  # not the page's default (most local)
    users = {
        "leader": User("bench-leader", "leader", None),
        "county": User("bench-county", "county", county),
        "staff": User("bench-staff", "staff", None),
    }
    specs = [
        ("shell", "nav_and_refreshed('/')", lambda: shell("/")),
        ("overview", "layout()", p["overview"].layout),
        ("prices", "layout()", p["prices"].layout),
        ("prices", f"filter prices_chart({other})", lambda: p["prices"].prices_chart(other)),
        ("prices", f"filter prices_months({other})", lambda: p["prices"].prices_months(other)),
        ("prices", f"filter prices_groups({other})", lambda: p["prices"].prices_groups(other)),
        ("funds", "layout()", p["funds"].layout),
        (
            "funds",
            f"filter grid_rows({county}, red)",
            lambda: p["funds"].grid_rows(county, "red", None),
        ),
        ("bonds", "layout()", p["bonds"].layout),
        ("bonds", "filter grid_rows(level=red)", lambda: p["bonds"].grid_rows(None, "red", None)),
        ("alerts", "layout()", p["alerts"].layout),
        (
            "alerts",
            "filter alerts_grid_rows(all)",
            lambda: p["alerts"].alerts_grid_rows(True, None),
        ),
    ]
    cases = [Case(who, *spec) for who in ("leader", "county") for spec in specs]
    cases += [
        Case("staff", "data", "layout()", p["data"].layout),
        Case("staff", "data", "upload_disabled(None)", lambda: p["data"].upload_disabled(None)),
    ]
    return cases, users


def record_queries(cases: list[Case], users: dict) -> None:
    """Run each case once with data.read wrapped, keeping the warehouse queries it made."""
    import flask_login

    from dashboard import data

    original = data.read
    for case in cases:
        flask_login.login_user(users[case.user])

        def spy(query, *args, _case=case, **kwargs):
            _case.queries.append((query, args, kwargs))
            return original(query, *args, **kwargs)

        data.read = spy
        try:
            case.call()
        finally:
            data.read = original


def time_rounds(cases: list[Case], users: dict, warmup: int, repeat: int) -> None:
    """Time every case `warmup + repeat` times, interleaved; keep the last `repeat`."""
    import flask_login
    from dash._utils import to_json

    for rnd in range(warmup + repeat):
        for case in cases:
            flask_login.login_user(users[case.user])
            clock = time.perf_counter()
            result = case.call()
            called = time.perf_counter()
            encoded = to_json(result)
            done = time.perf_counter()
            if rnd >= warmup:
                case.ms.append(1000 * (called - clock))
                case.json_ms.append(1000 * (done - clock))
            case.rows, case.kb = rows_shipped(result), len(encoded.encode()) / 1024
        if (rnd + 1) % 5 == 0 or rnd + 1 == warmup + repeat:
            print(f"  round {rnd + 1}/{warmup + repeat}", flush=True)


def time_direct(cases: list[Case], replica: Path, warmup: int, repeat: int) -> None:
    """Time each case's recorded queries on a read-only DuckDB connection of the replica."""
    with duckdb.connect(str(replica), read_only=True) as con:
        for rnd in range(warmup + repeat):
            for case in (c for c in cases if c.queries):
                clock = time.perf_counter()
                for query, args, kwargs in case.queries:
                    query(con, *args, **kwargs)
                if rnd >= warmup:
                    case.db_ms.append(1000 * (time.perf_counter() - clock))


def profile(case: Case, users: dict, runs: int = 5) -> None:
    import flask_login

    flask_login.login_user(users[case.user])
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [case.call() for _ in range(runs)])
    print(f"cProfile of {case.user} {case.page} {case.name}, {runs} calls, by cumulative time:")
    pstats.Stats(profiler).strip_dirs().sort_stats("cumulative").print_stats(25)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed rounds")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"), help="work dir and results")
    parser.add_argument("--profile", action="store_true", help="cProfile the slowest callback")
    args = parser.parse_args(argv)
    if args.repeat < 2:
        raise SystemExit("--repeat must be at least 2")
    os.environ.setdefault("POLICY_MONITOR_SECRET_KEY", "dashboard-bench")
    out = Path(args.out).resolve()
    code = code_fingerprint()
    db = build(out / "dashboard-work")

    from dashboard.app import create_app
    from warehouse.replica import replica_path

    app = create_app(db)
    with app.server.test_request_context("/"):
        cases, users = make_cases(app, db)
        record_queries(cases, users)
        time_rounds(cases, users, args.warmup, args.repeat)
        time_direct(cases, replica_path(db), args.warmup, args.repeat)
        slowest = max(cases, key=lambda c: p95(c.ms))
        if args.profile:
            profile(slowest, users)

    print(
        f"\ndashboard benchmark: as_of {AS_OF}, {args.repeat} rounds after {args.warmup} "
        f"warm-up, {os.cpu_count()} CPUs, code {code}, county user {users['county'].region_code}"
    )
    head = f"{'user':<7}{'page':<9}{'callback':<34}{'med ms':>8}{'p95 ms':>8}{'+json p95':>10}"
    print(head + f"{'duckdb ms':>10}{'ratio':>7}{'rows':>6}{'KB':>7}")
    for c in cases:
        med = statistics.median(c.ms)
        db_med = statistics.median(c.db_ms) if c.db_ms else None
        db_text, ratio = (
            (f"{db_med:10.1f}", f"{med / db_med:7.1f}") if db_med else (f"{'—':>10}", f"{'—':>7}")
        )
        print(
            f"{c.user:<7}{c.page:<9}{c.name[:33]:<34}{med:8.1f}{p95(c.ms):8.1f}"
            f"{p95(c.json_ms):10.1f}{db_text}{ratio}{c.rows:6}{c.kb:7.0f}"
        )
    overview = [c for c in cases if c.page in ("overview", "shell")]
    result = {
        "overview_p95_ms": max(p95(c.ms) for c in overview),
        "worst_page_p95_ms": max(p95(c.ms) for c in cases),
        "max_rows_shipped": max(c.rows for c in cases),
    }
    limits = {"overview_p95_ms": OVERVIEW_P95_MS, "max_rows_shipped": MAX_ROWS}
    print(f"\nslowest p95: {slowest.user} {slowest.page} {slowest.name}")
    print(f"{'target':<20}{'value':>9}{'limit':>9}  result")
    for key, value in result.items():
        verdict = ("pass" if value <= limits[key] else "FAIL") if key in limits else "(info)"
        limit = f"{limits[key]:9g}" if key in limits else f"{'—':>9}"
        print(f"{key:<20}{value:9.1f}{limit}  {verdict}")
    if code_fingerprint() != code:
        print(f"WARNING: project code changed during the run (was {code} at start)")
    keep = ("user", "page", "name", "ms", "json_ms", "db_ms", "rows", "kb")
    results = {
        "code": code,
        "cpus": os.cpu_count(),
        "result": result,
        "cases": [{k: getattr(c, k) for k in keep} for c in cases],
    }
    (out / "dashboard_results.json").write_text(json.dumps(results, indent=1))
    print(
        " ".join(
            ["RATIO"]
            + [f"{k}={v:.1f}" if k.endswith("ms") else f"{k}={v}" for k, v in result.items()]
        )
    )


if __name__ == "__main__":
    main()
