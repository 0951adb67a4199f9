"""Loads one planned file into the warehouse in a single transaction, and accounts for every row."""

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

import duckdb

from warehouse import regions
from warehouse.part_loads import Counts, load_part
from warehouse.staging import Plan

MAX_REPORTED_ERRORS = 1000


@dataclass
class Account:
    """What happened to one file: the row counts that must add up, and the errors by row."""

    file: str
    kind: str
    sha256: str
    status: str  # loaded | partial | rejected | duplicate
    layout: str | None = None
    ingest_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0
    rows_unchanged: int = 0
    as_of: str | None = None
    period: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_total: int = 0
    warnings: list[str] = field(default_factory=list)
    message: str | None = None
    duration_ms: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def find_ingest(con: duckdb.DuckDBPyConnection, sha256: str) -> dict[str, Any] | None:
    """Return the earlier ingest of a file with this sha256, if any."""
    row = con.execute(
        "SELECT ingest_id, file_name, finished_at FROM ingests WHERE sha256 = ?", [sha256]
    ).fetchone()
    return None if row is None else {"ingest_id": row[0], "file": row[1], "at": row[2]}


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def load_plan(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    *,
    path: Path,
    sha256: str,
    home_region: str,
    published_on: date | None = None,
    file_lines: int | None = None,
) -> Account:
    """Load every part of `plan` in one transaction and record the ingest; return its account."""
    started, clock = datetime.now(UTC), perf_counter()
    account = Account(
        file=path.name,
        kind=plan.kind,
        sha256=sha256,
        status="loaded",
        layout=plan.layout,
        as_of=_iso(plan.as_of),
        period=_iso(plan.period),
        warnings=list(plan.warnings),
    )
    con.begin()
    try:
        regions.build_lookup(con, home_region)
        ingest_id = con.execute("SELECT nextval('ingest_id_seq')").fetchone()[0]
        context = {"file_name": path.name, "published_on": published_on, "file_lines": file_lines}
        counts = Counts()
        for part in plan.parts:
            counts.add(load_part(con, part, context, ingest_id))
        account.rows_read, account.rows_loaded = counts.read, counts.loaded
        account.rows_quarantined, account.rows_skipped = counts.quarantined, counts.skipped
        account.rows_unchanged = counts.loaded - counts.inserted
        account.ingest_id = ingest_id
        account.status = "partial" if account.rows_quarantined else "loaded"
        account.errors_total = con.execute(
            "SELECT count(*) FROM quarantine WHERE ingest_id = ?", [ingest_id]
        ).fetchone()[0]
        account.errors = [
            {"row": row, "column": column, "message": message}
            for row, column, message in con.execute(
                "SELECT source_row, column_name, reason FROM quarantine WHERE ingest_id = ? "
                "ORDER BY source_row, column_name LIMIT ?",
                [ingest_id, MAX_REPORTED_ERRORS],
            ).fetchall()
        ]
        account.duration_ms = int((perf_counter() - clock) * 1000)
        con.execute(
            "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ingest_id,
                plan.kind,
                plan.layout,
                path.name,
                str(path.resolve()),
                sha256,
                account.status,
                account.rows_read,
                account.rows_loaded,
                account.rows_quarantined,
                account.rows_skipped,
                account.rows_unchanged,
                plan.as_of,
                plan.period,
                account.warnings,
                started,
                datetime.now(UTC),
                account.duration_ms,
            ],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return account
