"""Small helpers for tests: plan and load a file without Prefect, and count warehouse rows."""

from pathlib import Path

from flows.ingest import PLANNERS
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
