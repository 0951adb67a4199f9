"""The demo: a year of sample files for 阿勒泰地区, ingested and evaluated month by month.

Evaluating every month-end in turn (not just the last) gives the alerts a real history:
lights that opened and cleared, and bond escalations that climbed the ladder.
"""

import secrets
from datetime import date
from pathlib import Path

from prefect import flow

from appstate.store import open_state
from appstate.users import add_user, hash_password
from flows.evaluate import evaluate_flow
from flows.ingest import INGEST_FLOWS
from samples import write_sample_data
from triggers.calendar import end_of_month

# pattern of sample file names → ingest kind, in the order a bureau would load them
ORDER = (
    ("cpi_*", "cpi"),
    ("beneficiaries_*", "beneficiaries"),
    ("direct_funds_*", "funds"),
    ("payments_*", "payments"),
    ("special_bonds_*", "bonds"),
    ("subsidy_payments_*", "subsidy_payments"),
    ("bond_issuance_*", "bond_issuance"),
    ("arrears_*", "arrears"),
    ("measures_*", "measures"),
    ("daily_reports_*", "daily_reports"),
    ("guarantees_*", "guarantees"),
    ("procurement_*", "procurement"),
)
DEMO_USERS = (("leader", "leader", None), ("staff", "staff", None), ("burqin", "county", "654321"))


def month_ends(year: int, last: date) -> list[date]:
    """Return the month-ends of `year` from April up to `last`."""
    return [
        end_of_month(date(year, m, 1))
        for m in range(4, 13)
        if end_of_month(date(year, m, 1)) <= last
    ]


@flow(name="demo", flow_run_name="demo", validate_parameters=False)
def demo_flow(folder: str, year: int = 2022, as_of: date | None = None) -> dict:
    """Write sample files into `folder`, ingest them, evaluate month by month; return a summary."""
    root = Path(folder)
    db = root / "warehouse.duckdb"
    samples = root / "samples"
    write_sample_data(samples, year=year)
    accounts = []
    for pattern, kind in ORDER:
        paths = sorted(str(p) for p in samples.glob(pattern))
        accounts += INGEST_FLOWS[kind](paths=paths, db=str(db))
    last = as_of or date(year, 9, 30)
    summary = {}
    for day in month_ends(year, last):
        summary = evaluate_flow(db=str(db), as_of=day, cause="demo")
    return {
        "files": len(accounts),
        "loaded": sum(a["status"] == "loaded" for a in accounts),
        "evaluation": summary,
    }


def create_demo_users(db: Path) -> list[tuple[str, str, str]]:
    """Create one user per role with a fresh random password; return (name, role, password)."""
    created = []
    with open_state(db) as con:
        for name, role, region in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            add_user(con, name, role, region, hash_password(password))
            created.append((name, role, password))
    return created
