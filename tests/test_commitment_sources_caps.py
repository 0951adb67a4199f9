"""Guarantee and procurement ledgers and the bond ledger's tender-notice date load exactly."""

from datetime import date
from decimal import Decimal

import pytest

from flows.errors import SourceRejected
from flows.ingest import PLANNERS
from tests.helpers import count, load_file, rows, write_csv

GUARANTEE_HEADER = "序号,地区,担保机构,被担保企业,担保金额（万元）,担保费率（%）,担保起始日期"
PROCUREMENT_HEADER = (
    "序号,地区,采购项目,采购单位,采购类别,预算金额（元）,面向中小企业预留金额（元）,公告日期"
)


def test_guarantee_rates_in_percent_whether_written_with_or_without_the_sign(db, tmp_path):
    path = write_csv(
        tmp_path / "融资担保台账.csv",
        [
            "阿勒泰地区政府性融资担保业务台账",
            "统计截止日期：2022年9月30日",
            GUARANTEE_HEADER,
            "1,阿勒泰市,阿勒泰地区融资担保有限公司,金山建材有限公司,500,0.8%,2022-03-01",
            "2,布尔津县,阿勒泰地区融资担保有限公司,喀纳斯旅游服务有限公司,120.5,0.8,2022年4月2日",
            "3,富蕴县,阿勒泰地区融资担保有限公司,可可托海矿业有限公司,199.9999,1.2,2022-05-10",
            "4,青河县,阿勒泰地区融资担保有限公司,青河农牧有限公司,80,0.75％,2022-06-01",
            ",合计,,,900.4999,,",
        ],
    )
    account = load_file(db, "guarantees", path)
    assert (account.status, account.layout, account.as_of) == (
        "loaded",
        "guarantees_csv",
        "2022-09-30",
    )
    assert (account.rows_read, account.rows_loaded, account.rows_skipped) == (5, 4, 1)
    assert account.warnings == []
    assert rows(
        db,
        "SELECT as_of, region_code, borrower, amount_yuan, fee_rate_pct, started_on "
        "FROM guarantees_current ORDER BY source_row",
    ) == [
        (date(2022, 9, 30), "654301", "金山建材有限公司", Decimal("5000000.00"), Decimal("0.8000"),
         date(2022, 3, 1)),
        (date(2022, 9, 30), "654321", "喀纳斯旅游服务有限公司", Decimal("1205000.00"),
         Decimal("0.8000"), date(2022, 4, 2)),
        (date(2022, 9, 30), "654322", "可可托海矿业有限公司", Decimal("1999999.00"),
         Decimal("1.2000"), date(2022, 5, 10)),
        (date(2022, 9, 30), "654325", "青河农牧有限公司", Decimal("800000.00"), Decimal("0.7500"),
         date(2022, 6, 1)),
    ]  # fmt: skip


def test_guarantee_bad_rows_are_quarantined_with_row_column_and_reason(db, tmp_path):
    path = write_csv(
        tmp_path / "担保.csv",
        [
            "截至2022年12月31日",
            GUARANTEE_HEADER.replace("担保费率（%）", "年化担保费率"),
            "1,阿勒泰市,甲担保公司,甲企业,100,约1%,2022-03-01",
            "2,阿勒泰市,甲担保公司,乙企业,100,-0.5,2022-03-01",
            "3,阿勒泰市,甲担保公司,丙企业,100,120,2022-03-01",
            "4,阿勒泰市,甲担保公司,丁企业,100,,2022-03-01",
            "5,阿勒泰市,甲担保公司,戊企业,100,1,",
            "6,阿勒泰市,甲担保公司,己企业,100,1,2022-03-01",
        ],
    )
    account = load_file(db, "guarantees", path)
    assert (account.status, account.rows_loaded, account.rows_quarantined) == ("partial", 1, 5)
    assert [(e["row"], e["column"], e["message"]) for e in account.errors] == [
        (3, "年化担保费率", "「年化担保费率」的值“约1%”不是有效的数值"),
        (4, "年化担保费率", "「担保费率」应为百分数（如 0.8% 或 0.8），在 0 到 100 之间"),
        (5, "年化担保费率", "「担保费率」应为百分数（如 0.8% 或 0.8），在 0 到 100 之间"),
        (6, "年化担保费率", "缺少「年化担保费率」"),
        (7, "担保起始日期", "缺少「担保起始日期」"),
    ]
    assert rows(db, "SELECT borrower, fee_rate_pct FROM guarantees_current") == [
        ("己企业", Decimal("1.0000"))
    ]


def test_guarantees_without_a_unit_or_an_as_of_date_are_rejected_saying_why(tmp_path):
    no_unit = write_csv(
        tmp_path / "a.csv", ["截至2022年6月30日", GUARANTEE_HEADER.replace("（万元）", "")]
    )
    with pytest.raises(SourceRejected, match="未注明金额单位"):
        PLANNERS["guarantees"](no_unit, {})
    no_date = write_csv(tmp_path / "b.csv", [GUARANTEE_HEADER])
    with pytest.raises(SourceRejected, match="找不到统计截止日期"):
        PLANNERS["guarantees"](no_date, {})


def test_procurement_categories_amounts_and_bad_rows(db, tmp_path):
    path = write_csv(
        tmp_path / "政府采购项目台账.csv",
        [
            "阿勒泰地区政府采购项目台账（统计截止日期：2022年12月31日）",
            PROCUREMENT_HEADER,
            "1,阿勒泰市,办公设备采购,阿勒泰市教育局,货物,2500000.00,1000000.00,2022-05-10",
            "2,布尔津县,物业管理服务,布尔津县人民医院,服务类,3000000.00,1050000.00,2022-06-01",
            "3,富蕴县,道路维修工程,富蕴县交通运输局,工程,4000000.01,,2022-07-15",
            "4,青河县,绿化养护,青河县住建局,养护,2100000.00,900000.00,2022-07-20",
            "5,青河县,校舍维修工程,青河县教育局,工程,4500000.00,4500000.01,",
            "合计,,,,,16100000.01,7450000.01,",
        ],
    )
    account = load_file(db, "procurement", path)
    assert (account.status, account.as_of) == ("partial", "2022-12-31")
    assert (account.rows_read, account.rows_loaded, account.rows_quarantined) == (6, 3, 2)
    assert account.rows_skipped == 1
    assert rows(
        db,
        "SELECT region_code, project, category, budget_yuan, sme_reserved_yuan, announced_on "
        "FROM procurement_current ORDER BY source_row",
    ) == [
        ("654301", "办公设备采购", "goods", Decimal("2500000.00"), Decimal("1000000.00"),
         date(2022, 5, 10)),
        ("654321", "物业管理服务", "services", Decimal("3000000.00"), Decimal("1050000.00"),
         date(2022, 6, 1)),
        ("654322", "道路维修工程", "works", Decimal("4000000.01"), None, date(2022, 7, 15)),
    ]  # fmt: skip
    assert [(e["row"], e["column"], e["message"]) for e in account.errors] == [
        (6, "采购类别", "「采购类别」应为“货物”“服务”或“工程”"),
        (7, "面向中小企业预留金额（元）", "面向中小企业预留金额大于预算金额"),
    ]


def test_a_resent_guarantee_snapshot_supersedes_the_earlier_one(db, tmp_path):
    first = write_csv(
        tmp_path / "g1.csv",
        [
            "截至2022年9月30日",
            GUARANTEE_HEADER,
            "1,阿勒泰市,甲担保公司,甲企业,100,1.2,2022-03-01",
            "2,阿勒泰市,甲担保公司,乙企业,100,0.5,2022-03-01",
        ],
    )
    again = write_csv(
        tmp_path / "g2.csv",
        ["截至2022年9月30日", GUARANTEE_HEADER, "1,阿勒泰市,甲担保公司,甲企业,100,0.8,2022-03-01"],
    )
    load_file(db, "guarantees", first)
    assert load_file(db, "guarantees", again).rows_loaded == 1
    assert rows(db, "SELECT borrower, fee_rate_pct FROM guarantees_current ORDER BY 1") == [
        ("乙企业", Decimal("0.5000")),
        ("甲企业", Decimal("0.8000")),
    ]
    assert count(db, "SELECT count(*) FROM guarantee_snapshots") == 3


BOND_HEADER = "序号,县市,项目名称,项目单位,主管部门,债券额度,累计支出,资金到位日期"


@pytest.mark.parametrize("label", ["招标公告发布日期", "招标公告日期", "招标公告时间"])
def test_the_bond_ledger_reads_a_tender_notice_date_under_any_of_its_names(db, tmp_path, label):
    path = write_csv(
        tmp_path / "专项债券.csv",
        [
            "单位：万元",
            "截至2022年6月30日",
            f"{BOND_HEADER},{label}",
            "1,阿勒泰市,阿勒泰市冷链物流中心,阿勒泰市商务局,商务局,5000,1200,2022-04-20,2022年3月1日",
            "2,布尔津县,布尔津县农村供水保障工程,布尔津县水利局,水利局,3500,0,2022-04-20,",
        ],
    )
    account = load_file(db, "bonds", path)
    assert (account.status, account.rows_loaded, account.warnings) == ("loaded", 2, [])
    # the view is created again by migration 10: it shows the new column
    assert rows(
        db, "SELECT project, tender_notice_on FROM bond_snapshots_current ORDER BY source_row"
    ) == [("阿勒泰市冷链物流中心", date(2022, 3, 1)), ("布尔津县农村供水保障工程", None)]


def test_a_bond_ledger_without_the_tender_notice_column_loads_as_before(db, fixture_path):
    account = load_file(db, "bonds", fixture_path("special_bonds_2022-06-30.xlsx"))
    assert account.status == "loaded" and account.rows_quarantined == 0
    assert count(db, "SELECT count(*) FROM bond_snapshots_current") == account.rows_loaded > 0
    assert count(db, "SELECT count(tender_notice_on) FROM bond_snapshots_current") == 0


def test_migration_10_adds_the_tender_notice_to_a_warehouse_that_holds_bond_rows(tmp_path):
    import duckdb

    from warehouse import migrations

    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    earlier = [fn for version, _, fn in migrations.MIGRATIONS if version < 10]
    [tenth] = [fn for version, _, fn in migrations.MIGRATIONS if version == 10]
    for fn in earlier:
        fn(con)
    con.execute(
        "INSERT INTO bond_snapshots (ingest_id, as_of, region_code, region_name, project, "
        "quota_yuan, spent_yuan) VALUES (1, '2022-06-30', '654301', '阿勒泰市', '甲项目', 1, 0)"
    )
    tenth(con)
    assert con.execute(
        "SELECT project, tender_notice_on FROM bond_snapshots_current"
    ).fetchall() == [("甲项目", None)]
    assert con.execute("SELECT count(*) FROM guarantees_current").fetchone() == (0,)
    con.close()


@pytest.mark.usefixtures("prefect_harness")
def test_cli_ingests_guarantees_and_procurement_with_the_usual_exit_codes(db, tmp_path):
    import json

    from typer.testing import CliRunner

    from policy_monitor.cli import app

    good = write_csv(
        tmp_path / "guarantees.csv",
        ["截至2022年9月30日", GUARANTEE_HEADER, "1,阿勒泰市,甲担保公司,甲企业,100,0.8%,2022-03-01"],
    )
    partial = write_csv(
        tmp_path / "procurement.csv",
        [
            "截至2022年9月30日",
            PROCUREMENT_HEADER,
            "1,阿勒泰市,办公设备采购,阿勒泰市教育局,货物,2500000,1000000,2022-05-10",
            "2,阿勒泰市,绿化养护,阿勒泰市住建局,养护,2100000,900000,2022-07-20",
        ],
    )
    no_header = write_csv(tmp_path / "nothing.csv", ["采购项目台账", "空表"])

    def ingest(kind, path):
        result = CliRunner().invoke(app, ["--db", str(db), "ingest", kind, str(path), "--json"])
        return result.exit_code, json.loads(result.stdout)[0]

    code, account = ingest("guarantees", good)
    assert (code, account["kind"], account["status"], account["rows_loaded"]) == (
        0,
        "guarantees",
        "loaded",
        1,
    )
    code, account = ingest("procurement", partial)
    assert (code, account["status"], account["rows_loaded"], account["rows_quarantined"]) == (
        1,
        "partial",
        1,
        1,
    )
    assert (account["errors"][0]["row"], account["errors"][0]["column"]) == (4, "采购类别")
    code, account = ingest("procurement", no_header)
    assert (code, account["status"]) == (2, "rejected")
    assert "找不到表头" in account["message"]
    assert count(db, "SELECT count(*) FROM guarantee_snapshots") == 1
    assert count(db, "SELECT count(*) FROM procurement_snapshots") == 1


def test_a_percent_formatted_excel_rate_is_quarantined_not_read_as_a_hundredth(db, tmp_path):
    import xlsxwriter

    path = tmp_path / "担保_百分比格式.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    percent = workbook.add_format({"num_format": "0.00%"})
    sheet.write_row(0, 0, ["统计截止日期：2022年9月30日"])
    sheet.write_row(
        1, 0, ["地区", "担保机构", "被担保企业", "担保金额（元）", "担保费率", "担保起始日期"]
    )
    for row, (borrower, rate) in enumerate((("甲企业", 0.012), ("乙企业", 0.0), ("丙企业", 0.1))):
        sheet.write_row(2 + row, 0, ["阿勒泰市", "甲担保公司", borrower, 1000000])
        sheet.write_number(2 + row, 4, rate, percent if borrower == "甲企业" else None)
        sheet.write_string(2 + row, 5, "2022-01-01")
    sheet.write_row(5, 0, ["阿勒泰市", "甲担保公司", "丁企业", 1000000, "0.05%", "2022-01-01"])
    workbook.close()
    account = load_file(db, "guarantees", path)
    assert (account.rows_loaded, account.rows_quarantined) == (3, 1)
    [error] = account.errors
    assert (error["row"], error["column"]) == (3, "担保费率")
    assert error["message"].startswith("「担保费率」小于 0.1 且未写 %")
    # a waived fee (0), 0.1 and a rate written with its sign load as written
    assert rows(
        db, "SELECT borrower, fee_rate_pct FROM guarantees_current ORDER BY source_row"
    ) == [
        ("乙企业", Decimal("0.0000")),
        ("丙企业", Decimal("0.1000")),
        ("丁企业", Decimal("0.0500")),
    ]
