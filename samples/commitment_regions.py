"""Commitment ledgers of the other regions whose promises the shipped rules check.

- ``arrears_530112_YYYY-09-30.xlsx`` and ``…-12-31.xlsx`` — 昆明市西山区's 清欠台账 in 元 (every
  debt under 2,000,000 yuan repaid in full by 31 December): a debt of 1,999,999.99 yuan (under
  the line, repaid in December), one of exactly 2,000,000.00 (on the line: not under it), one
  under the line still unpaid at the year end, one repaid in part, one disputed.
- ``bond_issuance_530112_YYYY.xlsx`` — 西山区's special bonds in 亿元: 29.995 亿元 in three
  tranches, just UNDER the 3,000,000,000-yuan target (short by 500,000 yuan).
- ``arrears_652302_YYYY-09-30.xlsx`` — 阜康市's special-action ledger in 万元 (cleared by
  2024-12-31): one debt on a plan and repaid in part, one repaid, one on a later plan.
- ``measures_653000_YYYY.xlsx`` and ``daily_reports_653000_YYYY-09-DD.xlsx`` x 3 (28-30
  September) — 克州's measures, each due every day before 17:00, and its lead units' reports:
  on the 29th 自治州工信局 reports at 17:01 (late) and 自治州财政局 at 16:59 (on time); on the
  30th 自治州工信局 sends nothing (missing).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from samples._common import cn_date, header_format, money_text, new_workbook, title_format
from samples.commitments import ARREARS_HEADER, DAILY_HEADER

# debtor, creditor, owed, disputed, plan date, repaid at (September, December)
XISHAN_DEBTS = (
    ("西山区住房和城乡建设局", "滇池建设工程有限公司", "1999999.99", "否", None, ("0", "1999999.99")),
    ("西山区水务局", "碧鸡水务工程有限公司", "2000000.00", "否", "2023-06-30", ("500000", "1000000")),
    ("西山区教育体育局", "海埂教学设备有限公司", "850000.00", "否", None, ("0", "0")),
    ("西山区交通运输局", "前卫路桥有限公司", "1200000.00", "否", None, ("300000", "700000")),
    ("西山区卫生健康局", "西华医疗器械有限公司", "320000.00", "是", None, ("0", "0")),
    ("西山区城市管理局", "马街环卫服务有限公司", "460000.00", "否", None, ("460000", "460000")),
)  # fmt: skip
XISHAN_TRANCHES = (
    (3, 15, "一期", "2205101", "12.00"),
    (6, 20, "五期", "2205105", "9.80"),
    (9, 26, "十期", "2205110", "8.195"),
)
FUKANG_DEBTS = (  # 万元
    ("阜康市住房和城乡建设局", "天池建筑安装有限公司", "156.00", "否", "2023-06-30", "60.00"),
    ("阜康市工业和信息化局", "准东煤化设备有限公司", "42.50", "否", None, "42.50"),
    ("阜康市农业农村局", "博格达农资有限公司", "18.30", "否", "2024-06-30", "0.00"),
)
KIZILSU = "克孜勒苏柯尔克孜自治州"
KIZILSU_MEASURES = (
    ("1", "促进市场主体复工复市", "自治州工信局", "市场监督管理局，各县（市）人民政府"),
    ("3", "减免市场主体房屋租金", "自治州财政局", "自治州发展改革委，各县（市）人民政府"),
    ("5", "落实小微企业融资担保费奖补政策", "自治州财政局", "克孜勒苏银保监分局"),
)
# day of September → (unit, time, measure no., progress); 工信局 misses the 30th
KIZILSU_REPORTS = {
    28: (
        ("自治州工信局", "16:30", "1", "复工复市企业 431 户"),
        ("自治州财政局", "16:45", "3", "已减免国有房屋租金 52 户"),
        ("自治州财政局", "16:45", "5", "担保费奖补资金已拨付 120 万元"),
    ),
    29: (
        ("自治州工信局", "17:01", "1", "复工复市企业 436 户"),
        ("自治州财政局", "16:59", "3", "已减免国有房屋租金 55 户"),
        ("自治州财政局", "16:59", "5", "担保费率保持 1%"),
    ),
    30: (
        ("自治州财政局", "16:20", "3", "已减免国有房屋租金 58 户"),
        ("自治州财政局", "16:20", "5", "担保费率保持 1%"),
    ),
}


def _sheet(path: Path, year: int, title: str, width: int):
    workbook = new_workbook(path, year)
    sheet = workbook.add_worksheet("台账")
    sheet.set_column(0, width - 1, 18)
    sheet.merge_range(0, 0, 0, width - 1, title, title_format(workbook))
    return workbook, sheet, workbook.add_format({"border": 1, "text_wrap": True})


def _arrears(path, year, title, unit, as_of, debts) -> Path:
    workbook, sheet, cell = _sheet(path, year, title, len(ARREARS_HEADER))
    sheet.write_string(1, 0, f"统计截止日期：{cn_date(as_of)}")
    sheet.write_string(2, 0, f"单位：{unit}")
    sheet.write_row(3, 0, ARREARS_HEADER, header_format(workbook))
    for i, (region, debtor, creditor, owed, disputed, plan, repaid, repaid_on) in enumerate(debts):
        sheet.write_number(4 + i, 0, i + 1, cell)
        values = [region, debtor, creditor, owed, disputed, plan or "", repaid, repaid_on]
        sheet.write_row(4 + i, 1, [*values, debtor.removeprefix(region)], cell)
    workbook.close()
    return path


def write_xishan_arrears(directory: Path, year: int, snapshot: int) -> Path:
    as_of = (date(year, 9, 30), date(year, 12, 31))[snapshot]
    debts = []
    for debtor, creditor, owed, disputed, plan, repaid in XISHAN_DEBTS:
        paid = Decimal(repaid[snapshot])
        first = 0 if Decimal(repaid[0]) == paid else 1
        on = (date(year, 9, 30), date(year, 12, 31))[first] - timedelta(days=12) if paid else None
        paid_on = on.isoformat() if on else ""
        debts.append(("西山区", debtor, creditor, money_text(Decimal(owed)), disputed, plan,
                      money_text(paid), paid_on))  # fmt: skip
    path = directory / f"arrears_530112_{as_of.isoformat()}.xlsx"
    return _arrears(path, year, "昆明市西山区拖欠中小企业账款台账", "元", as_of, debts)


def write_fukang_arrears(directory: Path, year: int) -> Path:
    as_of = date(year, 9, 30)
    debts = [
        ("阜康市", debtor, creditor, owed, disputed, plan, repaid,
         date(year, 9, 12).isoformat() if Decimal(repaid) else "")
        for debtor, creditor, owed, disputed, plan, repaid in FUKANG_DEBTS
    ]  # fmt: skip
    path = directory / f"arrears_652302_{as_of.isoformat()}.xlsx"
    return _arrears(path, year, "阜康市清理拖欠中小企业账款专项行动台账", "万元", as_of, debts)


def write_xishan_issuance(directory: Path, year: int) -> Path:
    path = directory / f"bond_issuance_530112_{year}.xlsx"
    header = ("序号", "地区", "债券名称", "债券代码", "发行金额", "发行日期")
    workbook, sheet, cell = _sheet(path, year, f"{year}年西山区新增专项债券发行情况表", 6)
    sheet.write_string(1, 0, "单位：亿元")
    sheet.write_row(2, 0, header, header_format(workbook))
    for i, (month, day, tranche, code, amount) in enumerate(XISHAN_TRANCHES):
        name = f"{year}年云南省政府专项债券（{tranche}）"
        issued_on = date(year, month, day).isoformat()
        sheet.write_number(3 + i, 0, i + 1, cell)
        sheet.write_row(3 + i, 1, ["西山区", name, code, amount, issued_on], cell)
    total = sum(Decimal(t[4]) for t in XISHAN_TRANCHES)
    sheet.write_row(3 + len(XISHAN_TRANCHES), 0, ["", "合计", "", "", str(total), ""], cell)
    workbook.close()
    return path


def write_kizilsu_measures(directory: Path, year: int) -> Path:
    path = directory / f"measures_653000_{year}.xlsx"
    workbook, sheet, cell = _sheet(path, year, "自治州助企纾困政策措施责任分解表", 6)
    header = ("序号", "措施", "牵头单位", "责任单位", "报送要求", "地区")
    sheet.write_row(1, 0, header, header_format(workbook))
    for i, (number, *texts) in enumerate(KIZILSU_MEASURES):
        sheet.write_number(2 + i, 0, int(number), cell)
        sheet.write_row(2 + i, 1, [*texts, "每日17:00前报送", KIZILSU], cell)
    workbook.close()
    return path


def write_kizilsu_report(directory: Path, year: int, day: int) -> Path:
    on = date(year, 9, day)
    path = directory / f"daily_reports_653000_{on.isoformat()}.xlsx"
    title = f"自治州政策措施贯彻落实情况日报（{cn_date(on)}）"
    workbook, sheet, cell = _sheet(path, year, title, len(DAILY_HEADER))
    sheet.write_row(1, 0, DAILY_HEADER, header_format(workbook))
    for i, (unit, at, number, progress) in enumerate(KIZILSU_REPORTS[day]):
        sheet.write_row(
            2 + i, 0, [unit, on.isoformat(), at, number, progress, "无", "继续推进"], cell
        )
    workbook.close()
    return path


def write_commitment_regions(directory: Path, year: int, seed: int) -> list[Path]:
    paths = [write_xishan_arrears(directory, year, i) for i in (0, 1)]
    paths.append(write_xishan_issuance(directory, year))
    paths.append(write_fukang_arrears(directory, year))
    paths.append(write_kizilsu_measures(directory, year))
    paths += [write_kizilsu_report(directory, year, day) for day in sorted(KIZILSU_REPORTS)]
    return paths
