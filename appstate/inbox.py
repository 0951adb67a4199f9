"""The inbox: a folder where files wait to be ingested, shared by the dashboard and the watcher.

Layout (`inbox` setting, default `inbox/` beside the warehouse):

    <inbox>/<kind>/<stored name>        waiting (one folder per kind, see KINDS)
    <inbox>/processed/<stored name>     processed (loaded, partial or duplicate)
    <inbox>/rejected/<stored name>      could not be processed (rejected)
    <inbox>/<processed|rejected>/<stored name>.account.json   its account, beside the file
    <inbox>/.watcher                    heartbeat of the running watcher (JSON)

Every file is written as a dot-file and renamed into place, so the watcher, which skips dot-files,
never reads half an upload. A file copied in by hand is taken only once its size and mtime stay
unchanged for a settle time (`pending_files`), and temporary names (`.part`, `.tmp`, `~$…`) never.
"""

import contextlib
import fcntl
import json
import os
import re
import secrets
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from appstate.errors import InboxError
from appstate.settings import AppStateSettings

KINDS = (
    "cpi",
    "funds",
    "payments",
    "bonds",
    "beneficiaries",
    "subsidy_payments",
    "arrears",
    "measures",
    "daily_reports",
    "bond_issuance",
    "guarantees",
    "procurement",
)
DONE, FAILED, HEARTBEAT, LOCK = "processed", "rejected", ".watcher", ".lock"
SETTLE_SECONDS = 0.5  # a file is taken once unchanged for this long
# names of files still being written: browsers' and editors' temporary files, our own dot-files
_TEMP_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".swp", "~")
MAX_NAME_BYTES = 150  # file systems allow 255; the prefix and ".json" need room
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


def inbox_path(db: Path, settings: AppStateSettings | None = None) -> Path:
    """Return the inbox folder of warehouse `db` (the `inbox` setting, else `inbox/` beside it)."""
    configured = (settings or AppStateSettings()).inbox
    return Path(configured) if configured else Path(db).parent / "inbox"


def _write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open(partial, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def safe_name(filename: str) -> str:
    """Return `filename` without folders, control or reserved characters, or leading dots."""
    name = re.split(r"[\\/]", filename or "")[-1]  # browsers on Windows may send C:\fakepath\x
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    stem, suffix = os.path.splitext(name)
    suffix = suffix[:12]
    while stem and len((stem + suffix).encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    if not stem:
        raise InboxError(f"文件名「{filename}」不可用：请改用一个普通的文件名")
    return stem + suffix


def save_upload(inbox: Path, kind: str, filename: str, content: bytes) -> str:
    """Store an uploaded file in `<inbox>/<kind>/` atomically; return its stored name."""
    if not kind:
        raise InboxError("请先选择文件类型，再上传文件")
    if kind not in KINDS:
        raise InboxError(f"未知的文件类型「{kind}」：应为 {' / '.join(KINDS)}")
    if not content:
        raise InboxError(f"文件「{filename}」是空的：请检查后重新上传")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    stored = f"{stamp}-{secrets.token_hex(3)}-{safe_name(filename)}"
    _write_atomic(Path(inbox) / kind / stored, content)
    return stored


def temporary_name(name: str) -> bool:
    """Return whether `name` is a file still being written (dot-file, `~$…`, `.part`, `.tmp`, …)."""
    return name.startswith((".", "~$")) or name.lower().endswith(_TEMP_SUFFIXES)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:  # taken or renamed meanwhile
        return None
    return (stat.st_size, stat.st_mtime_ns)


def pending_files(inbox: Path, settle: float = SETTLE_SECONDS) -> list[tuple[str, Path]]:
    """Return the files waiting in the inbox as (kind, path), oldest name first per kind.

    Temporary names are never returned, and a file only once its size and mtime have stayed
    unchanged for `settle` seconds: if one changed less than that ago, this waits (at most
    `settle`) and leaves out what changed meanwhile.
    """
    pending = []
    for kind in KINDS:
        folder = Path(inbox) / kind
        if folder.is_dir():
            pending += [
                (kind, path)
                for path in sorted(folder.iterdir())
                if path.is_file() and not temporary_name(path.name)
            ]
    if settle <= 0 or not pending:
        return pending
    stamps = {path: _stamp(path) for _kind, path in pending}
    now = time.time_ns()
    ages = {p: max(0.0, (now - s[1]) / 1e9) if s else 0.0 for p, s in stamps.items()}
    slept = max(0.0, settle - min(ages.values()))
    time.sleep(slept)
    return [
        (kind, path)
        for kind, path in pending
        if stamps[path] is not None
        and _stamp(path) == stamps[path]
        and ages[path] + slept >= settle
    ]


@contextlib.contextmanager
def taking(inbox: Path):
    """Hold the inbox's lock (`<inbox>/.lock`, across processes): one run takes files at a time."""
    Path(inbox).mkdir(parents=True, exist_ok=True)
    with open(Path(inbox) / LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _plain_name(name: str | None) -> bool:
    # names come back from the browser: never let one point outside the inbox
    return bool(name) and Path(name).name == name and not name.startswith(".")


def _account_path(inbox: Path, stored_name: str, folder: str = DONE) -> Path:
    return Path(inbox) / folder / f"{stored_name}.account.json"


def write_account(inbox: Path, stored_name: str, account: dict) -> Path:
    """Write the account of a processed file beside it (processed/ or rejected/); return it."""
    if not _plain_name(stored_name):
        raise InboxError(f"不是收件箱里的文件名：{stored_name!r}")
    text = json.dumps(account, ensure_ascii=False, indent=2, default=str)
    folder = FAILED if account.get("status") == "rejected" else DONE
    path = _account_path(inbox, stored_name, folder)
    _write_atomic(path, text.encode())
    return path


def read_account(inbox: Path, stored_name: str | None) -> dict | None:
    """Return the account of a processed file, or None while it waits (or for a bad name)."""
    if not _plain_name(stored_name):
        return None
    for folder in (DONE, FAILED):
        try:
            return json.loads(_account_path(inbox, stored_name, folder).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            continue
    return None


def file_away(inbox: Path, path: Path, account: dict) -> Path:
    """Move a processed file to processed/ (rejected/ if rejected), its account beside it."""
    target = Path(inbox) / (FAILED if account["status"] == "rejected" else DONE) / Path(path).name
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)
    write_account(inbox, Path(path).name, account)
    return target


def beat(inbox: Path, interval: float) -> None:
    """Record that this process watches the inbox, every `interval` seconds."""
    heartbeat = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "interval": interval,
        "last_seen": datetime.now(UTC).isoformat(),
    }
    _write_atomic(Path(inbox) / HEARTBEAT, json.dumps(heartbeat).encode())


def read_heartbeat(inbox: Path) -> dict | None:
    """Return the watcher's last heartbeat, or None if there is none (or it is unreadable)."""
    try:
        heartbeat = json.loads((Path(inbox) / HEARTBEAT).read_text(encoding="utf-8"))
        heartbeat["last_seen"] = datetime.fromisoformat(heartbeat["last_seen"])
        return heartbeat
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def watcher_alive(inbox: Path, now: datetime | None = None) -> bool:
    """Return whether a watcher beat within the last three of its intervals."""
    heartbeat = read_heartbeat(inbox)
    if heartbeat is None:
        return False
    age = (now or datetime.now(UTC)) - heartbeat["last_seen"]
    return age < timedelta(seconds=3 * float(heartbeat.get("interval") or 0))


def other_watcher(inbox: Path) -> dict | None:
    """Return the heartbeat of another live watcher of this inbox, if there is one."""
    heartbeat = read_heartbeat(inbox)
    if heartbeat is None or not watcher_alive(inbox) or heartbeat.get("pid") == os.getpid():
        return None
    if heartbeat.get("host") == socket.gethostname():
        try:
            os.kill(int(heartbeat["pid"]), 0)
        except ProcessLookupError:
            return None  # it died without clearing its heartbeat
        except PermissionError:
            pass  # alive, owned by another user
    return heartbeat


def clear_beat(inbox: Path) -> None:
    """Remove this process's heartbeat (the page then says at once that no watcher runs)."""
    heartbeat = read_heartbeat(inbox)
    if heartbeat and heartbeat.get("pid") == os.getpid():
        (Path(inbox) / HEARTBEAT).unlink(missing_ok=True)
