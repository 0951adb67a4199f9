"""Evaluate benchmark: the trigger engine's full evaluation against a plain DuckDB scan.

    uv run python -m bench.evaluate_bench [--repeat 3] [--out bench/out] [--phases] [--rebuild]

Generates (once, cached in --out/data/, see bench/trigger_data.py) a national-scale warehouse
and one with 1/10 of the data, then measures in this process, each the median of --repeat runs:

  scan            open the full warehouse read-only, `SELECT count(*), sum(<number>)` over each
                  input table (cpi_observations, fund_snapshots, fund_payments, bond_snapshots,
                  beneficiary_counts, benefit_standards), close
  evaluate        flows.evaluate.run_evaluation(db, 2022-12-31, default rules) on a fresh copy
                  of the full warehouse (the copy is not timed: evaluation writes alerts)
  evaluate_tenth  the same on a fresh copy of the 1/10 warehouse
  read_all        (context only) every row and column of the six tables fetched into polars

The last line is `RATIO evaluate_vs_scan=<evaluate/scan> growth_10x=<evaluate/evaluate_tenth>`.
When evaluate takes more than 3× the scan (or with --phases) a per-phase breakdown of one more
evaluation, calling the steps of run_evaluation one by one, is printed before it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from bench.trigger_data import TABLES, drop, ensure_warehouse, fresh_copy, table_sizes

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2022, 12, 31)
TARGETS = {"evaluate_vs_scan": 3.0, "growth_10x": 12.0}
SCAN_COLUMNS = {
    "cpi_observations": "value_pct",
    "fund_snapshots": "received_yuan",
    "fund_payments": "amount_yuan",
    "bond_snapshots": "spent_yuan",
    "beneficiary_counts": "persons",
    "benefit_standards": "yuan_per_month",
}


def code_fingerprint() -> str:
    """sha256 (first 12 hex) of the project code the evaluation runs, to name what was measured."""
    digest = hashlib.sha256()
    for package in ("flows", "warehouse", "triggers"):
        for path in sorted((ROOT / package).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".yaml", ".csv"):
                digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def scan(db: Path, read_all: bool = False) -> float:
    """Return the seconds of one read-only scan of every input table, connect to close.

    `SELECT count(*), sum(<number>)`, or with `read_all` every row and column into polars."""
    clock = time.perf_counter()
    con = duckdb.connect(str(db), read_only=True)
    con.execute("SET enable_progress_bar = false")
    for table, column in SCAN_COLUMNS.items():
        if read_all:
            con.execute(f"SELECT * FROM {table}").pl()
        else:
            con.execute(f"SELECT count(*), sum({column}) FROM {table}").fetchall()
    con.close()
    return time.perf_counter() - clock


def evaluate(source: Path, work: Path, rules: list) -> tuple[float, dict]:
    """Return the seconds and summary of run_evaluation on a fresh copy of `source`."""
    from flows.evaluate import run_evaluation

    db = fresh_copy(source, work, "evaluate")
    clock = time.perf_counter()
    summary = run_evaluation(db, AS_OF, rules, cause="bench")
    seconds = time.perf_counter() - clock
    drop(db)
    if summary.unhealthy:
        raise SystemExit(f"unhealthy rules, the timing would mean nothing: {summary.unhealthy}")
    return seconds, summary.to_dict()


def phases(source: Path, work: Path, rules: list) -> list[tuple[int, str, float, str]]:
    """Time the steps of run_evaluation one by one; return (depth, name, seconds, note) rows."""
    from triggers.alerting import SUBJECTS, alert_candidates
    from triggers.bond_deadline import evaluate_bond_counties
    from triggers.documents import render_documents
    from triggers.engine import EVALUATORS, evaluate_rules
    from triggers.lifecycle import transition
    from warehouse import evaluations as ev
    from warehouse.connection import connect
    from warehouse.trigger_inputs import QUERIES, query_trigger_inputs

    db = fresh_copy(source, work, "phases")
    rows: list[tuple[int, str, float, str]] = []
    clock = time.perf_counter()

    def lap(name: str, note: str = "", depth: int = 0) -> None:
        nonlocal clock
        rows.append((depth, name, time.perf_counter() - clock, note))
        clock = time.perf_counter()

    def restart() -> None:
        nonlocal clock
        clock = time.perf_counter()

    started = datetime.now(UTC)
    with connect(db) as con:
        lap("connect (open, macros, migrations check)")
        frames = query_trigger_inputs(con, AS_OF)
        lap("query_trigger_inputs", f"{len(frames)} queries")
        for name, sql in QUERIES.items():
            restart()
            height = con.execute(sql, {"as_of": AS_OF}).pl().height
            lap(name, f"{height:,} rows (re-run alone)", depth=1)
        restart()
        evaluation = evaluate_rules(rules, frames, AS_OF)
        lap("evaluate_rules", f"{len(rules)} rules")
        for rule in rules:
            of_kind = [r for r in rules if r.kind == rule.kind]
            restart()
            found = EVALUATORS[rule.kind].evaluate(rule, of_kind, frames, AS_OF)
            lap(rule.id, f"{rule.kind}, {found.height:,} rows (re-run alone)", depth=1)
        if "bond_projects" in evaluation.findings:
            restart()
            evaluate_bond_counties(evaluation.findings["bond_projects"], AS_OF)
            lap("evaluate_bond_counties", "(re-run alone)", depth=1)
        restart()
        open_alerts, next_id = ev.query_open_alerts(con), ev.query_next_alert_id(con)
        lap("query_open_alerts + query_next_alert_id", f"{open_alerts.height:,} open")
        candidates = alert_candidates(evaluation.findings, AS_OF)
        lap("alert_candidates", f"{candidates.height:,} candidates")
        step = transition(
            open_alerts,
            candidates,
            evaluated_rules=evaluation.healthy_rules,
            known_rules=[r.id for r in rules],
            ladders={r.id: r.escalation for r in rules if getattr(r, "escalation", None)},
            as_of=AS_OF,
            now=started,
            next_id=next_id,
        )
        lap("transition", f"{step.alerts.height:,} alerts, {step.events.height:,} events")
        projects = evaluation.findings.get("bond_projects")
        documents = render_documents(
            step.escalations,
            projects.with_columns(subject=SUBJECTS["bond_projects"])
            if projects is not None
            else None,
            rules,
            evaluation.findings.get("commitments"),
        )
        lap("render_documents", f"{documents.height:,} documents")
        record = ev.EvaluationRecord(
            as_of=AS_OF,
            started_at=started,
            finished_at=datetime.now(UTC),
            cause="bench-phases",
            findings=evaluation.findings,
            health=evaluation.health,
            alerts=step.alerts,
            events=step.events,
            escalations=documents,
        )
        calls: list[tuple[str, float]] = []
        ev.store_evaluation(_Timed(con, calls), record)
        stored = sum(f.height for f in evaluation.findings.values())
        lap("store_evaluation", f"{stored:,} findings + alerts, events, outbox, documents")
        for sql, seconds in calls:  # timed inside the call above
            if seconds >= 0.005:
                rows.append((1, sql, seconds, "(statement inside store_evaluation)"))
        restart()
    lap("close")
    drop(db)
    return rows


class _Timed:
    """A connection whose execute and commit calls are timed (the store_evaluation breakdown)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, calls: list[tuple[str, float]]):
        self._con, self._calls = con, calls

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def _timed(self, label: str, fn, *args):
        clock = time.perf_counter()
        result = fn(*args)
        self._calls.append((" ".join(label.split())[:40], time.perf_counter() - clock))
        return result

    def execute(self, sql: str, *args):
        return self._timed(sql, self._con.execute, sql, *args)

    def commit(self):
        return self._timed("COMMIT", self._con.commit)


def print_phases(rows: list[tuple[int, str, float, str]]) -> None:
    top = sum(seconds for depth, _, seconds, _ in rows if depth == 0)
    print(
        "per-phase breakdown (one more evaluation of the full warehouse, steps called one by one;"
    )
    print("indented lines re-run a part alone, so they overlap the line above):")
    for depth, name, seconds, note in rows:
        label = ("    " * depth + name)[:44]
        share = f"{100 * seconds / top:5.1f}%" if depth == 0 else ""
        print(f"  {label:<44}{seconds:8.2f}s {share:>6}  {note}")
    print(f"  {'sum of phases':<44}{top:8.2f}s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"), help="data and results")
    parser.add_argument("--phases", action="store_true", help="always print the breakdown")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the warehouses")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        raise SystemExit("--repeat must be positive")
    out = Path(args.out).resolve()
    full = ensure_warehouse(out, 1, args.rebuild)
    tenth = ensure_warehouse(out, 10, args.rebuild)
    sizes = {name: table_sizes(path) for name, path in (("full", full), ("tenth", tenth))}
    work = out / "evaluate-work"
    work.mkdir(parents=True, exist_ok=True)
    code = code_fingerprint()

    from flows.rule_files import load_rules

    rules = load_rules(None)
    evaluate(tenth, work, rules)  # warm-up (not timed): imports, first polars/DuckDB calls
    scan(full), scan(full, read_all=True)

    names = ("scan", "evaluate", "evaluate_tenth", "read_all")
    times: dict[str, list[float]] = {name: [] for name in names}
    summaries = {}
    for rep in range(args.repeat):
        times["scan"].append(scan(full))
        times["read_all"].append(scan(full, read_all=True))
        seconds, summaries["evaluate"] = evaluate(full, work, rules)
        times["evaluate"].append(seconds)
        seconds, summaries["evaluate_tenth"] = evaluate(tenth, work, rules)
        times["evaluate_tenth"].append(seconds)
        line = "  ".join(f"{name} {ts[-1]:6.2f}s" for name, ts in times.items())
        print(f"  run {rep + 1}: {line}", flush=True)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    ratio = {
        "evaluate_vs_scan": med["evaluate"] / med["scan"],
        "growth_10x": med["evaluate"] / med["evaluate_tenth"],
    }
    breakdown = phases(full, work, rules) if args.phases or ratio["evaluate_vs_scan"] > 3 else []

    results = {"code": code, "cpus": os.cpu_count(), "sizes": sizes, "times": times}
    results |= {"median": med, "ratio": ratio, "summaries": summaries, "phases": breakdown}
    (out / "evaluate_results.json").write_text(json.dumps(results, indent=2, default=str))

    print()
    print(
        f"evaluate benchmark: as_of {AS_OF}, {len(rules)} default rules, median of "
        f"{args.repeat}, {os.cpu_count()} CPUs, code {code}"
    )
    print(f"{'rows':<20}{'full':>12}{'tenth':>12}")
    for table in TABLES:
        print(f"{table:<20}{sizes['full'][table]:12,}{sizes['tenth'][table]:12,}")
    print(f"{'total':<20}{sum(sizes['full'].values()):12,}{sum(sizes['tenth'].values()):12,}")
    for name in ("evaluate", "evaluate_tenth"):
        s = summaries[name]
        counts = "; ".join(
            f"{k} " + (",".join(f"{lv}={n:,}" for lv, n in v.items()) or "none")
            for k, v in s["counts"].items()
        )
        print(f"{name}: events {s['events']:,}, escalations {s['escalations']:,}; {counts}")
    print()
    print(f"{'name':<16}{'median s':>10}{'min s':>9}{'max s':>9}")
    for name, ts in times.items():
        print(f"{name:<16}{med[name]:10.3f}{min(ts):9.3f}{max(ts):9.3f}")
    print(
        f"(read_all, context only: every row and column of the six tables fetched into polars; "
        f"evaluate/read_all = {med['evaluate'] / med['read_all']:.2f})"
    )
    print()
    if breakdown:
        print_phases(breakdown)
        print()
    if code_fingerprint() != code:
        print(f"WARNING: project code changed during the run (was {code} at start)")
    print(f"{'target':<18}{'value':>8}{'limit':>8}  result")
    for key, limit in TARGETS.items():
        verdict = "pass" if ratio[key] <= limit else "FAIL"
        print(f"{key:<18}{ratio[key]:8.2f}{limit:8.2f}  {verdict}")
    print(
        f"RATIO evaluate_vs_scan={ratio['evaluate_vs_scan']:.2f} "
        f"growth_10x={ratio['growth_10x']:.2f}"
    )


if __name__ == "__main__":
    main()
