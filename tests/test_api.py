"""The analysts' Python API: pandas frames over the one read path, from the published replica."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import policy_monitor as pm
from tests.helpers import count, load_samples, writer_process
from triggers.jurisdictions import RegionCodeError
from warehouse import reads
from warehouse.errors import AlertNotFound
from warehouse.replica import read_connection, replica_path


@pytest.fixture(scope="module")
def warehouse(samples, tmp_path_factory) -> Path:
    """Return a warehouse loaded with the samples and evaluated on 2022-09-30 (replica published)."""
    db = load_samples(tmp_path_factory.mktemp("api") / "warehouse.duckdb", samples)
    assert replica_path(db).exists()
    return db


def _same_as_read_path(query, *args, **kwargs) -> pd.DataFrame:
    return query(*args, **kwargs).to_pandas(use_pyarrow_extension_array=True)


def test_fund_warnings_are_the_read_path_as_pandas_with_exact_money(warehouse):
    monitor = pm.open(warehouse)
    frame = monitor.fund_warnings(region="654300")
    cur = read_connection(warehouse)
    try:
        expected = _same_as_read_path(reads.query_fund_warnings, cur, None, "654300", limit=None)
    finally:
        cur.close()
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    pd.testing.assert_frame_equal(frame, expected)
    assert frame["region_code"].str.startswith("6543").all()
    assert str(frame["received_yuan"].dtype).startswith("decimal128")
    assert all(isinstance(v, Decimal) for v in frame["received_yuan"])
    fen = count(
        warehouse, "SELECT sum(received_fen) FROM fund_warnings WHERE region_code LIKE '6543%'"
    )
    assert frame["received_yuan"].sum() == Decimal(fen) / 100  # exact, to the fen
    assert list(frame["level"].unique()) == [
        lv for lv in reads.LEVEL_ORDER if lv in set(frame["level"])
    ]  # red first


def test_filters_match_the_cli_semantics(warehouse):
    monitor = pm.open(str(warehouse))
    red = monitor.fund_warnings(region="654300", level="red")
    assert len(red) > 0 and set(red["level"]) == {"red"}
    burqin = monitor.fund_warnings(region=" 654321 ")  # normalised like the CLI's --region
    assert len(burqin) > 0 and set(burqin["region_code"]) == {"654321"}
    assert set(monitor.bond_counties(region="654321")["region_code"]) == {"654321"}
    projects = monitor.bond_projects()
    assert len(projects) > 0 and "escalation_step" in projects.columns
    triggered = monitor.subsidies(triggered=True)
    assert len(triggered) > 0 and triggered["triggered"].all()
    assert set(monitor.subsidies(region="654300")["region_code"]) == {"654300"}
    cpi = monitor.cpi(regions=["000000"])
    assert set(cpi["region_code"]) == {"000000"} and set(cpi["indicator"]) == {"cpi", "food"}
    assert len(monitor.ingests()) == count(warehouse, "SELECT count(*) FROM ingests")
    assert len(monitor.quarantine()) == count(warehouse, "SELECT count(*) FROM quarantine")
    assert monitor.last_evaluation()["as_of"] == date(2022, 9, 30)
    assert set(monitor.revisions().columns) >= {
        "region_code",
        "period",
        "decision_then",
        "decision_now",
    }


def test_alerts_open_or_all_and_one_alert(warehouse):
    monitor = pm.open(warehouse)
    everything, open_ = monitor.alerts(status="all"), monitor.alerts()
    assert len(everything) >= len(open_) > 0
    assert set(open_["status"]) <= {"firing", "acknowledged"}
    one = monitor.alert(int(open_["alert_id"].iloc[0]))
    assert one["id"] == int(open_["alert_id"].iloc[0]) and one["events"]
    with pytest.raises(AlertNotFound):
        monitor.alert(10**9)
    with pytest.raises(ValueError, match="status"):
        monitor.alerts(status="closed")


def test_it_reads_while_another_process_holds_the_warehouse(warehouse):
    before = pm.open(warehouse).alerts(status="all")
    with writer_process(warehouse):  # a load holds the write lock
        during = pm.open(warehouse).alerts(status="all")
        warnings = pm.open(warehouse).fund_warnings()
    pd.testing.assert_frame_equal(during, before)
    assert len(warnings) > 0


def test_bad_input_is_refused_with_a_clear_message(warehouse, tmp_path):
    with pytest.raises(RegionCodeError, match="地区代码应为 6 位数字"):
        pm.open(warehouse).fund_warnings(region="6543")
    with pytest.raises(pm.MonitorUnavailable, match="还不存在"):
        pm.open(tmp_path / "missing.duckdb")
