"""A load killed half-way leaves the warehouse exactly as it was, and a later load works."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.helpers import count, load_file

LOADER = """
import sys
from pathlib import Path
from tests.helpers import load_file
load_file(Path(sys.argv[1]), "payments", Path(sys.argv[2]))
"""


def _big_payments(path: Path, rows: int) -> Path:
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (SELECT '2022-03-' || lpad((1 + i % 28)::VARCHAR, 2, '0') AS "支付日期",
                     'ZD' || (i % 40) AS "资金编码", '阿勒泰市' AS "地区", '某单位' AS "预算单位",
                     '收款单位' || i AS "收款人", '零余额账户' AS "收款账户类型",
                     (i % 100000) / 100 AS "金额（元）"
              FROM range({int(rows)}) t(i)) TO '{path}' (HEADER)
        """
    )
    con.close()
    return path


def _files(db: Path) -> tuple:
    wal = db.with_name(db.name + ".wal")
    return db.stat().st_size, db.stat().st_mtime_ns, wal.exists() and wal.stat().st_size


@pytest.mark.slow
def test_kill_during_load_leaves_the_warehouse_unchanged(db, tmp_path, fixture_path):
    load_file(db, "payments", fixture_path("payments_2022-03.csv"))
    big = _big_payments(tmp_path / "big.csv", 1_000_000)
    before = _files(db)
    root = Path(__file__).parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(db), str(big)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    deadline = time.monotonic() + 120
    while _files(db) == before and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the load finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert count(db, "SELECT count(*) FROM fund_payments") == 400
    assert count(db, "SELECT count(*) FROM ingests") == 1
    assert count(db, "SELECT count(*) FROM quarantine") == 0
    account = load_file(db, "payments", big)
    assert account.rows_loaded == 1_000_000
    assert count(db, "SELECT count(*) FROM fund_payments") == 1_000_400


def test_an_error_inside_the_transaction_rolls_everything_back(db, fixture_path, tmp_path):
    from flows.ingest import PLANNERS
    from warehouse.connection import connect
    from warehouse.loads import load_plan
    from warehouse.staging import CsvSource

    plan = PLANNERS["payments"](fixture_path("payments_2022-03.csv"), {})
    broken = PLANNERS["payments"](fixture_path("payments_2022-03.csv"), {}).parts[0]
    broken.source = CsvSource(str(tmp_path / "vanished.csv"), header_line=1)
    plan.parts.append(broken)  # the first part loads, then the second fails mid-transaction
    with connect(db) as con, pytest.raises(duckdb.IOException):
        load_plan(
            con, plan, path=fixture_path("payments_2022-03.csv"), sha256="x", home_region="654300"
        )
    assert count(db, "SELECT count(*) FROM fund_payments") == 0
    assert count(db, "SELECT count(*) FROM ingests") == 0
