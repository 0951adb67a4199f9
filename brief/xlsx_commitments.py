"""The Excel brief's 承诺事项 section: red/yellow counts per commitment and the red items (the
first few, then "及其他 N 项"); money in 万元 as numbers, deadlines as dates, text as text."""

from brief.commitments import Commitments
from brief.xlsx_rows import wan
from brief.xlsx_sheet import WIDTHS, Sheet, row_height

HEAD = "五、承诺事项（红灯优先）"
LINE_HEADERS = ["承诺事项", "红灯", "黄灯", "绿灯", "未完成（万元）", "其中逾期（万元）", "有分歧"]
LINE_SPANS = {0: 3}
ITEM_HEADERS = ["地区", "承诺事项", "事项", "牵头单位", "期限", "原因"]
ITEM_SPANS = {1: 2, 2: 2, 5: 2}


EXACT_WAN = '#,##0.00####" 万元"'  # 1,999,999.99 yuan shows 199.999999, not 200.00


def _money(yuan) -> tuple:
    return (wan(yuan), "wan_exact") if yuan is not None else ("—", "text")


def line_rows(part: Commitments) -> list[list[tuple]]:
    """Return one row per commitment: its items at each light, outstanding and overdue 万元."""
    return [
        [
            (c.commitment, "text"),
            (c.red, "red" if c.red else "int"),
            (c.yellow, "yellow" if c.yellow else "int"),
            (c.green, "int"),
            _money(c.outstanding_yuan),
            _money(c.overdue_yuan),
            (c.disputed_items, "int"),
        ]
        for c in part.lines
    ]


def item_rows(part: Commitments) -> list[list[tuple]]:
    """Return one row per red item shown."""
    return [
        [
            (i.region_name, "text"),
            (i.commitment, "text"),
            (i.subject, "text"),
            (i.lead_unit or "—", "text"),
            (i.deadline, "date") if i.deadline else ("—", "text"),
            (i.reasons, "text"),
        ]
        for i in part.red_items
    ]


def write_commitments(sheet: Sheet, part: Commitments) -> None:
    """Write the section at the sheet's cursor."""
    sheet.merged(HEAD, "head", 18)
    if "wan_exact" not in sheet.f:
        sheet.f["wan_exact"] = sheet.book.add_format(
            {"font_name": "Microsoft YaHei", "font_size": 9, "valign": "vcenter", "border": 1}
            | {"border_color": "#b0b7c3", "num_format": EXACT_WAN}
        )
    if not part.lines:
        sheet.merged("暂无承诺事项评估结果。", "line")
        return
    levels = {1: "red", 2: "yellow", 3: "green"}
    first, _ = sheet.table(LINE_HEADERS, line_rows(part), levels, LINE_SPANS)
    for r, line in enumerate(part.lines, start=first):
        sheet.ws.set_row(r, row_height(line.commitment, sum(WIDTHS[:3]) - 1))
    if not part.red_items:
        sheet.merged("无红灯事项。", "line")
        return
    first, _ = sheet.table(ITEM_HEADERS, item_rows(part), spans=ITEM_SPANS)
    for r, item in enumerate(part.red_items, start=first):
        text = max((item.reasons, item.subject, item.commitment), key=len)
        sheet.ws.set_row(r, row_height(text, sum(WIDTHS[7:]) - 1))
    if more := part.more_text():
        sheet.merged(f"红灯事项{more}，完整名单见「承诺事项」页面。", "note")
