"""Commitment sources: arrears ledger (清欠台账), measures table, daily reports, bond issues.

- ``arrears_654300_YYYY-MM-DD.xlsx`` x 3 (30 June, 30 September, 31 December) — the prefecture's
  ledger of arrears to SMEs in 万元: the same debts each time, repaid step by step; one disputed
  (青河县), two repaid in part on a plan (富蕴县, 布尔津县), one past its plan date (31 August)
  and unpaid at the September ledger (福海县, repaid by December).
- ``measures_654300_YYYY.xlsx`` — the package's measures with lead and responsible units and
  their report requirement (每日17:00前, 每周五18:00前, 每月5日前); its 地区 column keeps them
  apart from another prefecture's measures of the same number.
- ``daily_reports_654300_YYYY-08-DD.xlsx`` x 3 (24-26 August) — lead units' daily reports with
  their submission time; some arrive after 17:00, one unit misses a day.
- ``bond_issuance_654300_YYYY.xlsx`` — the special bonds issued to each county in two tranches
  whose sum per county is its quota in the special-bond ledger.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from samples._common import (
    COUNTY_NAMES,
    cn_date,
    header_format,
    money_text,
    new_workbook,
    title_format,
)
from samples.special_bonds import build_projects

ARREARS_HEADER = (
    "序号",
    "地区",
    "欠款单位",
    "债权企业",
    "欠款金额",
    "是否有分歧",
    "还款计划日期",
    "已清偿金额",
    "清偿日期",
    "主管部门",
)
# county, debtor's department, creditor, owed 万元, disputed, planned by (month, day) or None,
# repaid 万元 at the June, September and December ledgers
DEBTS = (
    (
        "阿勒泰市",
        "住建局",
        "金山建筑工程有限公司",
        "86.50",
        "否",
        None,
        ("86.50", "86.50", "86.50"),
    ),
    (
        "富蕴县",
        "交通运输局",
        "可可托海路桥有限公司",
        "320.00",
        "否",
        (11, 30),
        ("120.00", "220.00", "320.00"),
    ),
    ("青河县", "教育局", "三道海子教育装备有限公司", "45.20", "是", None, ("0.00", "0.00", "0.00")),
    ("吉木乃县", "卫健委", "萨吾尔医药有限公司", "12.80", "否", None, ("0.00", "12.80", "12.80")),
    (
        "福海县",
        "住建局",
        "乌伦古湖建设工程有限公司",
        "64.00",
        "否",
        (8, 31),
        ("0.00", "0.00", "64.00"),
    ),
    (
        "布尔津县",
        "水利局",
        "额尔齐斯河水利工程有限公司",
        "210.00",
        "否",
        (12, 31),
        ("50.00", "120.00", "180.00"),
    ),
    (
        "哈巴河县",
        "农业农村局",
        "白桦林农机服务有限公司",
        "18.60",
        "否",
        None,
        ("18.60", "18.60", "18.60"),
    ),
)
ARREARS_DATES = ((6, 30), (9, 30), (12, 31))

MEASURES = (
    (
        "1",
        "全面落实留抵退税政策",
        "地区财政局、国家税务总局阿勒泰地区税务局",
        "各县（市）人民政府",
        "每日17:00前报送",
    ),
    (
        "2",
        "加快专项债券发行使用",
        "地区财政局、地区发展改革委",
        "各县（市）人民政府",
        "每日17:00前报送",
    ),
    (
        "3",
        "清理拖欠中小企业账款",
        "地区工信局",
        "地区财政局，各县（市）人民政府",
        "每周五18:00前报送",
    ),
    ("4", "政府采购支持中小企业", "地区财政局", "地区政务服务和公共资源交易中心", "每月5日前报送"),
    (
        "5",
        "降低融资担保费率",
        "地区财政局",
        "地区金融工作办公室；各县（市）人民政府",
        "每日17:00前报送",
    ),
)
DAILY_HEADER = ("单位", "日期", "报送时间", "措施序号", "完成情况", "存在问题", "下一步计划")
# day of August → (unit, time, measure no., progress, problems, next steps); 17:00 is the line
DAILY = {
    24: (
        ("地区财政局", "16:35", "1", "本日办理留抵退税 12 户", "无", "继续加快办理"),
        (
            "地区财政局",
            "16:35",
            "2",
            "专项债券资金支出 1,230 万元",
            "个别项目进度慢",
            "督促项目单位",
        ),
        ("地区发展改革委", "16:58", "2", "项目开工 3 个", "无", "跟踪开工项目"),
        ("地区财政局", "16:35", "5", "担保费率已降至 0.8%", "无", "继续跟踪"),
    ),
    25: (
        ("地区财政局", "16:59", "1", "本日办理留抵退税 9 户", "无", "继续加快办理"),
        ("地区财政局", "16:59", "2", "专项债券资金支出 860 万元", "无", "督促项目单位"),
        ("地区发展改革委", "17:01", "2", "项目开工 1 个", "征地未完成", "协调自然资源局"),
        ("地区财政局", "16:59", "5", "新增担保业务 4 笔", "无", "继续跟踪"),
    ),
    26: (
        ("地区财政局", "17:20", "1", "本日办理留抵退税 15 户", "系统切换延误", "8月29日前补报"),
        ("地区财政局", "17:20", "2", "专项债券资金支出 2,045 万元", "无", "督促项目单位"),
        ("地区财政局", "17:20", "5", "担保费率保持 0.8%", "无", "继续跟踪"),
    ),
}
ISSUANCE_HEADER = ("序号", "地区", "债券名称", "债券代码", "发行金额", "发行日期")
TRANCHES = ((3, 15, "一期", "2205301", Decimal("0.6")), (5, 20, "二期", "2205302", Decimal("0.4")))


def write_arrears(directory: Path, year: int, snapshot: int) -> Path:
    as_of = date(year, *ARREARS_DATES[snapshot])
    path = directory / f"arrears_654300_{as_of.isoformat()}.xlsx"
    workbook = new_workbook(path, year)
    sheet = workbook.add_worksheet("清欠台账")
    cell = workbook.add_format({"border": 1})
    sheet.set_column(0, 9, 16)
    sheet.merge_range(0, 0, 0, 9, "阿勒泰地区拖欠中小企业账款台账", title_format(workbook))
    sheet.write_string(1, 0, "填报单位：阿勒泰地区财政局")
    sheet.write_string(1, 7, f"统计截止日期：{cn_date(as_of)}")
    sheet.write_string(2, 0, "单位：万元")
    sheet.write_row(3, 0, ARREARS_HEADER, header_format(workbook))
    owed_total = repaid_total = Decimal(0)
    for i, (county, department, creditor, owed, disputed, plan, repaid) in enumerate(DEBTS):
        paid = Decimal(repaid[snapshot])
        # the last payment: ten days before the first ledger showing the amount repaid now
        first = min(k for k in range(snapshot + 1) if repaid[k] == repaid[snapshot])
        paid_on = date(year, *ARREARS_DATES[first]) - timedelta(days=10) if paid else None
        planned = cn_date(date(year, *plan)) if plan else ""
        sheet.write_number(4 + i, 0, i + 1, cell)
        sheet.write_row(
            4 + i,
            1,
            [
                county,
                f"{county}{department}",
                creditor,
                owed,
                disputed,
                planned,
                money_text(paid),
                paid_on.isoformat() if paid_on else "",
                department,
            ],
            cell,
        )
        owed_total, repaid_total = owed_total + Decimal(owed), repaid_total + paid
    total = 4 + len(DEBTS)
    sheet.write_row(
        total,
        0,
        ["合计", "", "", "", money_text(owed_total), "", "", money_text(repaid_total), "", ""],
        cell,
    )
    sheet.write_string(total + 1, 0, "注：“是否有分歧”指双方对欠款金额或支付条件存在争议。")
    workbook.close()
    return path


def write_measures(directory: Path, year: int) -> Path:
    path = directory / f"measures_654300_{year}.xlsx"
    workbook = new_workbook(path, year)
    sheet = workbook.add_worksheet("责任分解")
    cell = workbook.add_format({"border": 1, "text_wrap": True})
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 5, 30)
    sheet.merge_range(0, 0, 0, 5, "阿勒泰地区稳经济政策措施责任分解表", title_format(workbook))
    header = ("序号", "措施", "牵头单位", "责任单位", "报送要求", "地区")
    sheet.write_row(1, 0, header, header_format(workbook))
    for i, (number, *texts) in enumerate(MEASURES):
        sheet.write_number(2 + i, 0, int(number), cell)
        sheet.write_row(2 + i, 1, [*texts, "阿勒泰地区"], cell)
    workbook.close()
    return path


def write_daily_report(directory: Path, year: int, day: int) -> Path:
    on = date(year, 8, day)
    path = directory / f"daily_reports_654300_{on.isoformat()}.xlsx"
    workbook = new_workbook(path, year)
    sheet = workbook.add_worksheet("每日报送")
    cell = workbook.add_format({"border": 1, "text_wrap": True})
    sheet.set_column(0, 6, 18)
    title = f"政策措施贯彻落实情况日报（{cn_date(on)}）"
    sheet.merge_range(0, 0, 0, 6, title, title_format(workbook))
    sheet.write_row(1, 0, DAILY_HEADER, header_format(workbook))
    for i, (unit, at, number, *texts) in enumerate(DAILY[day]):
        sheet.write_row(2 + i, 0, [unit, on.isoformat(), at, number, *texts], cell)
    workbook.close()
    return path


def write_bond_issuance(directory: Path, year: int, seed: int) -> Path:
    quotas = {county: Decimal(0) for county in COUNTY_NAMES}
    for project in build_projects(year, seed):
        quotas[project.county] += project.quota
    path = directory / f"bond_issuance_654300_{year}.xlsx"
    workbook = new_workbook(path, year)
    sheet = workbook.add_worksheet("债券发行")
    cell = workbook.add_format({"border": 1})
    sheet.set_column(0, 5, 20)
    sheet.set_column(2, 2, 40)
    title = f"{year}年新增专项债券发行情况表"
    sheet.merge_range(0, 0, 0, 5, title, title_format(workbook))
    sheet.write_string(1, 0, "单位：万元")
    sheet.write_row(2, 0, ISSUANCE_HEADER, header_format(workbook))
    row, total = 3, Decimal(0)
    for month, day, tranche, code, share in TRANCHES:
        name = f"{year}年新疆维吾尔自治区政府专项债券（{tranche}）"
        for county in COUNTY_NAMES:
            amount = quotas[county] * share
            sheet.write_number(row, 0, row - 2, cell)
            issued_on = date(year, month, day).isoformat()
            sheet.write_row(row, 1, [county, name, code, money_text(amount), issued_on], cell)
            row, total = row + 1, total + amount
    sheet.write_row(row, 0, ["", "合计", "", "", money_text(total), ""], cell)
    workbook.close()
    return path


def write_commitments(directory: Path, year: int, seed: int) -> list[Path]:
    paths = [write_arrears(directory, year, i) for i in range(len(ARREARS_DATES))]
    paths.append(write_measures(directory, year))
    paths += [write_daily_report(directory, year, day) for day in sorted(DAILY)]
    paths.append(write_bond_issuance(directory, year, seed))
    return paths
