"""The PDF brief's 承诺事项 section: red/yellow counts per commitment, the red items (the first
few, then "及其他 N 项"). Ledger text is escaped: a name never becomes reportlab markup."""

from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph, Table

from brief.commitments import Commitments
from brief.pdf_style import level_cell
from brief.pdf_tables import grid_table
from triggers.wording import day, exact_money

HEAD = "五、承诺事项（红灯优先）"


def _p(text: str | None, style) -> Paragraph:
    return Paragraph(escape(text or "—"), style)


def commitment_table(part: Commitments, font: str, s: dict, width: float) -> Table | Paragraph:
    """Return the items at each light per commitment (or a note when there are none)."""
    if not part.lines:
        return Paragraph("暂无承诺事项评估结果。", s["base"])
    rows = [["承诺事项", "红灯", "黄灯", "绿灯", "未完成金额", "其中逾期", "有分歧"]]
    style = [("ALIGN", (1, 0), (-1, -1), "CENTER")]
    for col, level in enumerate(("red", "yellow", "green"), start=1):
        _, fill, ink = level_cell(level)
        style += [("BACKGROUND", (col, 0), (col, 0), fill), ("TEXTCOLOR", (col, 0), (col, 0), ink)]
    for line in part.lines:
        rows.append(
            [
                _p(line.commitment, s["base"]),
                line.red,
                line.yellow,
                line.green,
                exact_money(line.outstanding_yuan),
                exact_money(line.overdue_yuan),
                line.disputed_items or "—",
            ]
        )
    fractions = (0.40, 0.07, 0.07, 0.07, 0.15, 0.14, 0.10)
    return grid_table(rows, [width * f for f in fractions], font, style, centre=False)


def red_item_table(part: Commitments, font: str, s: dict, width: float) -> list:
    """Return the red items (the first few) and "及其他 N 项" for the rest."""
    if not part.red_items:
        return [Paragraph("无红灯事项。", s["base"])] if part.lines else []
    rows = [["地区", "承诺事项", "事项", "牵头单位", "期限", "原因"]]
    for item in part.red_items:
        rows.append(
            [
                _p(item.region_name, s["base"]),
                _p(item.commitment, s["small"]),
                _p(item.subject, s["base"]),
                _p(item.lead_unit, s["small"]),
                day(item.deadline),
                _p(item.reasons, s["small"]),
            ]
        )
    fractions = (0.11, 0.20, 0.20, 0.12, 0.12, 0.25)
    table = grid_table(rows, [width * f for f in fractions], font, [], centre=False)
    more = part.more_text()
    return (
        [table, Paragraph(f"红灯事项{more}，完整名单见「承诺事项」页面。", s["small"])]
        if more
        else [table]
    )


def commitment_section(part: Commitments, font: str, s: dict, width: float) -> list:
    """Return the section's flowables: heading, counts per commitment, red items."""
    return [
        Paragraph(HEAD, s["head"]),
        commitment_table(part, font, s, width),
        *red_item_table(part, font, s, width),
    ]
