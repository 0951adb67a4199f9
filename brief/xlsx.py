"""The brief as an Excel workbook (xlsxwriter): one sheet printed on one A4 page, native charts.

Numbers stay numbers (money in 万元 with the unit in the header and the number format, rates as
percentages, dates as dates) so they can be summed and checked. The sheet 简报 shows what the PDF
shows; when counties or escalations are left out to keep one page, sheet 明细 lists them all.
"""

import io

import xlsxwriter

from brief.model import Brief, pay_by_text
from brief.xlsx_charts import add_bond_chart, add_fund_chart
from brief.xlsx_commitments import write_commitments
from brief.xlsx_rows import (
    BOND_HEADERS,
    FUND_HEADERS,
    STEP_HEADERS,
    bond_rows,
    escalation_rows,
    fund_rows,
    wan,
)
from brief.xlsx_sheet import WIDTHS, Sheet, pixels, row_height
from triggers.vocabulary import FUND_LEVELS, SUBSIDY
from triggers.wording import month

MAX_COUNTIES = 12
MAX_ESCALATIONS = 12
# a unit or project name such as =HYPERLINK(...) from a ledger is text, never a formula or a link
SAFE_TEXT = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def _subsidies(sheet: Sheet, brief: Brief) -> None:
    sheet.merged(f"一、价格临时补贴联动（{month(brief.index_month)}指数）", "head", 18)
    if not brief.subsidies:
        sheet.merged("该月价格指数尚无评估结果（未发布或未导入）。", "line")
        return
    headers = [
        "执行口径",
        "状态",
        "CPI 同比",
        "食品同比",
        "人数",
        "每人（元）",
        "资金（万元）",
        "发放期限",
        "判定依据",
    ]
    rows = [
        [
            (s.region_name, "text"),
            (SUBSIDY.get(s.status, s.status), "triggered" if s.triggered else "text"),
            (float(s.cpi_yoy_pct) if s.cpi_yoy_pct is not None else "—", "yoy"),
            (float(s.food_yoy_pct) if s.food_yoy_pct is not None else "—", "yoy"),
            (s.persons if s.persons else "—", "int"),
            (s.per_person_yuan or "按标准", "int"),
            (wan(s.total_yuan) if s.total_yuan is not None else "—", "wan"),
            (pay_by_text(s) if s.triggered else "—", "text"),
            (s.reasons, "text"),
        ]
        for s in brief.subsidies
    ]
    first, _ = sheet.table(headers, rows)
    for r, line in enumerate(brief.subsidies, start=first):
        sheet.ws.set_row(
            r,
            max(
                row_height(line.reasons, WIDTHS[8] - 1),
                row_height(pay_by_text(line), WIDTHS[7] - 1),
            ),
        )


def _brief_sheet(book: xlsxwriter.Workbook, brief: Brief) -> int:
    sheet = Sheet(book, "简报")
    ws = sheet.ws
    ws.set_paper(9)  # A4
    ws.set_portrait()
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.4, right=0.4, top=0.4, bottom=0.4)
    ws.hide_gridlines(2)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    sheet.merged(brief.title, "title", 24)
    sheet.merged(brief.as_of_note, "note", 15)
    for text in brief.headlines():
        sheet.merged(f"■ {text}", "line")
    _subsidies(sheet, brief)
    funds, _ = brief.shown_funds(MAX_COUNTIES)
    sheet.merged("二、直达资金预警", "head", 18)
    fund_first, fund_last = sheet.table(
        FUND_HEADERS, fund_rows(funds, brief), {i: lv for i, lv in enumerate(FUND_LEVELS, start=1)}
    )
    bonds, _ = brief.shown_bonds(MAX_COUNTIES)
    sheet.merged("三、专项债券支出进度与预测", "head", 18)
    bond_first, bond_last = sheet.table(BOND_HEADERS, bond_rows(bonds, brief))
    chart_row = sheet.row + 1
    if funds:
        fund_chart = add_fund_chart(sheet, fund_first, fund_last - 1)  # without the 合计 row
        fund_chart.set_size({"width": pixels(WIDTHS[:5]) - 8, "height": 250})
        ws.insert_chart(chart_row, 0, fund_chart, {"x_offset": 2, "y_offset": 2})
    if bonds:
        bond_chart = add_bond_chart(sheet, bonds, bond_first, bond_last - 1)
        bond_chart.set_size({"width": pixels(WIDTHS[5:]) - 4, "height": 250})
        ws.insert_chart(chart_row, 5, bond_chart, {"x_offset": 2, "y_offset": 2})
    sheet.row = chart_row + 14
    sheet.merged("四、督办升级（告知 → 提醒 → 约谈 → 移交问题线索）", "head", 18)
    if brief.escalations:
        steps = escalation_rows(list(brief.escalations[:MAX_ESCALATIONS]))
        sheet.table(STEP_HEADERS, steps, spans={1: 4})
    else:
        sheet.merged("无在办督办事项。", "line")
    write_commitments(sheet, brief.commitments)
    left = len(brief.funds) - len(funds) + len(brief.bonds) - len(bonds)
    left += max(0, len(brief.escalations) - MAX_ESCALATIONS)
    if left:
        sheet.merged(
            "为保持一页，表中仅列最需关注的县市与督办事项（合计含全部）；完整名单见「明细」表。",
            "note",
        )
    sheet.merged(
        f"数据来源：policy-monitor 已发布只读副本；评估日期 {brief.evaluated_as_of.isoformat()}。",
        "note",
    )
    return left


def _detail_sheet(book: xlsxwriter.Workbook, brief: Brief) -> None:
    sheet = Sheet(book, "明细")
    sheet.ws.set_column(0, 0, 14)
    sheet.ws.set_column(1, 8, 13)
    sheet.merged("直达资金预警（全部县市）", "head", 18)
    sheet.table(FUND_HEADERS, fund_rows(list(brief.funds), brief))
    sheet.merged("专项债券支出进度与预测（全部县市）", "head", 18)
    sheet.table(BOND_HEADERS, bond_rows(list(brief.bonds), brief))
    sheet.merged("督办升级（全部在办事项）", "head", 18)
    sheet.table(STEP_HEADERS, escalation_rows(list(brief.escalations)), spans={1: 4})


def render_xlsx(brief: Brief) -> bytes:
    """Return the brief as an .xlsx workbook (sheet 简报, plus 明细 when rows were left out)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, **SAFE_TEXT})
    book.set_properties(
        {"title": brief.title, "subject": brief.as_of_note, "author": "policy-monitor"}
    )
    if _brief_sheet(book, brief):
        _detail_sheet(book, brief)
    book.close()
    return buffer.getvalue()
