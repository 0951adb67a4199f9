"""Ledger files (direct funds, payments, special bonds) load exactly, with every row accounted."""

import csv
from datetime import datetime
from decimal import Decimal

import pytest

from flows.errors import SourceRejected
from flows.ingest import PLANNERS
from tests.helpers import count, load_file, rows, write_csv


def test_direct_fund_export_in_wan_yuan_loads_as_exact_yuan(db, fixture_path):
    account = load_file(db, "funds", fixture_path("direct_funds_2022-06-30.xlsx"))
    assert (account.status, account.rows_read, account.rows_loaded) == ("loaded", 43, 42)
    assert (account.rows_skipped, account.rows_quarantined) == (1, 0)  # the 合计 row
    assert account.as_of == "2022-06-30"
    fund = rows(
        db,
        "SELECT region_code, received_yuan, allocated_yuan, paid_yuan, release_date, as_of "
        "FROM fund_snapshots WHERE fund_code = 'ZD20220002'",
    )
    assert fund[0][:4] == (
        "654301",
        Decimal("24303300.00"),
        Decimal("24303300.00"),
        Decimal("6075800.00"),
    )
    assert str(fund[0][4]) == "2022-06-13" and str(fund[0][5]) == "2022-06-30"
    # the file's own 合计 row: 63,552.57 万元 received
    assert count(db, "SELECT sum(received_yuan) FROM fund_snapshots") == Decimal("635525700.00")


def test_bond_ledger_skips_subtotals_and_keeps_each_snapshot(db, fixture_path):
    june = load_file(db, "bonds", fixture_path("special_bonds_2022-06-30.xlsx"))
    july = load_file(db, "bonds", fixture_path("special_bonds_2022-07-31.xlsx"))
    for account in (june, july):
        assert (account.rows_read, account.rows_loaded, account.rows_skipped) == (22, 14, 8)
    assert count(db, "SELECT count(DISTINCT as_of) FROM bond_snapshots") == 2
    quota, spent = rows(
        db,
        "SELECT quota_yuan, spent_yuan FROM bond_snapshots "
        "WHERE project = '阿勒泰市农村供水保障工程' AND as_of = '2022-07-31'",
    )[0]
    assert (quota, spent) == (Decimal("20000000.00"), Decimal("16120000.00"))


def test_payment_detail_flags_own_funds_accounts_and_sums_exactly(db, fixture_path):
    path = fixture_path("payments_2022-03.csv")
    account = load_file(db, "payments", path)
    with path.open(encoding="utf-8-sig") as f:
        source = list(csv.DictReader(f))
    assert account.rows_read == account.rows_loaded == len(source) == 400
    expected = sum(Decimal(r["金额（元）"]) for r in source)
    assert count(db, "SELECT sum(amount_yuan) FROM fund_payments") == expected
    own = sum(r["收款账户类型"] == "实有资金账户" for r in source)
    assert count(db, "SELECT count(*) FROM fund_payments WHERE own_funds_account") == own == 5


FUNDS_HEADER = "序号,地区,资金名称,资金编码,主管部门,上级下达金额,已分配金额,分配率,已支出金额,支出进度,下达日期"
BAD_FUNDS = [
    "直达资金分配支出情况表",
    "单位：万元,,,,,,,,统计截止日期：2022年6月30日,,",
    FUNDS_HEADER,
    '1,阿勒泰市,资金甲,ZD1,教育局,"1,000.00",900.00,90%,100.00,10%,2022-03-15',
    "2,火星县,资金乙,ZD2,教育局,10.00,10.00,100%,1.00,10%,2022-03-15",
    "3,布尔津县,资金丙,ZD3,教育局,abc,10.00,,1.00,,2022-03-15",
    "4,富蕴县,资金丁,ZD4,教育局,10.00,10.00,,-5.00,,2022-03-15",
    "5,福海县,资金戊,ZD5,教育局,10.00,10.00,,12.00,,2022-03-15",
    "6,哈巴河县,资金己,ZD6,教育局,10.00,10.00,,1.00,,2022年13月1日",
    "7,青河县,资金庚,ZD7,教育局,10.00,10.00,,1.00,,2022-03-15",
    "8,青河县,资金庚,ZD7,教育局,10.00,10.00,,1.00,,2022-03-15",
    "9,喀纳斯景区,资金辛,ZD9,文旅局,20.00,20.00,,2.50,,2022-04-01",
    "10,阿勒泰市,资金壬,ZD10,民政局,5.5,5.5,,0.25,,2022年3月5日",
    ",合计,,,,,,,,,",
    "注：本表由直达资金监控系统导出",
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_bad_rows_are_quarantined_with_row_column_and_reason(db, tmp_path, encoding):
    path = write_csv(tmp_path / "funds.csv", BAD_FUNDS, encoding)
    account = load_file(db, "funds", path)
    assert account.status == "partial"
    assert (account.rows_read, account.rows_loaded) == (12, 3)
    assert (account.rows_quarantined, account.rows_skipped) == (7, 2)
    by_row = {(e["row"], e["column"]): e["message"] for e in account.errors}
    assert "未知地区「火星县」" in by_row[(5, "地区")]
    assert "“abc”不是有效的金额" in by_row[(6, "上级下达金额")]
    assert "为负数" in by_row[(7, "已支出金额")]
    assert by_row[(8, "已支出金额")] == "已支出金额大于上级下达金额"
    assert "不是有效的日期" in by_row[(9, "下达日期")]
    assert "与第 11 行重复" in by_row[(10, "资金编码")]
    assert "与第 10 行重复" in by_row[(11, "资金编码")]
    loaded = rows(
        db,
        "SELECT fund_code, region_code, received_yuan, paid_yuan, release_date "
        "FROM fund_snapshots ORDER BY fund_code",
    )
    assert [(r[0], r[1]) for r in loaded] == [
        ("ZD1", "654301"),
        ("ZD10", "654301"),
        ("ZD9", "654300-KNS"),
    ]
    assert loaded[0][2] == Decimal("10000000.00") and loaded[1][3] == Decimal("2500.00")
    assert str(loaded[1][4]) == "2022-03-05"
    raw = rows(db, "SELECT raw_row FROM quarantine WHERE source_row = 5")[0][0]
    assert "火星县" in raw and "资金编码" in raw


def test_ambiguous_region_names_resolve_inside_the_home_region_only(db, tmp_path):
    lines = [*BAD_FUNDS[:3], "1,朝阳区,资金甲,ZD1,教育局,10.00,10.00,,1.00,,2022-03-15"]
    path = write_csv(tmp_path / "funds.csv", lines)
    account = load_file(db, "funds", path)
    assert "对应多个行政区划" in account.errors[0]["message"]
    from warehouse.connection import connect
    from warehouse.regions import build_lookup

    with connect(db) as con:
        build_lookup(con, "110000")
        code = con.execute("SELECT region_code FROM region_lookup WHERE name = '朝阳区'").fetchone()
    assert code == ("110105",)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "文件为空"),
        (["a,b,c", "1,2,3"], "找不到表头"),
        (
            [BAD_FUNDS[0], BAD_FUNDS[1], FUNDS_HEADER.replace(",已支出金额", ",其他")],
            "缺少必需的列：已支出金额",
        ),
        ([BAD_FUNDS[0], ",,,,,,,,统计截止日期：2022年6月30日", FUNDS_HEADER], "未注明金额单位"),
        ([BAD_FUNDS[0], "单位：万元", FUNDS_HEADER], "找不到统计截止日期"),
    ],
)
def test_files_that_cannot_be_read_as_their_kind_are_rejected(tmp_path, lines, message):
    path = write_csv(tmp_path / "bad.csv", lines) if lines else tmp_path / "bad.csv"
    if not lines:
        path.write_bytes(b"")
    with pytest.raises(SourceRejected, match=message):
        PLANNERS["funds"](path, {})


def test_binary_and_corrupt_files_are_rejected(tmp_path):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(SourceRejected, match="不是表格文件"):
        PLANNERS["payments"](junk, {})
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceRejected, match="Excel 文件无法读取"):
        PLANNERS["funds"](fake, {})


def test_as_of_given_by_the_user_when_the_file_has_none(db, tmp_path):
    from datetime import date

    lines = [BAD_FUNDS[0], "单位：万元", FUNDS_HEADER, BAD_FUNDS[3]]
    account = load_file(db, "funds", write_csv(tmp_path / "f.csv", lines), as_of=date(2022, 5, 31))
    assert account.as_of == "2022-05-31" and account.rows_loaded == 1


def test_ragged_csv_lines_are_quarantined_with_their_line_numbers(db, tmp_path):
    header = "支付日期,资金编码,地区,预算单位,收款人,收款账户类型,金额（元）"
    good = "2022-03-18,ZD1,阿勒泰市,阿勒泰市教育局,某学校,零余额账户,100.00"
    lines = [header, good, "2022-03-18,ZD1,阿勒泰市", good, good + ",多余", good, "注：测试"]
    account = load_file(db, "payments", write_csv(tmp_path / "p.csv", lines))
    assert (account.rows_read, account.rows_loaded) == (6, 3)
    assert (account.rows_quarantined, account.rows_skipped) == (2, 1)
    assert sorted(e["row"] for e in account.errors) == [3, 5]
    # payment detail keeps the file of each loaded row, not its line (numbering would cost the
    # parallel CSV read); the quarantined lines carry their exact numbers
    assert count(db, "SELECT count(*) FROM fund_payments WHERE source_row IS NULL") == 3


def test_an_unterminated_quote_accounts_for_every_line_it_swallows(db, tmp_path):
    header = "支付日期,资金编码,地区,预算单位,收款人,收款账户类型,金额（元）"
    good = "2022-03-18,ZD1,阿勒泰市,阿勒泰市教育局,某学校,零余额账户,100.00"
    broken = '2022-03-18,ZD1,阿勒泰市,阿勒泰市教育局,"未闭合,零余额账户,100.00'
    account = load_file(
        db, "payments", write_csv(tmp_path / "p.csv", [header, good, broken, good, good])
    )
    assert (account.rows_read, account.rows_loaded, account.rows_quarantined) == (4, 1, 3)
    assert "引号未闭合" in account.errors[0]["message"] and account.errors[0]["row"] == 3


def test_xlsx_row_numbers_are_the_ones_excel_shows_even_when_the_table_starts_lower(db, tmp_path):
    import xlsxwriter

    path = tmp_path / "offset.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    rows = [
        ["直达资金分配支出情况表"],
        ["单位：万元", "", "统计截止日期：2022年6月30日"],
        FUNDS_HEADER.split(","),
        [1, "火星县", "资金甲", "ZD1", "教育局", 10, 10, "", 1, "", "2022-03-01"],
        [2, "阿勒泰市", "资金乙", "ZD2", "教育局", 918.1, 918.1, "", 0.1 + 0.2, "", "2022-03-01"],
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r + 3, c + 2, value)  # the table starts at C4
    date_cell = workbook.add_format({"num_format": "yyyy年m月d日"})
    sheet.write_datetime(7, 12, datetime(2022, 3, 5), date_cell)  # a real date cell, row 8
    workbook.close()
    account = load_file(db, "funds", path)
    assert [(e["row"], e["column"]) for e in account.errors] == [(7, "地区")]
    paid = count(db, "SELECT paid_yuan FROM fund_snapshots WHERE fund_code = 'ZD2'")
    assert paid == Decimal("3000.00")  # 0.30000000000000004 万元, rounded to fen
    assert count(db, "SELECT received_yuan FROM fund_snapshots") == Decimal("9181000.00")
    assert str(count(db, "SELECT release_date FROM fund_snapshots")) == "2022-03-05"


def test_huge_amounts_load_or_are_quarantined_never_crash(db, tmp_path):
    lines = [
        *BAD_FUNDS[:3],
        "1,阿勒泰市,资金甲,ZD1,教育局,99000000.00,1.00,,1.00,,2022-03-15",  # 9900 亿元
        '2,阿勒泰市,资金乙,ZD2,教育局,"2,000,000,000,000.00",1.00,,1.00,,2022-03-15',
        ',合计,,,,"990,000,000,000.00",,,,,',
    ]
    account = load_file(db, "funds", write_csv(tmp_path / "funds.csv", lines))
    assert (account.rows_loaded, account.rows_quarantined, account.rows_skipped) == (1, 1, 1)
    assert "不是有效的金额" in account.errors[0]["message"]
    assert count(db, "SELECT received_yuan FROM fund_snapshots") == Decimal("990000000000.00")
