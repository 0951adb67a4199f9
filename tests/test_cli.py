"""The CLI contract: ingest accounts as JSON with exit codes 0/1/2, status, sample-data."""

import json

import pytest
from typer.testing import CliRunner

from policy_monitor.cli import app
from tests.helpers import write_csv
from tests.test_ledgers import BAD_FUNDS

ACCOUNT_KEYS = {
    "file",
    "kind",
    "sha256",
    "status",
    "rows_read",
    "rows_loaded",
    "rows_quarantined",
    "rows_skipped",
    "errors",
}

pytestmark = pytest.mark.usefixtures("prefect_harness")


def run(db, *args):
    result = CliRunner().invoke(app, ["--db", str(db), *map(str, args)])
    return result.exit_code, result.stdout


def ingest_json(db, kind, *paths):
    code, out = run(db, "ingest", kind, *paths, "--json")
    return code, json.loads(out)


def status(db):
    code, out = run(db, "status", "--json")
    assert code == 0
    return json.loads(out)


def test_a_file_loads_once_and_again_is_a_duplicate_that_changes_nothing(db, fixture_path):
    path = fixture_path("direct_funds_2022-06-30.xlsx")
    code, accounts = ingest_json(db, "funds", path)
    assert code == 0 and set(accounts[0]) >= ACCOUNT_KEYS
    assert accounts[0]["status"] == "loaded" and accounts[0]["rows_loaded"] == 42
    before = status(db)
    code, again = ingest_json(db, "funds", path)
    assert code == 0 and again[0]["status"] == "duplicate"
    assert again[0]["sha256"] == accounts[0]["sha256"]
    assert status(db) == before


def test_quarantined_rows_exit_1_and_are_listed_by_row_and_column(db, tmp_path):
    code, accounts = ingest_json(db, "funds", write_csv(tmp_path / "funds.csv", BAD_FUNDS))
    assert code == 1
    account = accounts[0]
    assert account["status"] == "partial"
    assert account["rows_read"] == (
        account["rows_loaded"] + account["rows_quarantined"] + account["rows_skipped"]
    )
    assert {"row": 5, "column": "地区"} in [
        {k: e[k] for k in ("row", "column")} for e in account["errors"]
    ]


def test_a_rejected_file_exits_2_and_leaves_the_warehouse_unchanged(db, tmp_path, fixture_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    before = status(db)
    code, accounts = ingest_json(db, "payments", empty)
    assert code == 2 and accounts[0]["status"] == "rejected"
    assert accounts[0]["errors"][0]["message"] == "文件为空"
    assert status(db) == before
    code, accounts = ingest_json(db, "payments", empty, fixture_path("payments_2022-03.csv"))
    assert code == 2 and [a["status"] for a in accounts] == ["rejected", "loaded"]
    assert status(db)["datasets"]["payments"]["rows"] == 400


def test_human_output_names_file_row_and_column(db, tmp_path):
    code, out = run(db, "ingest", "funds", write_csv(tmp_path / "funds.csv", BAD_FUNDS))
    assert code == 1
    assert "funds.csv 第 5 行「地区」：未知地区「火星县」" in out


def test_missing_file_and_unknown_kind_are_usage_errors(db, tmp_path):
    assert run(db, "ingest", "payments", tmp_path / "nope.csv")[0] == 2
    assert run(db, "ingest", "weather", tmp_path / "nope.csv")[0] == 2


def test_status_reports_rows_and_latest_period_per_dataset(db, fixture_path):
    ingest_json(db, "cpi", fixture_path("cpi_nbs_export_2016-2018.csv"))
    ingest_json(
        db,
        "bonds",
        fixture_path("special_bonds_2022-06-30.xlsx"),
        fixture_path("special_bonds_2022-07-31.xlsx"),
    )
    result = status(db)
    assert set(result["datasets"]) == {"cpi", "funds", "payments", "bonds", "beneficiaries"}
    assert result["datasets"]["cpi"] == {"rows": 104, "latest": "2018-12"}
    assert result["datasets"]["bonds"] == {"rows": 28, "latest": "2022-07-31"}
    assert result["datasets"]["funds"] == {"rows": 0, "latest": None}
    assert result["ingests"] == 3


def test_status_of_a_warehouse_not_created_yet_is_empty(tmp_path):
    result = status(tmp_path / "new.duckdb")
    assert result["ingests"] == 0 and not (tmp_path / "new.duckdb").exists()


def test_sample_data_command_writes_files(tmp_path):
    code, _out = run(tmp_path / "w.duckdb", "sample-data", tmp_path / "s")
    assert code == 0 and len(list((tmp_path / "s").iterdir())) >= 50
