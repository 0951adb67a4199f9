"""The installed command in a fresh process: bad input gives words, not a traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import write_csv


@pytest.mark.slow
def test_bad_files_give_an_account_and_no_traceback(tmp_path, fixture_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    ragged = write_csv(
        tmp_path / "ragged.csv",
        [
            "支付日期,资金编码,地区,预算单位,收款人,收款账户类型,金额（元）",
            "2022-03-01,ZD1,火星县,单位,某人,零余额账户,1.00",
            "2022-03-01,ZD1",
        ],
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "policy_monitor",
            "--db",
            str(tmp_path / "w.duckdb"),
            "ingest",
            "payments",
            str(empty),
            str(ragged),
            str(fixture_path("payments_2022-03.csv")),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        timeout=300,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    accounts = json.loads(result.stdout)
    assert [a["status"] for a in accounts] == ["rejected", "partial", "loaded"]
    assert accounts[1]["rows_quarantined"] == 2
