"""The read replica: a copy of the warehouse that readers (the dashboard) open while a writer works.

DuckDB lets one process write a file and no other process read it meanwhile. After each write
that users should see (an evaluation, an acknowledgment), the writer checkpoints and copies the
file while it still holds the write lock, then renames the copy into place: readers see the old
replica or the new one, never a half-written file, and never wait for a load.
"""

import contextlib
import os
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import duckdb

_readers: dict[Path, tuple[tuple[int, int], duckdb.DuckDBPyConnection]] = {}
_lock = threading.Lock()


def replica_path(db: Path) -> Path:
    """Return where the read replica of warehouse `db` lives."""
    return db.with_name(f"{db.stem}.read.duckdb")


def publish(con: duckdb.DuckDBPyConnection, db: Path) -> Path:
    """Copy the warehouse (open for writing as `con`) to its replica, atomically; return its path."""
    con.execute("CHECKPOINT")
    target = replica_path(db)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(db, partial)
    os.replace(partial, target)
    return target


def _unique_path(source: Path, stamp: tuple[int, int]) -> Path:
    """Return a hard link to `source` named after its version.

    DuckDB keeps one database instance per path in a process, so a replica replaced under the
    same name would keep being read from the old instance; each version gets its own name.
    """
    links = source.parent / ".replica-readers"
    links.mkdir(exist_ok=True)
    unique = links / f"{source.stem}.{stamp[0]}.{stamp[1]}.duckdb"
    with contextlib.suppress(FileExistsError):
        os.link(source, unique)
    for old in links.glob(f"{source.stem}.*.duckdb"):
        if old != unique:
            old.unlink(missing_ok=True)  # open handles keep their file; the name goes
    return unique


def read_connection(db: Path) -> duckdb.DuckDBPyConnection:
    """Return a cursor on the newest replica (shared per process, reopened when it changes).

    Before anything was published, the warehouse itself is opened read-only; that fails with
    duckdb.IOException while a writer holds it, which the caller reports.
    """
    target = replica_path(db)
    if not target.exists():
        return duckdb.connect(str(db), read_only=True)
    with _lock:
        info = target.stat()
        stamp = (info.st_ino, info.st_mtime_ns)
        known = _readers.get(target)
        if known is None or known[0] != stamp:
            con = duckdb.connect(str(_unique_path(target, stamp)), read_only=True)
            _readers[target] = (stamp, con)
            # the previous connection is left to the garbage collector: a request may still use it
        return _readers[target][1].cursor()


def refreshed_at(db: Path) -> datetime | None:
    """Return when the replica was last published (None if never)."""
    target = replica_path(db)
    if not target.exists():
        return None
    return datetime.fromtimestamp(target.stat().st_mtime, UTC)
