"""Short-lived DuckDB connections: migrated on write, with the parsing macros registered."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse import migrations, regions
from warehouse.errors import WarehouseBusy
from warehouse.settings import WarehouseSettings

# Text cells as exports write them: padded, full-width spaces, dashes for "nothing".
_MACROS = r"""
CREATE OR REPLACE TEMP MACRO pm_blank() AS ' 　' || chr(9) || chr(10) || chr(13) || chr(160);
-- Nothing but blanks or dashes is no value. Regex tests, not IN (...) or an unconditional trim:
-- DuckDB plans an IN-list as a join, and most cells need no trimming at all.
CREATE OR REPLACE TEMP MACRO pm_clean(s) AS
    CASE WHEN regexp_full_match(s, '[\s　\x{00a0}\-—－/]*') THEN NULL
         WHEN regexp_matches(s, '^[\s　\x{00a0}]|[\s　\x{00a0}]$') THEN trim(s, pm_blank())
         ELSE s END;
-- The parsers below take text already cleaned by pm_clean (validation cleans each column once).
CREATE OR REPLACE TEMP MACRO pm_number(s) AS
    TRY_CAST(replace(replace(replace(s, ',', ''), '，', ''), ' ', '') AS DECIMAL(18, 6));
CREATE OR REPLACE TEMP MACRO pm_percent(s) AS
    TRY_CAST(replace(replace(s, '%', ''), '％', '') AS DECIMAL(18, 6));
CREATE OR REPLACE TEMP MACRO pm_date(s) AS
    COALESCE(
        TRY_CAST(s AS DATE),
        TRY_CAST(regexp_replace(s,
            '^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?$', '\1-\2-\3') AS DATE),
        TRY_STRPTIME(s, '%Y%m%d')::DATE,
        TRY_CAST(TRY_CAST(s AS TIMESTAMP) AS DATE));  -- a date cell read as '2022-03-05 00:00:00'

CREATE OR REPLACE TEMP MACRO pm_month(s) AS
    COALESCE(
        TRY_CAST(regexp_replace(s, '^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*月?(份)?$', '\1-\2-01') AS DATE),
        TRY_STRPTIME(s, '%Y%m')::DATE);
"""


def _open(db: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(db), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"the warehouse {db} is being written by another process; "
                    "try again when it ends"
                ) from exc
            time.sleep(0.2)


def open_connection(
    db: Path, *, read_only: bool = False, memory_limit: str | None = None, wait_seconds: float = 0
):
    """Return a DuckDB connection to `db`, migrated when writable.

    Waits up to `wait_seconds` for another process's write lock, then raises WarehouseBusy.
    """
    if not read_only:
        db.parent.mkdir(parents=True, exist_ok=True)
    con = _open(db, read_only, wait_seconds)
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
    # DuckDB draws a progress bar on stdout for long queries: it would corrupt `--json` output
    # and fill the pipe of a process whose output nobody reads until it ends
    con.execute("SET enable_progress_bar = false")
    con.execute(_MACROS)
    if not read_only:
        migrations.migrate(con)
    return con


@contextmanager
def connect(
    db: Path | None = None,
    *,
    read_only: bool = False,
    settings: WarehouseSettings | None = None,
    wait_seconds: float | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection for one unit of work and close it afterwards.

    A writer waits up to `wait_seconds` (default: the lock_wait setting) for another writer.
    """
    settings = settings or WarehouseSettings()
    con = open_connection(
        Path(db or settings.db),
        read_only=read_only,
        memory_limit=settings.memory_limit,
        wait_seconds=settings.lock_wait if wait_seconds is None else wait_seconds,
    )
    try:
        if not read_only and settings.region_file:
            regions.apply_aliases(con, settings.region_file)
        yield con
    finally:
        con.close()
