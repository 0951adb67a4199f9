"""Ingest flows, one per source kind: identify → plan (read, normalise) → load → account.

Tasks take and return plain values (paths, hashes, dates, dicts) and a `Plan`; connections are
opened inside the task that needs one, because DuckDB allows one writing process at a time.
"""

import hashlib
from datetime import date
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from flows.errors import SourceRejected
from flows.evaluate import evaluate_flow
from flows.sources import commitments, ledgers
from flows.sources.beneficiaries import plan_beneficiaries
from flows.sources.cpi import plan_cpi
from flows.sources.subsidy_payments import plan_subsidy_payments
from flows.sources.tabular import ledger_planner, plan_tabular
from triggers.rules import RuleError
from warehouse.connection import connect
from warehouse.loads import Account, find_ingest, load_plan
from warehouse.settings import WarehouseSettings
from warehouse.staging import CsvSource, Plan

PLANNERS = {
    "cpi": plan_cpi,
    "funds": lambda path, overrides: plan_tabular(path, ledgers.FUNDS, overrides),
    "payments": lambda path, overrides: plan_tabular(path, ledgers.PAYMENTS, overrides),
    "bonds": lambda path, overrides: plan_tabular(path, ledgers.BONDS, overrides),
    "beneficiaries": plan_beneficiaries,
    "subsidy_payments": plan_subsidy_payments,
    "arrears": ledger_planner(commitments.ARREARS),
    "measures": ledger_planner(commitments.MEASURES),
    "daily_reports": ledger_planner(commitments.DAILY_REPORTS),
    "bond_issuance": ledger_planner(commitments.BOND_ISSUANCE),
    "guarantees": ledger_planner(commitments.GUARANTEES),
    "procurement": ledger_planner(commitments.PROCUREMENT),
}
KINDS = tuple(PLANNERS)


@task(cache_policy=NONE)
def identify_file(path: str, db: str) -> tuple[str, int, dict | None]:
    """Return the file's sha256, its number of lines, and the earlier ingest of the same bytes.

    Lines are counted in the same pass, so a large CSV is not read once more to check that
    every line was accounted for.
    """
    digest, lines, last = hashlib.sha256(), 0, b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    with connect(Path(db)) as con:
        return digest.hexdigest(), lines + (last != b"\n"), find_ingest(con, digest.hexdigest())


@task(cache_policy=NONE)
def plan_source(path: str, kind: str, overrides: dict) -> Plan | dict:
    """Read the file and return how its rows load, or {row, column, message} saying why not.

    A file that cannot be read is an answer, not a failure of the task: it is reported in the
    file's account, and the flow goes on with the next file.
    """
    try:
        return PLANNERS[kind](Path(path), overrides)
    except SourceRejected as exc:
        return {"row": exc.row, "column": exc.column, "message": exc.message}


@task(cache_policy=NONE)
def load_planned(
    db: str, plan: Plan, path: str, sha256: str, lines: int, published_on: date | None
) -> dict:
    """Validate and load the plan in one transaction, record the ingest, return the account."""
    settings = WarehouseSettings()
    try:
        with connect(Path(db), settings=settings) as con:
            account = load_plan(
                con,
                plan,
                path=Path(path),
                sha256=sha256,
                home_region=settings.home_region,
                published_on=published_on,
                file_lines=lines,
            )
        return account.to_dict()
    except duckdb.Error as exc:
        # The transaction was rolled back; the file's account says so instead of a traceback.
        get_run_logger().warning("load of %s failed", path, exc_info=True)
        message = f"导入失败，仓库未改变：{str(exc).splitlines()[0]}"
        return Account(
            file=Path(path).name,
            kind=plan.kind,
            sha256=sha256,
            status="rejected",
            layout=plan.layout,
            message=message,
            errors=[{"row": None, "column": None, "message": message}],
            errors_total=1,
        ).to_dict()
    finally:
        for part in plan.parts:
            source = part.source
            if isinstance(source, CsvSource) and Path(source.path) != Path(path):
                Path(source.path).unlink(missing_ok=True)


def ingest_file(path: str, kind: str, db: str, overrides: dict) -> dict:
    """Ingest one file inside a flow; return its account (duplicate and rejected included)."""
    name = Path(path).name
    sha256, lines, previous = identify_file(path, db)
    if previous:
        return Account(
            file=name,
            kind=kind,
            sha256=sha256,
            status="duplicate",
            ingest_id=previous["ingest_id"],
            message=f"与已导入的文件「{previous['file']}」内容相同，未重复导入",
        ).to_dict()
    plan = plan_source(path, kind, overrides)
    if isinstance(plan, dict):
        return Account(
            file=name,
            kind=kind,
            sha256=sha256,
            status="rejected",
            message=plan["message"],
            errors=[plan],
            errors_total=1,
        ).to_dict()
    return load_planned(db, plan, path, sha256, lines, overrides.get("published_on"))


def evaluate_after_ingest(accounts: list[dict], db: str, kind: str) -> dict | None:
    """Re-evaluate the rules if rows were loaded; return the evaluation summary.

    A broken rule file does not undo the ingest: it is logged and None is returned.
    """
    if not any(a["status"] in ("loaded", "partial") for a in accounts):
        return None
    try:
        return evaluate_flow(db=db, cause=f"ingest-{kind}")
    except RuleError as exc:
        get_run_logger().warning("rules not evaluated after the ingest: %s", exc)
        return None


def _ingest_flow(kind: str):
    @flow(name=f"ingest-{kind}", flow_run_name=f"ingest-{kind}", validate_parameters=False)
    def ingest(
        paths: list[str],
        db: str,
        as_of: date | None = None,
        period: date | None = None,
        published_on: date | None = None,
    ) -> list[dict]:
        overrides = {"as_of": as_of, "period": period, "published_on": published_on}
        return [ingest_file(path, kind, db, overrides) for path in paths]

    ingest.__doc__ = f"Ingest {kind} files into the warehouse; return one account per file."
    return ingest


INGEST_FLOWS = {kind: _ingest_flow(kind) for kind in KINDS}
