"""The brief as an Excel workbook (xlsxwriter): one sheet printed on one A4 page, native charts.

Numbers stay numbers (money in 万元 with the unit in the header and the number format, rates as
percentages, dates as dates) so they can be summed and checked. The sheet 简报 shows what the PDF
shows; when counties or escalations are left out to keep one page, sheet 明细 lists them all.
"""

import io
import math
from datetime import date
from decimal import Decimal

import xlsxwriter

from brief.model import BondCounty, Brief, Escalation, FundCounty, pay_by_text
from triggers.vocabulary import FUND_LEVELS, LEVELS, SUBSIDY
from triggers.wording import month

MAX_COUNTIES = 12
MAX_ESCALATIONS = 12
NAVY = "#1f3a5f"
BELL = "#ffe082"  # 黄色警铃 lighter than 黄灯 so stacked columns tell them apart (as in the PDF)
COLUMNS = 9
WIDTHS = (11, 8, 12, 13, 9, 9, 14, 15, 30)
WIDTH_TOTAL = sum(WIDTHS) - 4
# a unit or project name such as =HYPERLINK(...) from a ledger is text, never a formula or a link
SAFE_TEXT = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def _wan(yuan: Decimal | None) -> float | None:
    return None if yuan is None else float(yuan) / 10_000  # shown with 2 decimals, kept exact


class _Sheet:
    """A worksheet with the brief's formats and a cursor row."""

    def __init__(self, book: xlsxwriter.Workbook, name: str):
        self.book, self.ws, self.row = book, book.add_worksheet(name), 0
        font = {"font_name": "Microsoft YaHei", "font_size": 9, "valign": "vcenter"}
        cell = font | {"border": 1, "border_color": "#b0b7c3"}
        add = book.add_format
        self.f = {
            "title": add(
                font | {"font_size": 15, "bold": True, "font_color": NAVY, "align": "center"}
            ),
            "note": add(font | {"font_color": "#555555", "align": "center"}),
            "line": add(font | {"text_wrap": True}),
            "head": add(font | {"font_size": 11, "bold": True, "font_color": NAVY}),
            "th": add(
                cell
                | {
                    "bold": True,
                    "bg_color": NAVY,
                    "font_color": "#ffffff",
                    "align": "center",
                    "text_wrap": True,
                }
            ),
            "text": add(cell | {"text_wrap": True}),
            "int": add(cell | {"num_format": "#,##0", "align": "center"}),
            "wan": add(cell | {"num_format": '#,##0.00" 万元"'}),
            "pct": add(cell | {"num_format": "0.0%", "align": "center"}),
            "yoy": add(cell | {"num_format": '0.0"%"', "align": "center"}),
            "date": add(cell | {"num_format": 'yyyy"年"m"月"d"日"', "align": "center"}),
            "sum": add(
                cell
                | {"bold": True, "bg_color": "#eef1f5", "num_format": "#,##0", "align": "center"}
            ),
            "sum_wan": add(
                cell | {"bold": True, "bg_color": "#eef1f5", "num_format": '#,##0.00" 万元"'}
            ),
            "sum_pct": add(cell | {"bold": True, "bg_color": "#eef1f5", "num_format": "0.0%"}),
        }
        for level in (*FUND_LEVELS, "triggered"):
            colour = colour_of(level)
            ink = "#222222" if level in ("yellow", "yellow_bell") else "#ffffff"
            self.f[level] = add(
                cell | {"bg_color": colour, "font_color": ink, "align": "center", "bold": True}
            )

    def merged(self, text: str, fmt: str, height: float | None = None) -> None:
        self.ws.merge_range(self.row, 0, self.row, COLUMNS - 1, text, self.f[fmt])
        self.ws.set_row(self.row, height or _height(text, WIDTH_TOTAL))
        self.row += 1

    def _cells(self, row: int, cells: list[tuple], spans: dict[int, int]) -> None:
        col = 0
        for i, (value, fmt) in enumerate(cells):
            span = spans.get(i, 1)
            if span > 1:
                self.ws.merge_range(row, col, row, col + span - 1, value, self.f[fmt])
            else:
                write = self.ws.write_string if isinstance(value, str) else self.ws.write
                write(row, col, value, self.f[fmt])  # text from ledgers is never a formula
            col += span

    def table(
        self,
        headers: list[str],
        rows: list[list[tuple]],
        header_formats: dict | None = None,
        spans: dict[int, int] | None = None,
    ) -> tuple[int, int]:
        """Write headers and rows of (value, format) cells, cell i spanning spans[i] columns;
        return the first and last data row."""
        heads = [(text, (header_formats or {}).get(i, "th")) for i, text in enumerate(headers)]
        self._cells(self.row, heads, spans or {})
        for offset, cells in enumerate(rows, start=1):
            self._cells(self.row + offset, cells, spans or {})
        first = self.row + 1
        self.row += len(rows) + 1
        return first, self.row - 1


def _pixels(widths) -> int:
    return sum(int(w * 7 + 5) for w in widths)


def _height(text: str, width: float) -> float:
    """Return the row height (points) that shows `text` wrapped in `width` character units."""
    units = sum(1.7 if ord(ch) > 0x2E80 else 1.0 for ch in str(text))
    return 12.5 * max(1, math.ceil(units / width))


def colour_of(level: str) -> str:
    """Return the fill colour of a light (or of a triggered price linkage)."""
    if level == "triggered":
        return "#c62828"
    return BELL if level == "yellow_bell" else LEVELS.get(level, ("", "#777777"))[1]


def _date(value: date | None) -> tuple:
    return (value, "date") if value else ("—", "text")


def _subsidies(sheet: _Sheet, brief: Brief) -> None:
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
            (_wan(s.total_yuan) if s.total_yuan is not None else "—", "wan"),
            (pay_by_text(s) if s.triggered else "—", "text"),
            (s.reasons, "text"),
        ]
        for s in brief.subsidies
    ]
    first, _ = sheet.table(headers, rows)
    for r, line in enumerate(brief.subsidies, start=first):
        sheet.ws.set_row(
            r, max(_height(line.reasons, WIDTHS[8] - 1), _height(pay_by_text(line), WIDTHS[7] - 1))
        )


def _fund_rows(funds: list[FundCounty], brief: Brief) -> list[list[tuple]]:
    rows = [
        [
            (c.region_name, "text"),
            (c.red, "int"),
            (c.yellow, "int"),
            (c.yellow_bell, "int"),
            (c.green, "int"),
            (c.total, "int"),
            (c.spending_rate if c.spending_rate is not None else "—", "pct"),
        ]
        for c in funds
    ]
    totals = brief.fund_totals()
    rows.append(
        [
            ("合计", "sum"),
            *((totals[lv], "sum") for lv in FUND_LEVELS),
            (sum(totals.values()), "sum"),
            ("—", "sum"),
        ]
    )
    return rows


def _bond_rows(bonds: list[BondCounty], brief: Brief) -> list[list[tuple]]:
    rows = [
        [
            (c.region_name, "text"),
            (c.projects, "int"),
            (_wan(c.quota_yuan), "wan"),
            (_wan(c.spent_yuan), "wan"),
            (c.spending_rate if c.spending_rate is not None else "—", "pct"),
            (c.target_rate, "pct"),
            _date(c.deadline),
            _date(c.projected_date) if c.projected_date else ("按现进度难以达到", "text"),
            (LEVELS.get(c.level, (c.level,))[0], c.level if c.level in LEVELS else "text"),
        ]
        for c in bonds
    ]
    quota, spent, rate = brief.bond_totals()
    rows.append(
        [
            ("合计", "sum"),
            (sum(c.projects for c in brief.bonds), "sum"),
            (_wan(quota), "sum_wan"),
            (_wan(spent), "sum_wan"),
            (rate if rate is not None else "—", "sum_pct"),
            *(("", "sum") for _ in range(4)),
        ]
    )
    return rows


def _escalation_rows(steps: list[Escalation]) -> list[list[tuple]]:
    return [
        [
            (e.region_name, "text"),
            (e.project, "text"),
            (e.step_name, "text"),
            _date(e.step_on),
            (LEVELS.get(e.level, (e.level,))[0], e.level if e.level in LEVELS else "text"),
        ]
        for e in steps
    ]


FUND_HEADERS = ["县市", *(LEVELS[lv][0] for lv in FUND_LEVELS), "合计", "支出进度"]
BOND_HEADERS = [
    "县市",
    "项目数",
    "额度（万元）",
    "已支出（万元）",
    "支出进度",
    "目标",
    "截止日",
    "预计达到目标",
    "等级",
]
STEP_HEADERS = ["县市", "项目", "环节", "日期", "等级"]


def _fund_chart(sheet: _Sheet, first: int, last: int):
    chart = sheet.book.add_chart({"type": "column", "subtype": "stacked"})
    name = sheet.ws.name
    for col, lv in enumerate(FUND_LEVELS, start=1):
        chart.add_series(
            {
                "name": [name, first - 1, col],
                "categories": [name, first, 0, last, 0],
                "values": [name, first, col, last, col],
                "gap": 60,
                "fill": {"color": colour_of(lv)},
                "border": {"color": "#ffffff"},
            }
        )
    chart.set_title(
        {"name": "直达资金预警（按县市，项数）", "name_font": {"size": 10, "color": NAVY}}
    )
    chart.set_legend({"position": "top", "font": {"size": 8}})
    chart.set_y_axis(
        {
            "major_gridlines": {"visible": True, "line": {"color": "#e0e0e0"}},
            "num_font": {"size": 8},
        }
    )
    chart.set_x_axis({"num_font": {"size": 8, "rotation": -30}})
    return chart


def _bond_chart(sheet: _Sheet, bonds: list[BondCounty], first: int, last: int):
    name = sheet.ws.name
    chart = sheet.book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "支出进度",
            "categories": [name, first, 0, last, 0],
            "values": [name, first, 4, last, 4],
            "gap": 60,
            "points": [{"fill": {"color": colour_of(c.level)}} for c in bonds],
            "data_labels": {"value": True, "num_format": "0.0%", "font": {"size": 7}},
        }
    )
    target = sheet.book.add_chart({"type": "line"})
    target.add_series(
        {
            "name": "目标",
            "categories": [name, first, 0, last, 0],
            "values": [name, first, 5, last, 5],
            "line": {"color": "#333333", "dash_type": "dash", "width": 1.25},
        }
    )
    chart.combine(target)
    chart.set_title(
        {"name": "专项债券支出进度（虚线为目标）", "name_font": {"size": 10, "color": NAVY}}
    )
    chart.set_legend({"none": True})
    chart.set_y_axis(
        {
            "min": 0,
            "max": 1,
            "num_format": "0%",
            "num_font": {"size": 8},
            "major_gridlines": {"visible": True, "line": {"color": "#e0e0e0"}},
        }
    )
    chart.set_x_axis({"num_font": {"size": 8, "rotation": -30}})
    return chart


def _brief_sheet(book: xlsxwriter.Workbook, brief: Brief) -> int:
    sheet = _Sheet(book, "简报")
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
        FUND_HEADERS, _fund_rows(funds, brief), {i: lv for i, lv in enumerate(FUND_LEVELS, start=1)}
    )
    bonds, _ = brief.shown_bonds(MAX_COUNTIES)
    sheet.merged("三、专项债券支出进度与预测", "head", 18)
    bond_first, bond_last = sheet.table(BOND_HEADERS, _bond_rows(bonds, brief))
    chart_row = sheet.row + 1
    if funds:
        fund_chart = _fund_chart(sheet, fund_first, fund_last - 1)  # without the 合计 row
        fund_chart.set_size({"width": _pixels(WIDTHS[:5]) - 8, "height": 250})
        ws.insert_chart(chart_row, 0, fund_chart, {"x_offset": 2, "y_offset": 2})
    if bonds:
        bond_chart = _bond_chart(sheet, bonds, bond_first, bond_last - 1)
        bond_chart.set_size({"width": _pixels(WIDTHS[5:]) - 4, "height": 250})
        ws.insert_chart(chart_row, 5, bond_chart, {"x_offset": 2, "y_offset": 2})
    sheet.row = chart_row + 14
    sheet.merged("四、督办升级（告知 → 提醒 → 约谈 → 移交问题线索）", "head", 18)
    if brief.escalations:
        steps = _escalation_rows(list(brief.escalations[:MAX_ESCALATIONS]))
        sheet.table(STEP_HEADERS, steps, spans={1: 4})
    else:
        sheet.merged("无在办督办事项。", "line")
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
    sheet = _Sheet(book, "明细")
    sheet.ws.set_column(0, 0, 14)
    sheet.ws.set_column(1, 8, 13)
    sheet.merged("直达资金预警（全部县市）", "head", 18)
    sheet.table(FUND_HEADERS, _fund_rows(list(brief.funds), brief))
    sheet.merged("专项债券支出进度与预测（全部县市）", "head", 18)
    sheet.table(BOND_HEADERS, _bond_rows(list(brief.bonds), brief))
    sheet.merged("督办升级（全部在办事项）", "head", 18)
    sheet.table(STEP_HEADERS, _escalation_rows(list(brief.escalations)), spans={1: 4})


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
