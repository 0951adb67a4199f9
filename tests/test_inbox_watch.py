"""The inbox reacts to files: the watch takes a settled file within seconds, never half of one."""

import hashlib
import shutil
import time

from appstate import inbox
from flows.inbox_watch import watching
from flows.settings import FlowSettings
from tests.helpers import rows


def _wait_for_account(folder, name, seconds):
    started = time.monotonic()
    while (account := inbox.read_account(folder, name)) is None:
        assert time.monotonic() - started < seconds, f"{name} not taken within {seconds} s"
        time.sleep(0.1)
    return account, time.monotonic() - started


def test_pending_files_skip_temporary_names_and_files_still_changing(tmp_path):
    folder = tmp_path / "funds"
    folder.mkdir()
    for name in ("a.xlsx.part", "b.csv.tmp", "~$c.xlsx", ".d.csv", "e.crdownload", "f.csv~"):
        (folder / name).write_bytes(b"x")
    (folder / "ready.csv").write_bytes(b"x")
    assert inbox.pending_files(tmp_path, settle=0) == [("funds", folder / "ready.csv")]

    growing = folder / "growing.csv"
    growing.write_bytes(b"just written")
    started = time.monotonic()
    # written just now: pending_files waits for it to settle (at most the settle time)
    assert inbox.pending_files(tmp_path, settle=0.5) == [
        ("funds", growing),
        ("funds", folder / "ready.csv"),
    ]
    assert 0.3 < time.monotonic() - started < 2


def test_a_file_growing_during_the_settle_time_is_left_for_later(tmp_path, monkeypatch):
    folder = tmp_path / "payments"
    folder.mkdir()
    growing = folder / "p.csv"
    growing.write_bytes(b"a,b\n")
    real_sleep = time.sleep

    def append_while_waiting(seconds):
        with growing.open("ab") as f:
            f.write(b"1,2\n")
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", append_while_waiting)
    assert inbox.pending_files(tmp_path, settle=0.5) == []


def test_the_watch_takes_a_settled_file_in_seconds_and_never_half_of_one(
    db, fixture_path, prefect_harness
):
    folder = inbox.inbox_path(db)
    ledger = fixture_path("direct_funds_2022-06-30.xlsx")
    payments = fixture_path("payments_2022-03.csv")
    content = payments.read_bytes()
    (folder / "payments").mkdir(parents=True)
    temporary = ["payments/upload.csv.part", "payments/~$book.xlsx", "payments/.hidden.csv"]
    for name in temporary:
        (folder / name).write_bytes(content)

    with watching(db, FlowSettings(inbox_settle=0.5)) as thread:
        assert thread.is_alive()
        dropped = time.monotonic()
        (folder / "funds").mkdir(exist_ok=True)
        shutil.copy(ledger, folder / "funds" / ledger.name)  # copied, not moved: not atomic
        account, took = _wait_for_account(folder, ledger.name, 30)
        assert account["status"] == "loaded" and took < 15  # the schedule would take 60 s
        assert (folder / "processed" / ledger.name).exists()
        print(f"file → account: {time.monotonic() - dropped:.1f} s")

        half = len(content) // 2
        with (folder / "payments" / payments.name).open("wb") as f:
            f.write(content[:half])
            f.flush()
            time.sleep(0.3)  # a slow copy: shorter than the settle time
            f.write(content[half:])
        account, _took = _wait_for_account(folder, payments.name, 30)

    assert not thread.is_alive()  # stopped with the block
    assert account["status"] == "loaded" and account["rows_loaded"] == 400
    assert account["sha256"] == hashlib.sha256(content).hexdigest()  # the whole file, once
    assert rows(db, "SELECT count(*) FROM ingests WHERE file_name = ?", payments.name) == [(1,)]
    for name in temporary:
        assert (folder / name).read_bytes() == content  # temporary names are never taken
    assert inbox.pending_files(folder, settle=0) == []
