"""The commitment ledgers reach the trigger engine as `triggers.frames.INPUTS` declares them."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.helpers import load_file, write_csv
from triggers.frames import INPUTS, check_frames
from warehouse.connection import connect
from warehouse.trigger_inputs import QUERIES, query_trigger_inputs

ARREARS_HEADER = (
    "序号,地区,欠款单位,债权企业,欠款金额（元）,是否有分歧,还款计划日期,已清偿金额（元）,清偿日期"
)


def _frames(db, as_of: date) -> dict[str, pl.DataFrame]:
    with connect(db, read_only=True) as con:
        frames = query_trigger_inputs(con, as_of)
    check_frames(frames, list(INPUTS))
    return {name: frame.collect() for name, frame in frames.items()}


@pytest.fixture
def ledgers(db, fixture_path, tmp_path):
    """A warehouse holding every commitment ledger: the shared samples and small CSVs."""
    for kind, name in (
        ("arrears", "arrears_654300_2022-06-30.xlsx"),
        ("measures", "measures_653000_2022.xlsx"),
        ("daily_reports", "daily_reports_653000_2022-08-26.xlsx"),
        ("bonds", "special_bonds_2022-06-30.xlsx"),
    ):
        assert load_file(db, kind, fixture_path(name)).status == "loaded"
    files = {
        "arrears": [
            "昆明市西山区清欠台账（截至2022年9月30日）",
            ARREARS_HEADER,
            "1,西山区,西山区住建局,滇池建设有限公司,1999999.99,否,2022-12-31,,",
            "2,西山区,西山区水务局,碧鸡水务有限公司,2000000.00,,,500000.00,2022-08-01",
        ],
        "daily_reports": [
            "单位,日期,报送时间,措施序号,完成情况",
            "自治州财政局,2022-08-29,,3,已完成",  # no time: the load time stands in
            "自治州财政局,2022-10-08,16:00,3,已完成",  # after the evaluation date
        ],
        "bond_issuance": [
            "单位：亿元",
            "序号,地区,债券名称,债券代码,发行金额,发行日期",
            "1,西山区,2022年云南省专项债券（一期）,2205001,19.999999,2022-03-15",
            "2,西山区,2022年云南省专项债券（九期）,2205009,10,2022-10-20",
        ],
        "bonds": [
            "单位：万元",
            "截至2022年7月31日",
            "序号,县市,项目名称,项目单位,债券额度,累计支出,招标公告发布日期",
            "1,阿勒泰市,阿勒泰市冷链物流中心,阿勒泰市商务局,5000,1200,2022-03-01",
            "2,布尔津县,布尔津县农村供水保障工程,,3500,0,",
        ],
        "guarantees": [
            "统计截止日期：2022年9月30日",
            "序号,地区,担保机构,被担保企业,担保金额（元）,担保费率,担保起始日期",
            "1,阿勒泰市,阿勒泰地区融资担保有限公司,金山建材有限公司,1999999.99,0.8%,2022-03-01",
            "2,阿勒泰市,阿勒泰地区融资担保有限公司,北屯商贸有限公司,1000000.00,0.8,2022-04-01",
            "3,富蕴县,阿勒泰地区融资担保有限公司,可可托海矿业有限公司,800000.00,1.25,2022-05-01",
        ],
        "procurement": [
            "截至2022年9月30日",
            "序号,地区,采购项目,采购单位,采购类别,预算金额（万元）,面向中小企业预留金额（万元）,公告日期",
            "1,阿勒泰市,办公设备采购,阿勒泰市教育局,货物,250,100,2022-05-10",
            "2,阿勒泰市,道路维修工程,阿勒泰市交通运输局,工程,450.5,,2022-06-01",
        ],
    }
    for kind, lines in files.items():
        account = load_file(db, kind, write_csv(tmp_path / f"{kind}.csv", lines))
        assert (account.status, account.rows_quarantined) == ("loaded", 0), account.errors
    return db


def test_every_input_frame_has_the_declared_columns_and_types_on_an_empty_warehouse(db):
    assert set(INPUTS) <= set(QUERIES)
    frames = _frames(db, date(2022, 9, 30))
    assert all(frames[name].height == 0 for name in INPUTS if name != "cpi")


def test_arrears_money_arrives_in_exact_fen_per_region_latest_snapshot(ledgers):
    arrears = _frames(ledgers, date(2022, 9, 30))["arrears"]
    xishan = arrears.filter(pl.col("region_code") == "530112")
    assert xishan.select("owed_fen", "repaid_fen", "department", "disputed", "plan_due_on").rows() == [
        (199_999_999, 0, "", False, date(2022, 12, 31)),  # repaid blank: 0; no 主管部门: ''
        (200_000_000, 50_000_000, "", None, None),
    ]  # fmt: skip
    # 阿勒泰's counties keep their 30 June snapshot on 30 September (their latest one)
    altay = arrears.filter(pl.col("region_code") != "530112")
    assert set(altay["as_of"]) == {date(2022, 6, 30)} and altay.height == 4
    assert altay["department"].to_list() == ["住建局", "交通局", "教育局", "卫健委"]
    assert altay["owed_fen"].sum() == 464_500_000
    # before 西山区's ledger: only 阿勒泰's; before any ledger: nothing
    assert (
        _frames(ledgers, date(2022, 9, 29))["arrears"]["region_code"].str.starts_with("6543").all()
    )
    assert _frames(ledgers, date(2022, 6, 29))["arrears"].height == 0


def test_guarantee_rates_arrive_in_hundredths_of_a_percent(ledgers):
    guarantees = _frames(ledgers, date(2022, 9, 30))["guarantees"]
    assert guarantees.select("borrower", "amount_fen", "fee_rate_bp").rows() == [
        ("金山建材有限公司", 199_999_999, 80),
        ("北屯商贸有限公司", 100_000_000, 80),
        ("可可托海矿业有限公司", 80_000_000, 125),
    ]
    assert _frames(ledgers, date(2022, 9, 29))["guarantees"].height == 0


def test_procurement_budget_and_sme_reserve_in_fen(ledgers):
    procurement = _frames(ledgers, date(2022, 12, 31))["procurement"]
    assert procurement.select("project", "category", "budget_fen", "sme_reserved_fen").rows() == [
        ("办公设备采购", "goods", 250_000_000, 100_000_000),
        ("道路维修工程", "works", 450_500_000, 0),  # no reserve written: none reserved
    ]


def test_bond_issues_and_readiness_as_known_on_the_date(ledgers):
    frames = _frames(ledgers, date(2022, 9, 30))
    assert frames["bond_issues"].select("region_code", "bond_code", "issued_fen").rows() == [
        ("530112", "2205001", 199_999_990_000)  # the October issue is not known yet
    ]
    readiness = frames["bond_readiness"]
    assert readiness.height == 15  # the June ledger's 14 projects and July's new cold chain
    by_project = {r["project"]: r for r in readiness.iter_rows(named=True)}
    cold_chain = by_project["阿勒泰市冷链物流中心"]
    assert (cold_chain["as_of"], cold_chain["quota_fen"], cold_chain["tender_notice_on"]) == (
        date(2022, 7, 31),
        5_000_000_000,
        date(2022, 3, 1),
    )
    water = by_project["布尔津县农村供水保障工程"]  # in July: quota, no unit, no notice
    assert (water["as_of"], water["project_unit"], water["tender_notice_on"]) == (
        date(2022, 7, 31),
        "",
        None,
    )
    june = _frames(ledgers, date(2022, 6, 30))["bond_readiness"]
    assert june["tender_notice_on"].null_count() == june.height


def test_measures_and_daily_reports_with_the_submission_time_or_the_load_time(ledgers):
    frames = _frames(ledgers, date(2022, 9, 30))
    measures = frames["measures"]
    assert measures.height == 4 and set(measures["report_by"]) == {time(17, 0)}
    assert measures.row(0, named=True)["lead_units"] == ["自治州工信局", "市场监督管理局"]
    reports = frames["daily_reports"]
    assert reports.height == 4  # three on 26 August, one on 29 August; not 8 October
    stated = reports.filter(~pl.col("submitted_estimated"))
    assert stated.select("unit", "measure_no", "submitted_at").rows() == [
        ("自治州工信局", "1", datetime(2022, 8, 26, 17, 25)),
        ("自治州财政局", "3", datetime(2022, 8, 26, 16, 42)),
        ("自治州财政局", "5", datetime(2022, 8, 26, 16, 42)),
    ]
    [estimated] = reports.filter(pl.col("submitted_estimated")).rows(named=True)
    assert estimated["report_date"] == date(2022, 8, 29)
    # the load happened now: Asia/Shanghai wall time, within a minute of the clock
    shanghai = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    assert abs(estimated["submitted_at"] - shanghai).total_seconds() < 120


def test_a_tender_notice_stays_published_when_a_later_ledger_leaves_the_column_out(
    ledgers, tmp_path
):
    later = write_csv(
        tmp_path / "专项债券_8月.csv",
        [
            "单位：万元",
            "截至2022年8月31日",
            "序号,县市,项目名称,项目单位,债券额度,累计支出",
            "1,阿勒泰市,阿勒泰市冷链物流中心,阿勒泰市商务局,5000,2100",
        ],
    )
    assert load_file(ledgers, "bonds", later).status == "loaded"
    readiness = _frames(ledgers, date(2022, 8, 31))["bond_readiness"]
    cold_chain = readiness.filter(pl.col("project") == "阿勒泰市冷链物流中心")
    assert cold_chain.select("as_of", "tender_notice_on").rows() == [
        (date(2022, 8, 31), date(2022, 3, 1))
    ]
