"""The PDF brief's tables: price linkage, direct funds, special bonds and escalations."""

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle

from brief.model import Brief, pay_by_text
from brief.pdf_style import GRID, MAX_COUNTIES, MAX_ESCALATIONS, NAVY, STEP_COLOURS, level_cell
from triggers.vocabulary import FUND_LEVELS, LEVELS, SUBSIDY
from triggers.wording import day, money, pct


def grid_table(
    rows: list[list], widths: list[float], font: str, extra: list | None = None, centre: bool = True
) -> Table:
    """Return the brief's grid: navy header, 8-point text, cells after the first centred."""
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("LEADING", (0, 0), (-1, -1), 10),
                ("BACKGROUND", (0, 0), (-1, 0), NAVY),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                *([("ALIGN", (1, 0), (-1, -1), "CENTER")] if centre else []),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
                *(extra or []),
            ]
        )
    )
    return table


def subsidy_table(brief: Brief, font: str, s: dict, width: float) -> Table | Paragraph:
    """Return the price-linkage table (or a note when the month has no result)."""
    if not brief.subsidies:
        return Paragraph("该月价格指数尚无评估结果（未发布或未导入）。", s["base"])
    rows = [["执行口径", "状态", "CPI / 食品同比", "判定依据", "人数", "资金", "发放期限"]]
    style = []
    for i, line in enumerate(brief.subsidies, start=1):
        yoy = f"{_num(line.cpi_yoy_pct)}% / {_num(line.food_yoy_pct)}%"
        rows.append(
            [
                Paragraph(line.region_name, s["base"]),
                SUBSIDY.get(line.status, line.status),
                yoy,
                Paragraph(line.reasons, s["small"]),
                f"{line.persons:,}" if line.persons else "—",
                money(line.total_yuan),
                Paragraph(pay_by_text(line) if line.triggered else "—", s["small"]),
            ]
        )
        if line.triggered:
            style += [
                ("BACKGROUND", (1, i), (1, i), colors.HexColor("#c62828")),
                ("TEXTCOLOR", (1, i), (1, i), colors.white),
            ]
    fractions = (0.11, 0.08, 0.12, 0.35, 0.08, 0.11, 0.15)
    return grid_table(rows, [width * f for f in fractions], font, style)


def _num(value) -> str:
    return "—" if value is None else f"{float(value):.1f}"


def fund_table(brief: Brief, font: str, width: float) -> Table:
    """Return the direct-fund lights per county, with a 合计 row."""
    shown, _ = brief.shown_funds(MAX_COUNTIES)
    rows = [["县市", *(LEVELS[lv][0] for lv in FUND_LEVELS), "合计", "支出进度"]]
    rows += [
        [c.region_name, c.red, c.yellow, c.yellow_bell, c.green, c.total, pct(c.spending_rate)]
        for c in shown
    ]
    totals = brief.fund_totals()
    rows.append(["合计", *(totals[lv] for lv in FUND_LEVELS), sum(totals.values()), "—"])
    style = [("BACKGROUND", (0, len(rows) - 1), (-1, -1), colors.HexColor("#eef1f5"))]
    for col, lv in enumerate(FUND_LEVELS, start=1):
        _, fill, ink = level_cell(lv)
        style += [("BACKGROUND", (col, 0), (col, 0), fill), ("TEXTCOLOR", (col, 0), (col, 0), ink)]
        style += [
            ("TEXTCOLOR", (col, r), (col, r), colors.HexColor(LEVELS[lv][1]))
            for r in range(1, len(rows))
            if lv == "red" and rows[r][col]
        ]
    fractions = (0.22, 0.11, 0.11, 0.15, 0.11, 0.11, 0.19)
    return grid_table(rows, [width * f for f in fractions], font, style)


def bond_table(brief: Brief, font: str, width: float) -> Table:
    """Return the special-bond spending and projection per county, with a 合计 row."""
    shown, _ = brief.shown_bonds(MAX_COUNTIES)
    rows = [
        ["县市", "项目数", "额度", "已支出", "支出进度", "目标", "截止日", "预计达到目标", "等级"]
    ]
    style = []
    for i, c in enumerate(shown, start=1):
        word, fill, ink = level_cell(c.level)
        rows.append(
            [
                c.region_name,
                c.projects,
                money(c.quota_yuan),
                money(c.spent_yuan),
                pct(c.spending_rate),
                pct(c.target_rate),
                day(c.deadline),
                day(c.projected_date) if c.projected_date else "按现进度难以达到",
                word,
            ]
        )
        style += [("BACKGROUND", (8, i), (8, i), fill), ("TEXTCOLOR", (8, i), (8, i), ink)]
    quota, spent, rate = brief.bond_totals()
    rows.append(
        [
            "合计",
            sum(c.projects for c in brief.bonds),
            money(quota),
            money(spent),
            pct(rate),
            "",
            "",
            "",
            "",
        ]
    )
    style.append(("BACKGROUND", (0, len(rows) - 1), (-1, -1), colors.HexColor("#eef1f5")))
    fractions = (0.12, 0.07, 0.12, 0.12, 0.09, 0.07, 0.14, 0.17, 0.10)
    return grid_table(rows, [width * f for f in fractions], font, style)


def escalation_table(brief: Brief, font: str, s: dict, width: float) -> Table | Paragraph:
    """Return the open escalations (or a note when there are none)."""
    if not brief.escalations:
        return Paragraph("无在办督办事项。", s["base"])
    rows = [["县市", "项目", "环节", "日期"]]
    for e in brief.escalations[:MAX_ESCALATIONS]:
        step = f'<font color="{STEP_COLOURS.get(e.step_name, "#333333")}">{e.step_name}</font>'
        rows.append(
            [
                Paragraph(e.region_name, s["base"]),
                Paragraph(e.project, s["small"]),
                Paragraph(step, s["step"]),
                day(e.step_on),
            ]
        )
    more = len(brief.escalations) - MAX_ESCALATIONS
    if more > 0:
        rows.append(["", f"另有 {more} 项，见 Excel 简报", "", ""])
    return grid_table(rows, [width * f for f in (0.15, 0.50, 0.14, 0.21)], font)
