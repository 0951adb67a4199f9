"""Commitment sources load exactly: arrears ledger, measures table, daily reports, bond issues."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from flows.errors import SourceRejected
from flows.ingest import PLANNERS
from tests.helpers import count, load_file, rows, write_csv

ARREARS_HEADER = "序号,地区,欠款单位,债权企业,欠款金额（元）,是否有分歧,还款计划日期,已清偿金额（元）,清偿日期,主管部门"


def test_arrears_ledger_in_wan_yuan_loads_exact_yuan_and_skips_total_and_note(db, fixture_path):
    account = load_file(db, "arrears", fixture_path("arrears_654300_2022-06-30.xlsx"))
    assert (account.status, account.layout, account.as_of) == (
        "loaded",
        "arrears_xlsx",
        "2022-06-30",
    )
    assert (account.rows_read, account.rows_loaded, account.rows_skipped) == (6, 4, 2)  # 合计, 注：
    assert account.rows_quarantined == 0 and account.warnings == []
    assert rows(
        db,
        "SELECT source_row, as_of, region_code, region_name, debtor, creditor, owed_yuan, disputed,"
        " plan_due_on, repaid_yuan, repaid_on, department FROM arrears_current ORDER BY source_row",
    ) == [
        (
            5,
            date(2022, 6, 30),
            "654301",
            "阿勒泰市",
            "阿勒泰市住建局",
            "金山建筑工程有限公司",
            Decimal("865000.00"),
            False,
            None,
            Decimal("865000.00"),
            date(2022, 5, 20),
            "住建局",
        ),
        (
            6,
            date(2022, 6, 30),
            "654322",
            "富蕴县",
            "富蕴县交通运输局",
            "可可托海路桥有限公司",
            Decimal("3200000.00"),
            False,
            date(2022, 11, 30),
            Decimal("1200000.00"),
            date(2022, 6, 15),
            "交通局",
        ),
        (
            7,
            date(2022, 6, 30),
            "654325",
            "青河县",
            "青河县教育局",
            "三道海子教育装备有限公司",
            Decimal("452000.00"),
            True,
            None,
            Decimal("0.00"),
            None,
            "教育局",
        ),
        (
            8,
            date(2022, 6, 30),
            "654326",
            "吉木乃县",
            "吉木乃县卫健委",
            "萨吾尔医药有限公司",
            Decimal("128000.00"),
            False,
            None,
            Decimal("0.00"),
            None,
            "卫健委",
        ),
    ]
    # the file's own 合计 row: 464.50 万元 owed, 206.50 万元 repaid
    assert count(db, "SELECT sum(owed_yuan) FROM arrears_snapshots") == Decimal("4645000.00")
    assert count(db, "SELECT sum(repaid_yuan) FROM arrears_snapshots") == Decimal("2065000.00")


def test_arrears_bad_rows_are_quarantined_with_row_column_and_reason(db, tmp_path):
    path = write_csv(
        tmp_path / "清欠台账.csv",
        [
            "阿勒泰地区拖欠中小企业账款台账（截至2022年9月30日）",
            ARREARS_HEADER,
            "1,阿勒泰市,阿勒泰市住建局,甲公司,100000.00,否,,100000.00,2022-09-01,住建局",  # repaid = owed
            "2,阿勒泰市,阿勒泰市住建局,乙公司,100000.00,否,,100000.01,2022-09-01,住建局",
            "3,不存在县,某局,丙公司,5000.00,,,,,",
            "4,富蕴县,富蕴县交通运输局,丁公司,5000.00,不清楚,,,,",
            "5,富蕴县,富蕴县交通运输局,戊公司,,是,,,,",
            "6,青河县,青河县教育局,己公司,-1.00,是,2022年12月31日,,,",
            "7,青河县,青河县教育局,庚公司,12.00,,,,,",
            "8,青河县,青河县教育局,庚公司,13.00,,,,,",
            "合计,,,,,,,,,",
        ],
    )
    account = load_file(db, "arrears", path)
    assert (account.status, account.as_of) == ("partial", "2022-09-30")  # from the title
    assert (account.rows_read, account.rows_loaded) == (9, 1)
    assert (account.rows_quarantined, account.rows_skipped) == (7, 1)
    assert (
        account.rows_read == account.rows_loaded + account.rows_quarantined + account.rows_skipped
    )
    assert [(e["row"], e["column"], e["message"]) for e in account.errors] == [
        (4, "已清偿金额（元）", "已清偿金额大于欠款金额"),
        (5, "地区", "未知地区「不存在县」：不在行政区划代码表或地区别名表中"),
        (6, "是否有分歧", "「是否有分歧」应填“是”或“否”（或留空）"),
        (7, "欠款金额（元）", "缺少「欠款金额（元）」"),
        # row numbers stay right after a line DuckDB's reader could not cast (2022年12月31日)
        (8, "欠款金额（元）", "「欠款金额（元）」为负数：-1.00"),
        (9, "地区", "与第 10 行重复，同一记录出现多次，均未导入"),
        (10, "地区", "与第 9 行重复，同一记录出现多次，均未导入"),
    ]
    assert rows(db, "SELECT creditor, owed_yuan, repaid_yuan, disputed FROM arrears_current") == [
        ("甲公司", Decimal("100000.00"), Decimal("100000.00"), False)
    ]
    assert count(db, "SELECT count(*) FROM quarantine WHERE raw_row LIKE '%不存在县%'") == 1


def test_a_resent_arrears_snapshot_supersedes_the_earlier_one_and_keeps_it(
    db, fixture_path, tmp_path
):
    load_file(db, "arrears", fixture_path("arrears_654300_2022-06-30.xlsx"))
    resent = write_csv(
        tmp_path / "清欠台账_更正.csv",
        [
            "统计截止日期：2022年6月30日",
            "单位：万元",
            ARREARS_HEADER.replace("（元）", ""),
            "1,青河县,青河县教育局,三道海子教育装备有限公司,45.20,否,2022-07-31,10.00,2022-06-29,教育局",
        ],
    )
    account = load_file(db, "arrears", resent)
    assert (account.status, account.rows_loaded, account.as_of) == ("loaded", 1, "2022-06-30")
    sql = "SELECT disputed, repaid_yuan, plan_due_on FROM {} WHERE creditor = '三道海子教育装备有限公司'"
    assert rows(db, sql.format("arrears_current")) == [
        (False, Decimal("100000.00"), date(2022, 7, 31))
    ]
    assert count(db, "SELECT count(*) FROM arrears_snapshots WHERE region_code = '654325'") == 2
    assert count(db, "SELECT count(*) FROM arrears_current") == 4


def test_arrears_without_an_as_of_date_or_a_unit_is_rejected_saying_why(tmp_path):
    no_date = write_csv(tmp_path / "a.csv", ["单位：万元", ARREARS_HEADER.replace("（元）", "")])
    with pytest.raises(SourceRejected, match="找不到统计截止日期"):
        PLANNERS["arrears"](no_date, {})
    no_unit = write_csv(
        tmp_path / "b.csv", ["截至2022年6月30日", ARREARS_HEADER.replace("（元）", "")]
    )
    with pytest.raises(SourceRejected, match="未注明金额单位"):
        PLANNERS["arrears"](no_unit, {})


def test_measures_split_units_and_read_cadence_and_time_of_day(db, fixture_path):
    account = load_file(db, "measures", fixture_path("measures_653000_2022.xlsx"))
    assert (account.status, account.rows_read, account.rows_loaded) == ("loaded", 4, 4)
    assert (
        account.rows_read == account.rows_loaded + account.rows_quarantined + account.rows_skipped
    )
    assert rows(
        db,
        "SELECT measure_no, title, lead_units, responsible_units, report_cadence, report_by "
        "FROM measures_current ORDER BY source_row LIMIT 2",
    ) == [
        (
            "1",
            "促进市场主体复工复市",
            ["自治州工信局", "市场监督管理局"],
            ["自治州卫健委", "各县（市）人民政府"],
            "daily",
            time(17, 0),
        ),
        (
            "3",
            "减免市场主体房屋租金",
            ["自治州财政局"],
            ["自治州发展改革委", "交通运输局", "各县（市）人民政府"],
            "daily",
            time(17, 0),
        ),
    ]
    assert count(db, "SELECT count(*) FROM measures_current WHERE report_by = '17:00'") == 4


def test_measures_weekly_monthly_and_bad_requirements(db, tmp_path):
    path = write_csv(
        tmp_path / "责任分解.csv",
        [
            "序号,措施,牵头单位,责任单位,报送要求",
            "1,清理拖欠中小企业账款,地区财政局；地区工信局,各县（市）人民政府,每周五12时前报送",
            "2,政府采购支持中小企业,地区财政局,,每月5日前报送",
            "3,担保费率降至0.8%,地区财政局,,不定期报送",
            "4,稳岗返还,地区人社局,,每日25:00前报送",
            "5,,地区人社局,,",
        ],
    )
    account = load_file(db, "measures", path)
    assert (account.rows_read, account.rows_loaded, account.rows_quarantined) == (5, 2, 3)
    assert rows(
        db,
        "SELECT measure_no, lead_units, responsible_units, report_cadence, report_by "
        "FROM measures ORDER BY measure_no",
    ) == [
        ("1", ["地区财政局", "地区工信局"], ["各县（市）人民政府"], "weekly", time(12, 0)),
        ("2", ["地区财政局"], None, "monthly", None),
    ]
    assert [(e["row"], e["column"], e["message"]) for e in account.errors] == [
        (4, "报送要求", "「报送要求」未写明报送频次：应含“每日”“每周”或“每月”"),
        (5, "报送要求", "「报送要求」中的时间不是有效的时刻（应如 17:00）"),
        (6, "措施", "缺少「措施」"),
    ]


def test_daily_reports_keep_the_submission_time_to_the_minute(db, fixture_path):
    account = load_file(db, "daily_reports", fixture_path("daily_reports_653000_2022-08-26.xlsx"))
    assert (account.status, account.rows_read, account.rows_loaded) == ("loaded", 3, 3)
    assert rows(
        db,
        "SELECT unit, report_date, submitted_at, measure_no, progress, problems, next_steps "
        "FROM daily_reports_current ORDER BY source_row",
    ) == [
        (
            "自治州财政局",
            date(2022, 8, 26),
            datetime(2022, 8, 26, 16, 42),
            "3",
            "已减免国有房屋租金 37 户",
            "部分承租户材料不全",
            "8月29日前完成复核",
        ),
        (
            "自治州财政局",
            date(2022, 8, 26),
            datetime(2022, 8, 26, 16, 42),
            "5",
            "担保费率已降至 1%",
            "无",
            "继续跟踪",
        ),
        (
            "自治州工信局",
            date(2022, 8, 26),
            datetime(2022, 8, 26, 17, 25),
            "1",
            "复工复市企业 412 户",
            "物流不畅",
            "协调运输通道",
        ),
    ]


def test_daily_reports_at_1659_and_1701_differ_and_bad_rows_are_quarantined(db, tmp_path):
    path = write_csv(
        tmp_path / "日报.csv",
        [
            "单位,日期,报送时间,措施序号,完成情况,存在问题,下一步计划",
            "地区财政局,2022-08-29,16:59,3,已完成,无,继续",
            "地区工信局,2022-08-29,17:01,1,已完成,无,继续",
            "地区人社局,2022-08-29,17：00,2,已完成,,",
            "地区发改委,2022-08-29 16:30,,4,已完成,,",
            "地区商务局,2022-08-29,,5,已完成,,",
            "地区交通局,2022-08-29,下午,6,已完成,,",
            "地区住建局,2022-08-29,16:00,7,,,",
            "地区住建局,2022-08-29,16:00,8,已完成,,",
            "地区住建局,2022-08-29,16:05,8,已完成（更正）,,",
        ],
    )
    account = load_file(db, "daily_reports", path)
    assert (account.rows_read, account.rows_loaded, account.rows_quarantined) == (9, 5, 4)
    assert rows(db, "SELECT unit, submitted_at FROM daily_reports ORDER BY source_row") == [
        ("地区财政局", datetime(2022, 8, 29, 16, 59)),
        ("地区工信局", datetime(2022, 8, 29, 17, 1)),
        ("地区人社局", datetime(2022, 8, 29, 17, 0)),
        ("地区发改委", datetime(2022, 8, 29, 16, 30)),
        ("地区商务局", None),  # a date without a time: no submission time is invented
    ]
    assert (
        count(db, "SELECT count(*) FROM daily_reports WHERE submitted_at <= '2022-08-29 17:00'")
        == 3  # 16:59, 17:00 and 16:30; not 17:01
    )
    assert [(e["row"], e["column"], e["message"]) for e in account.errors] == [
        (7, "报送时间", "「报送时间」不是有效的时刻（应如 16:42 或 2022-08-26 16:42）"),
        (8, "完成情况", "缺少「完成情况」"),
        (9, "单位", "与第 10 行重复，同一记录出现多次，均未导入"),
        (10, "单位", "与第 9 行重复，同一记录出现多次，均未导入"),
    ]


def test_bond_issues_in_yi_yuan_load_exact_yuan(db, tmp_path):
    path = write_csv(
        tmp_path / "专项债券发行.csv",
        [
            "2022年新增专项债券发行情况表",
            "单位：亿元",
            "序号,地区,债券名称,债券代码,发行金额,发行日期",
            "1,阿勒泰市,2022年新疆维吾尔自治区专项债券（一期）,2205123,1.2345,2022年3月15日",
            "2,布尔津县,2022年新疆维吾尔自治区专项债券（一期）,2205123,0.8,2022-03-15",
            "3,喀什市,2022年新疆维吾尔自治区专项债券（二期）,2205124,0.5,2022-05-20",
            ",合计,,,2.5345,",
        ],
    )
    account = load_file(db, "bond_issuance", path)
    assert (account.rows_read, account.rows_loaded, account.rows_skipped) == (4, 3, 1)
    assert rows(
        db,
        "SELECT region_code, bond_code, issued_yuan, issued_on FROM bond_issues_current ORDER BY 1",
    ) == [
        ("653101", "2205124", Decimal("50000000.00"), date(2022, 5, 20)),
        ("654301", "2205123", Decimal("123450000.00"), date(2022, 3, 15)),
        ("654321", "2205123", Decimal("80000000.00"), date(2022, 3, 15)),
    ]


@pytest.mark.usefixtures("prefect_harness")
def test_cli_ingests_arrears_through_the_flow_once_then_reports_a_duplicate(db, fixture_path):
    import json

    from typer.testing import CliRunner

    from policy_monitor.cli import app

    path = fixture_path("arrears_654300_2022-06-30.xlsx")
    args = ["--db", str(db), "ingest", "arrears", str(path), "--json"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    [account] = json.loads(first.stdout)
    assert (account["kind"], account["status"], account["as_of"]) == (
        "arrears",
        "loaded",
        "2022-06-30",
    )
    assert (account["rows_read"], account["rows_loaded"], account["rows_skipped"]) == (6, 4, 2)
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0
    [duplicate] = json.loads(again.stdout)
    assert duplicate["status"] == "duplicate" and duplicate["ingest_id"] == account["ingest_id"]
    assert count(db, "SELECT count(*) FROM arrears_snapshots") == 4
    assert count(db, "SELECT kind FROM ingests") == "arrears"


def test_a_resent_measures_table_and_daily_report_supersede_their_earlier_rows(
    db, fixture_path, tmp_path
):
    load_file(db, "measures", fixture_path("measures_653000_2022.xlsx"))
    load_file(db, "daily_reports", fixture_path("daily_reports_653000_2022-08-26.xlsx"))
    measures = write_csv(
        tmp_path / "责任分解_653000_修订.csv",  # the same region as the first table
        ["序号,措施,牵头单位,报送要求", "1,促进市场主体复工复市,自治州工信局,每周一10:00前报送"],
    )
    report = write_csv(
        tmp_path / "日报_补报.csv",
        [
            "单位,日期,报送时间,措施序号,完成情况",
            "自治州工信局,2022-08-26,17:40,1,复工复市企业 415 户",
        ],
    )
    assert load_file(db, "measures", measures).rows_loaded == 1
    assert load_file(db, "daily_reports", report).rows_loaded == 1
    assert rows(
        db,
        "SELECT lead_units, report_cadence, report_by FROM measures_current WHERE measure_no = '1'",
    ) == [(["自治州工信局"], "weekly", time(10, 0))]
    assert count(db, "SELECT count(*) FROM measures_current") == 4
    assert count(db, "SELECT count(*) FROM measures WHERE measure_no = '1'") == 2
    assert rows(
        db, "SELECT progress, submitted_at FROM daily_reports_current WHERE unit = '自治州工信局'"
    ) == [("复工复市企业 415 户", datetime(2022, 8, 26, 17, 40))]
    assert count(db, "SELECT count(*) FROM daily_reports_current") == 3


def test_every_kind_is_known_to_the_inbox_and_the_cli_help():
    from appstate.inbox import KINDS
    from policy_monitor.cli import KIND_HELP

    assert set(KINDS) == set(PLANNERS)
    assert set(KIND_HELP.split(" | ")) == set(PLANNERS)
