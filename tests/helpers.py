"""Small helpers for tests: plan and load a file without Prefect, and count warehouse rows."""

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from flows.evaluate import run_evaluation
from flows.ingest import PLANNERS
from flows.rule_files import load_rules
from warehouse.connection import connect
from warehouse.loads import Account, load_plan


def load_file(db: Path, kind: str, path: Path, **overrides) -> Account:
    """Plan and load one file straight through the warehouse (no Prefect)."""
    plan = PLANNERS[kind](path, overrides)
    with connect(db) as con:
        return load_plan(
            con,
            plan,
            path=path,
            sha256=f"test-{path.name}-{path.stat().st_mtime_ns}",
            home_region="654300",
            published_on=overrides.get("published_on"),
        )


def count(db: Path, sql: str, *params) -> int:
    with connect(db, read_only=True) as con:
        return con.execute(sql, list(params)).fetchone()[0]


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


# the 2022 sample files most warehouse-level tests need
SAMPLE_SOURCES = (
    ("cpi", "cpi_nbs_national_2022.csv"),
    ("cpi", "cpi_bulletin_altay_2022-*.xlsx"),
    ("beneficiaries", "beneficiaries_2022-0[6-9].xlsx"),
    ("funds", "direct_funds_2022-09-30.xlsx"),
    ("bonds", "special_bonds_2022-0[89]-*.xlsx"),
)


def load_samples(db: Path, samples: Path, as_of: date = date(2022, 9, 30)) -> Path:
    """Load SAMPLE_SOURCES into `db` without Prefect and evaluate on `as_of` (replica published)."""
    for kind, pattern in SAMPLE_SOURCES:
        for path in sorted(samples.glob(pattern)):
            load_file(db, kind, path)
    run_evaluation(db, as_of, load_rules(None))
    return db


@contextmanager
def writer_process(db: Path) -> Iterator[None]:
    """Hold `db` open for writing in another process while the block runs."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield
    finally:
        holder.kill()
        holder.wait()
