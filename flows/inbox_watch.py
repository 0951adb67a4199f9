"""The inbox reacts to files: a file-system watch (watchfiles) beside `policy-monitor serve`.

A file landing in `<inbox>/<kind>/` (a browser upload, or one copied in) starts the `watch-inbox`
flow within a second or two, once the file has settled (`appstate.inbox.pending_files`); the
flow runs in the service's process against its Prefect API, so it shows in the Prefect UI. The
minute schedule stays as the safety net, and the inbox's lock keeps one run at a time.
"""

import contextlib
import contextvars
import logging
import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from appstate import inbox
from flows.inbox import watch_inbox
from flows.settings import FlowSettings

log = logging.getLogger(__name__)


class _Taker:
    """Run `take` when a settled file waits that was not tried before (a busy warehouse leaves a
    file waiting: the schedule tries it again, the watch does not spin on it)."""

    def __init__(self, folder: Path, take: Callable[[], object], settle: float) -> None:
        self.folder, self.take, self.settle = folder, take, settle
        self.tried: set[Path] = set()

    def check(self) -> None:
        waiting = {path for _kind, path in inbox.pending_files(self.folder, settle=0)}
        self.tried &= waiting
        if not waiting - self.tried:
            return
        ready = {path for _kind, path in inbox.pending_files(self.folder, self.settle)}
        if not ready - self.tried:
            return  # still being written: the next tick looks again
        try:
            self.take()
        except Exception:
            log.exception("the inbox run after a file landed failed; the schedule retries")
        left = {path for _kind, path in inbox.pending_files(self.folder, settle=0)}
        self.tried = (self.tried | ready) & left


def watch_folder(
    folder: Path, take: Callable[[], object], stop: threading.Event, settle: float
) -> None:
    """Call `take` whenever settled files wait in `folder`, until `stop` is set."""
    folder.mkdir(parents=True, exist_ok=True)
    taker = _Taker(folder, take, settle)
    taker.check()  # files that landed while the service was down
    tick = max(100, int(settle * 1000))  # look again while a file settles, even without events
    for _changes in watchfiles.watch(
        folder,
        stop_event=stop,
        debounce=50,
        step=50,
        rust_timeout=tick,
        yield_on_timeout=True,
        raise_interrupt=False,
    ):
        taker.check()


@contextlib.contextmanager
def watching(db: Path, settings: FlowSettings | None = None):
    """Watch the inbox of warehouse `db` in a thread while the block runs (off: `inbox_watch`).

    The thread runs in a copy of the caller's context, so its flow runs use the caller's
    Prefect API (the service's server).
    """
    settings = settings or FlowSettings()
    if not settings.inbox_watch:
        yield None
        return
    folder = inbox.inbox_path(Path(db))
    stop = threading.Event()

    def take() -> list[dict]:
        return watch_inbox(db=str(db), inbox_dir=str(folder))

    context = contextvars.copy_context()
    thread = threading.Thread(
        target=context.run,
        args=(watch_folder, folder, take, stop, settings.inbox_settle),
        name="inbox-watch",
        daemon=True,
    )
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(timeout=60)
