"""Rate and share caps led by the finance bureau: guarantee fees and the SME share of procurement.

- ``guarantees_654300_YYYY-09-30.xlsx`` — 阿勒泰地区's 政府性融资担保业务台账 in 万元 (cap 0.8 %):
  one fee exactly on the line (0.8%), one above it (1.2%), the others below; rates written both
  with and without the sign, as the bureaus write them.
- ``guarantees_653000_YYYY-09-30.xlsx`` — 克州's ledger (cap 1 %): one exactly 1%, one 1.5%.
- ``guarantees_652302_YYYY-09-30.xlsx`` — 阜康市's ledger (cap 1 %): one exactly 1.00, one 0.9%.
- ``procurement_654300_YYYY-09-30.xlsx`` — 政府采购项目台账 in 万元: above the 2 M (goods,
  services) and 4 M (works) yuan lines one project reserves exactly 40 % for SMEs, one 35 %
  (below the share), the others more; two projects under the lines are reserved in full.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from samples._common import cn_date, header_format, new_workbook, pct_text, title_format

GUARANTEE_HEADER = (
    "序号",
    "地区",
    "担保机构",
    "被担保企业",
    "担保金额",
    "担保费率（%）",
    "担保起始日期",
    "担保到期日期",
)
ALTAY_GUARANTOR = "阿勒泰地区融资担保有限公司"
KIZILSU_GUARANTOR = "克孜勒苏柯尔克孜自治州融资担保有限公司"
# (file's region code, its name, [(county, guarantor, borrower, 万元, fee as written, month, day)])
GUARANTEES = (
    (
        "654300",
        "阿勒泰地区",
        (
            ("阿勒泰市", ALTAY_GUARANTOR, "金山建材有限公司", "500.00", "0.8%", 3, 1),
            ("布尔津县", ALTAY_GUARANTOR, "喀纳斯旅游服务有限公司", "120.00", "0.5", 4, 2),
            ("富蕴县", ALTAY_GUARANTOR, "可可托海矿业有限公司", "300.00", "1.2%", 5, 10),
            ("青河县", ALTAY_GUARANTOR, "青河农牧专业合作社", "80.00", "0.6", 6, 1),
            ("哈巴河县", ALTAY_GUARANTOR, "白桦林食品有限公司", "150.00", "0.80", 7, 18),
        ),
    ),
    (
        "653000",
        "克孜勒苏柯尔克孜自治州",
        (
            ("阿图什市", KIZILSU_GUARANTOR, "昆仑山建材有限公司", "200.00", "1%", 3, 15),
            ("阿克陶县", KIZILSU_GUARANTOR, "帕米尔农产品有限公司", "90.00", "0.9%", 5, 6),
            ("乌恰县", KIZILSU_GUARANTOR, "托云牧业有限公司", "60.00", "1.5%", 6, 20),
        ),
    ),
    (
        "652302",
        "阜康市",
        (
            ("阜康市", "阜康市融资担保有限公司", "天池果业有限公司", "150.00", "1.00", 4, 8),
            ("阜康市", "阜康市融资担保有限公司", "甘河子建材有限公司", "75.00", "0.9%", 7, 1),
        ),
    ),
)
PROCUREMENT_HEADER = (
    "序号",
    "地区",
    "采购项目",
    "采购单位",
    "采购类别",
    "预算金额",
    "面向中小企业预留金额",
    "预留比例",
    "公告日期",
)
# county, project, purchaser, category, budget 万元, reserved 万元, announced (month, day)
PROCUREMENT = (
    ("阿勒泰市", "办公设备采购项目", "阿勒泰市教育局", "货物", "250.00", "100.00", (5, 10)),
    ("布尔津县", "物业管理服务项目", "布尔津县人民医院", "服务", "300.00", "105.00", (6, 1)),
    ("富蕴县", "道路维修改造工程", "富蕴县交通运输局", "工程", "600.00", "270.00", (7, 15)),
    ("福海县", "校舍维修工程", "福海县教育局", "工程", "380.00", "380.00", (8, 3)),
    ("青河县", "医疗设备采购项目", "青河县卫健委", "货物", "180.00", "180.00", (8, 20)),
    ("吉木乃县", "信息化运维服务", "吉木乃县政务服务中心", "服务", "420.00", "210.00", (9, 5)),
)


def _ledger(path: Path, year: int, title: str, header: tuple[str, ...], as_of: date):
    workbook = new_workbook(path, year)
    sheet = workbook.add_worksheet("台账")
    sheet.set_column(0, len(header) - 1, 18)
    sheet.merge_range(0, 0, 0, len(header) - 1, title, title_format(workbook))
    sheet.write_string(1, 0, "单位：万元")
    sheet.write_string(1, len(header) - 2, f"统计截止日期：{cn_date(as_of)}")
    sheet.write_row(2, 0, header, header_format(workbook))
    return workbook, sheet, workbook.add_format({"border": 1})


def write_guarantees(directory: Path, year: int, code: str, name: str, rows) -> Path:
    as_of = date(year, 9, 30)
    path = directory / f"guarantees_{code}_{as_of.isoformat()}.xlsx"
    title = f"{name}政府性融资担保业务台账"
    workbook, sheet, cell = _ledger(path, year, title, GUARANTEE_HEADER, as_of)
    for i, (county, guarantor, borrower, amount, fee, month, day) in enumerate(rows):
        started = date(year, month, day)
        ends = date(year + 1, month, day)
        values = [county, guarantor, borrower, amount]
        if fee.endswith("%"):
            values.append(fee)
        sheet.write_number(3 + i, 0, i + 1, cell)
        sheet.write_row(3 + i, 1, values, cell)
        if not fee.endswith("%"):  # a number cell, as a rate typed without its sign is
            sheet.write_number(3 + i, 5, float(fee), cell)
        sheet.write_row(3 + i, 6, [started.isoformat(), ends.isoformat()], cell)
    workbook.close()
    return path


def write_procurement(directory: Path, year: int) -> Path:
    as_of = date(year, 9, 30)
    path = directory / f"procurement_654300_{as_of.isoformat()}.xlsx"
    title = "阿勒泰地区政府采购项目台账"
    workbook, sheet, cell = _ledger(path, year, title, PROCUREMENT_HEADER, as_of)
    for i, (county, project, purchaser, category, budget, reserved, on) in enumerate(PROCUREMENT):
        share = pct_text(Decimal(reserved), Decimal(budget))  # display only: not loaded
        sheet.write_number(3 + i, 0, i + 1, cell)
        sheet.write_row(
            3 + i,
            1,
            [county, project, purchaser, category, budget, reserved, share],
            cell,
        )
        sheet.write_string(3 + i, 8, date(year, *on).isoformat(), cell)
    workbook.close()
    return path


def write_caps(directory: Path, year: int, seed: int) -> list[Path]:
    paths = [write_guarantees(directory, year, *ledger) for ledger in GUARANTEES]
    paths.append(write_procurement(directory, year))
    return paths
