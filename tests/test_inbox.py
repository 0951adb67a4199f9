"""The inbox: safe, atomic uploads, the watcher's heartbeat, and one real watcher round."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from appstate import inbox
from flows.inbox import watch
from tests.helpers import rows
from warehouse.replica import replica_path


def test_an_upload_keeps_only_a_safe_name_with_a_unique_prefix(tmp_path):
    names = {
        "../../etc/passwd": "passwd",
        "C:\\fakepath\\支付明细 3月.csv": "支付明细 3月.csv",
        ".hidden.csv": "hidden.csv",
        "a\x00b|c?.csv": "a_b_c_.csv",
        "x" * 400 + ".xlsx": None,
    }
    for given, expected in names.items():
        stored = inbox.save_upload(tmp_path, "payments", given, b"a,b\r\n1,2\r\n")
        assert Path(stored).name == stored and not stored.startswith(".")
        assert (tmp_path / "payments" / stored).read_bytes() == b"a,b\r\n1,2\r\n"
        assert len(stored.encode()) < 200 and stored.endswith(expected or ".xlsx")
    again = inbox.save_upload(tmp_path, "payments", "passwd", b"x")
    assert again != stored and len(inbox.pending_files(tmp_path)) == len(names) + 1
    assert {kind for kind, _path in inbox.pending_files(tmp_path)} == {"payments"}


@pytest.mark.parametrize(
    ("kind", "filename", "content", "says"),
    [
        ("weather", "a.csv", b"x", "未知的文件类型"),
        (None, "a.csv", b"x", "请先选择文件类型"),
        ("funds", "a.csv", b"", "是空的"),
        ("funds", "...", b"x", "文件名"),
    ],
)
def test_unknown_kinds_empty_files_and_empty_names_are_refused(
    tmp_path, kind, filename, content, says
):
    with pytest.raises(inbox.InboxError, match=says):
        inbox.save_upload(tmp_path, kind, filename, content)
    assert inbox.pending_files(tmp_path) == []


def test_an_upload_is_never_seen_half_written(tmp_path, monkeypatch):
    seen = []
    real_fsync = os.fsync

    def look_while_writing(fd):
        seen.append((inbox.pending_files(tmp_path), sorted(os.listdir(tmp_path / "funds"))))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", look_while_writing)
    stored = inbox.save_upload(tmp_path, "funds", "f.csv", b"x" * 100_000)
    assert seen == [([], [f".{stored}.partial"])]
    assert inbox.pending_files(tmp_path) == [("funds", tmp_path / "funds" / stored)]

    def crash(_src, _dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        inbox.save_upload(tmp_path, "funds", "g.csv", b"y")
    assert os.listdir(tmp_path / "funds") == [stored]  # no partial left behind


def test_accounts_are_read_back_only_by_plain_names(tmp_path):
    inbox.write_account(tmp_path, "20240101-000000-abcdef-a.csv", {"status": "loaded"})
    assert inbox.read_account(tmp_path, "20240101-000000-abcdef-a.csv") == {"status": "loaded"}
    assert inbox.read_account(tmp_path, "waiting.csv") is None
    for name in (None, "", "../processed/x", ".watcher", "processed/20240101-000000-abcdef-a.csv"):
        assert inbox.read_account(tmp_path, name) is None


def test_the_heartbeat_is_alive_for_three_intervals(tmp_path):
    assert not inbox.watcher_alive(tmp_path)
    inbox.beat(tmp_path, 10)
    now = datetime.now(UTC)
    assert inbox.watcher_alive(tmp_path, now)
    assert inbox.watcher_alive(tmp_path, now + timedelta(seconds=29))
    assert not inbox.watcher_alive(tmp_path, now + timedelta(seconds=31))
    (tmp_path / ".watcher").write_text("{not json")
    assert not inbox.watcher_alive(tmp_path)
    inbox.beat(tmp_path, 10)
    inbox.clear_beat(tmp_path)
    assert not (tmp_path / ".watcher").exists()


def test_a_second_watcher_is_refused_unless_the_first_one_died(tmp_path, db):
    folder = tmp_path / "inbox"
    inbox.beat(folder, 10)
    heartbeat = json.loads((folder / ".watcher").read_text())
    (folder / ".watcher").write_text(json.dumps({**heartbeat, "pid": os.getppid()}))
    with pytest.raises(inbox.InboxError, match="已有导入服务在运行"):
        watch(db, once=True)
    (folder / ".watcher").write_text(json.dumps({**heartbeat, "pid": 2**22 + 1}))  # no such pid
    assert inbox.other_watcher(folder) is None
    assert watch(db, once=True) == [] and not (folder / ".watcher").exists()


def test_the_watcher_files_each_upload_with_its_account(db, fixture_path, prefect_harness):
    folder = inbox.inbox_path(db)
    sample = fixture_path("payments_2022-03.csv")
    good = inbox.save_upload(folder, "payments", sample.name, sample.read_bytes())
    bad = inbox.save_upload(folder, "funds", "garbage.csv", b"\x00\x01\x02 not a table")
    (folder / "payments" / ".half.csv.partial").write_bytes(b"a,b")  # an upload in progress
    printed = []

    accounts = watch(db, interval=1, once=True, on_account=printed.append)

    assert printed == accounts
    assert {a["file"]: a["status"] for a in accounts} == {good: "loaded", bad: "rejected"}
    assert (folder / "processed" / good).read_bytes() == sample.read_bytes()
    assert (folder / "rejected" / bad).exists() and not (folder / "processed" / bad).exists()
    assert inbox.pending_files(folder) == []
    assert (folder / "payments" / ".half.csv.partial").exists()
    assert not (folder / ".watcher").exists()  # cleared when the watcher stopped

    account = inbox.read_account(folder, good)
    ((ingest_id, file_name, status, read, loaded, quarantined, skipped, sha256),) = rows(
        db,
        "SELECT ingest_id, file_name, status, rows_read, rows_loaded, rows_quarantined, "
        "rows_skipped, sha256 FROM ingests",
    )
    assert (account["ingest_id"], account["file"], account["status"]) == (
        ingest_id,
        file_name,
        status,
    )
    assert (account["rows_read"], account["rows_loaded"], account["rows_quarantined"]) == (
        read,
        loaded,
        quarantined,
    )
    assert (account["rows_skipped"], account["sha256"]) == (skipped, sha256)
    assert loaded == 400
    rejected = inbox.read_account(folder, bad)
    assert rejected["status"] == "rejected" and "二进制" in rejected["message"]
    assert replica_path(db).exists()  # rules re-evaluated and the replica published


def test_a_busy_warehouse_leaves_the_file_waiting_for_the_next_round(
    db, fixture_path, prefect_harness, monkeypatch
):
    folder = inbox.inbox_path(db)
    sample = fixture_path("payments_2022-03.csv")
    stored = inbox.save_upload(folder, "payments", sample.name, sample.read_bytes())
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_WRITE_LOCK, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        monkeypatch.setenv("POLICY_MONITOR_LOCK_WAIT", "0.5")
        assert watch(db, interval=1, once=True) == []
    finally:
        holder.kill()
        holder.wait()
    assert inbox.pending_files(folder) == [("payments", folder / "payments" / stored)]
    assert inbox.read_account(folder, stored) is None


HOLD_THE_WRITE_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(60)
"""
