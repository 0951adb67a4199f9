"""The inbox watcher: files waiting in `<inbox>/<kind>/` (browser uploads, or files moved in by
hand) are ingested, filed under processed/ or rejected/ with their account, and the rules re-evaluated.

`watch` keeps a heartbeat (from a thread, so a long load does not look like a dead watcher) and
starts the `watch-inbox` flow only when something waits, so an idle inbox adds no flow runs.
"""

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from appstate import inbox
from flows.ingest import INGEST_FLOWS, evaluate_after_ingest
from flows.settings import FlowSettings
from warehouse.errors import WarehouseBusy
from warehouse.loads import Account


def ingest_waiting(path: Path, kind: str, db: str) -> dict | None:
    """Ingest one waiting file; return its account, or None if the warehouse stayed busy.

    A busy warehouse is transient: the file stays in the inbox for the next round. Any other
    failure is the file's account, so one bad file cannot stop the watcher.
    """
    try:
        return INGEST_FLOWS[kind](paths=[str(path)], db=db)[0]
    except WarehouseBusy as exc:
        get_run_logger().warning("%s waits for the next round: %s", path.name, exc)
        return None
    except Exception as exc:
        get_run_logger().exception("ingest of %s failed", path.name)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        message = f"导入服务处理失败，仓库未改变：{reason}"
        return Account(
            file=path.name,
            kind=kind,
            sha256="",
            status="rejected",
            message=message,
            errors=[{"row": None, "column": None, "message": message}],
            errors_total=1,
        ).to_dict()


@task(cache_policy=NONE)
def file_away(inbox_dir: str, path: str, account: dict) -> str:
    """Move the processed file to processed/ or rejected/ beside its account; return where it went."""
    return str(inbox.file_away(Path(inbox_dir), Path(path), account))


@flow(name="watch-inbox", flow_run_name="watch-inbox", validate_parameters=False)
def watch_inbox(db: str, inbox_dir: str) -> list[dict]:
    """Ingest every waiting file, file it away with its account, re-evaluate; return the accounts.

    One run at a time takes files (the inbox's lock: the file watch, the minute schedule and
    `policy-monitor watch` wait for each other); only files settled for `inbox_settle` seconds.
    """
    with inbox.taking(Path(inbox_dir)):
        by_kind: dict[str, list[Path]] = {}
        for kind, path in inbox.pending_files(Path(inbox_dir), FlowSettings().inbox_settle):
            by_kind.setdefault(kind, []).append(path)
        accounts = []
        for kind, paths in by_kind.items():
            batch = []
            for path in paths:
                if not path.exists():  # taken by another watcher run meanwhile
                    continue
                if (account := ingest_waiting(path, kind, db)) is not None:
                    file_away(inbox_dir, str(path), account)
                    batch.append(account)
            evaluate_after_ingest(batch, db, kind)
            accounts += batch
        return accounts


def _beat_until(folder: Path, interval: float, stop: threading.Event) -> None:
    while True:
        with contextlib.suppress(OSError):  # a full disk: try again at the next beat
            inbox.beat(folder, interval)
        if stop.wait(interval):
            return


def watch(
    db: Path | str,
    interval: float = 10,
    once: bool = False,
    on_account: Callable[[dict], None] | None = None,
    inbox_dir: Path | None = None,
) -> list[dict]:
    """Process the inbox every `interval` seconds until interrupted (one round if `once`).

    Returns the accounts of the files processed; `on_account` gets each when its round ends.
    Raises inbox.InboxError if another watcher of the same inbox is running.
    """
    folder = Path(inbox_dir) if inbox_dir else inbox.inbox_path(Path(db))
    if other := inbox.other_watcher(folder):
        raise inbox.InboxError(
            f"收件箱 {folder} 已有导入服务在运行（{other.get('host')} 进程 {other.get('pid')}）"
        )
    stop = threading.Event()
    heart = threading.Thread(target=_beat_until, args=(folder, interval, stop), daemon=True)
    heart.start()
    processed: list[dict] = []
    try:
        while True:
            if inbox.pending_files(folder):
                for account in watch_inbox(db=str(db), inbox_dir=str(folder)):
                    processed.append(account)
                    if on_account:
                        on_account(account)
            if once:
                return processed
            time.sleep(interval)
    except KeyboardInterrupt:
        return processed
    finally:
        stop.set()
        heart.join()
        inbox.clear_beat(folder)
