"""The brief as a one-page A4 PDF (reportlab): summary, four tables, two bar charts.

Chinese text uses reportlab's built-in CID font STSong-Light (no font file needed; viewers supply
the glyphs), falling back to an installed TrueType CJK font. Everything is wrapped in a frame that
shrinks to fit, so the brief is always exactly one page.
"""

import io
import math

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from brief.model import Brief, pay_by_text
from triggers.vocabulary import FUND_LEVELS, LEVELS, SUBSIDY
from triggers.wording import day, money, pct

MAX_COUNTIES = 12
MAX_ESCALATIONS = 12
NAVY = colors.HexColor("#1f3a5f")
GRID = colors.HexColor("#b0b7c3")
TTF_FALLBACKS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                 "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # fmt: skip
BELL = "#ffe082"
STEP_COLOURS = {"告知": "#e65100", "提醒": "#d84315", "约谈": "#c62828", "移交问题线索": "#6a1b9a"}


def chinese_font() -> str:
    """Register and return the name of a font with Chinese glyphs."""
    try:
        pdfmetrics.getFont("STSong-Light")
    except KeyError:
        try:
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        except Exception:  # pragma: no cover - reportlab without its CID data
            for path in TTF_FALLBACKS:
                try:
                    pdfmetrics.registerFont(TTFont("BriefCJK", path, subfontIndex=0))
                    return "BriefCJK"
                except Exception:
                    continue
            raise
    return "STSong-Light"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontSize=15, leading=19, textColor=NAVY, alignment=1),
        "note": ParagraphStyle("note", base, fontSize=7.5, textColor=colors.HexColor("#555555"), alignment=1),
        "head": ParagraphStyle("head", base, fontSize=10, leading=13, textColor=NAVY, spaceBefore=5, spaceAfter=2),
        "bullet": ParagraphStyle("bullet", base, fontSize=8.5, leading=11.5, leftIndent=8, bulletIndent=0),
        "step": ParagraphStyle("step", base, alignment=1),
        "small": ParagraphStyle("small", base, fontSize=7, leading=8.5, textColor=colors.HexColor("#555555")),
    }  # fmt: skip


def level_colour(level: str) -> colors.Color:
    """Return the colour of a light (黄色警铃 lighter than 黄灯, so stacked bars tell them apart)."""
    return colors.HexColor(
        BELL if level == "yellow_bell" else LEVELS.get(level, ("", "#777777"))[1]
    )


def _level_cell(level: str) -> tuple[str, colors.Color, colors.Color]:
    word = LEVELS.get(level, (level, ""))[0]
    colour = level_colour(level)
    ink = colors.black if level in ("yellow", "yellow_bell") else colors.white
    return word, colour, ink


def _table(rows: list[list], widths: list[float], font: str, extra: list | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 8), ("LEADING", (0, 0), (-1, -1), 10),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY), ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        *(extra or []),
    ]))  # fmt: skip
    return table


def _subsidy_table(brief: Brief, font: str, s: dict, width: float) -> Table | Paragraph:
    if not brief.subsidies:
        return Paragraph("该月价格指数尚无评估结果（未发布或未导入）。", s["base"])
    rows = [["执行口径", "状态", "CPI / 食品同比", "判定依据", "人数", "资金", "发放期限"]]
    style = []
    for i, line in enumerate(brief.subsidies, start=1):
        yoy = f"{_num(line.cpi_yoy_pct)}% / {_num(line.food_yoy_pct)}%"
        rows.append([Paragraph(line.region_name, s["base"]), SUBSIDY.get(line.status, line.status), yoy,
                     Paragraph(line.reasons, s["small"]),
                     f"{line.persons:,}" if line.persons else "—", money(line.total_yuan),
                     Paragraph(pay_by_text(line) if line.triggered else "—", s["small"])])  # fmt: skip
        if line.triggered:
            style += [("BACKGROUND", (1, i), (1, i), colors.HexColor("#c62828")),
                      ("TEXTCOLOR", (1, i), (1, i), colors.white)]  # fmt: skip
    fractions = (0.11, 0.08, 0.12, 0.35, 0.08, 0.11, 0.15)
    return _table(rows, [width * f for f in fractions], font, style)


def _num(value) -> str:
    return "—" if value is None else f"{float(value):.1f}"


def _fund_table(brief: Brief, font: str, width: float) -> Table:
    shown, _ = brief.shown_funds(MAX_COUNTIES)
    rows = [["县市", *(LEVELS[lv][0] for lv in FUND_LEVELS), "合计", "支出进度"]]
    rows += [[c.region_name, c.red, c.yellow, c.yellow_bell, c.green, c.total, pct(c.spending_rate)]
             for c in shown]  # fmt: skip
    totals = brief.fund_totals()
    rows.append(["合计", *(totals[lv] for lv in FUND_LEVELS), sum(totals.values()), "—"])
    style = [("BACKGROUND", (0, len(rows) - 1), (-1, -1), colors.HexColor("#eef1f5"))]
    for col, lv in enumerate(FUND_LEVELS, start=1):
        _, fill, ink = _level_cell(lv)
        style += [("BACKGROUND", (col, 0), (col, 0), fill), ("TEXTCOLOR", (col, 0), (col, 0), ink)]
        style += [("TEXTCOLOR", (col, r), (col, r), colors.HexColor(LEVELS[lv][1]))
                  for r in range(1, len(rows)) if lv == "red" and rows[r][col]]  # fmt: skip
    fractions = (0.22, 0.11, 0.11, 0.15, 0.11, 0.11, 0.19)
    return _table(rows, [width * f for f in fractions], font, style)


def _bond_table(brief: Brief, font: str, width: float) -> Table:
    shown, _ = brief.shown_bonds(MAX_COUNTIES)
    rows = [
        ["县市", "项目数", "额度", "已支出", "支出进度", "目标", "截止日", "预计达到目标", "等级"]
    ]
    style = []
    for i, c in enumerate(shown, start=1):
        word, fill, ink = _level_cell(c.level)
        rows.append([c.region_name, c.projects, money(c.quota_yuan), money(c.spent_yuan),
                     pct(c.spending_rate), pct(c.target_rate), day(c.deadline),
                     day(c.projected_date) if c.projected_date else "按现进度难以达到", word])  # fmt: skip
        style += [("BACKGROUND", (8, i), (8, i), fill), ("TEXTCOLOR", (8, i), (8, i), ink)]
    quota, spent, rate = brief.bond_totals()
    rows.append(["合计", sum(c.projects for c in brief.bonds), money(quota), money(spent), pct(rate),
                 "", "", "", ""])  # fmt: skip
    style.append(("BACKGROUND", (0, len(rows) - 1), (-1, -1), colors.HexColor("#eef1f5")))
    fractions = (0.12, 0.07, 0.12, 0.12, 0.09, 0.07, 0.14, 0.17, 0.10)
    return _table(rows, [width * f for f in fractions], font, style)


def _escalation_table(brief: Brief, font: str, s: dict, width: float) -> Table | Paragraph:
    if not brief.escalations:
        return Paragraph("无在办督办事项。", s["base"])
    rows = [["县市", "项目", "环节", "日期"]]
    for e in brief.escalations[:MAX_ESCALATIONS]:
        step = f'<font color="{STEP_COLOURS.get(e.step_name, "#333333")}">{e.step_name}</font>'
        rows.append([Paragraph(e.region_name, s["base"]), Paragraph(e.project, s["small"]),
                     Paragraph(step, s["step"]), day(e.step_on)])  # fmt: skip
    more = len(brief.escalations) - MAX_ESCALATIONS
    if more > 0:
        rows.append(["", f"另有 {more} 项，见 Excel 简报", "", ""])
    return _table(rows, [width * f for f in (0.15, 0.50, 0.14, 0.21)], font)


def _axis_fonts(chart: VerticalBarChart, font: str, names: list[str]) -> None:
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 30 if len(names) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(names) > 6 else "n"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0


def _fund_chart(brief: Brief, font: str, width: float, height: float) -> Drawing:
    shown, _ = brief.shown_funds(MAX_COUNTIES)
    drawing = Drawing(width, height)
    drawing.add(String(width / 2, height - 9, "直达资金预警（按县市，项数）", fontName=font,
                       fontSize=8, textAnchor="middle", fillColor=NAVY))  # fmt: skip
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 22, 30, width - 30, height - 58
    chart.data = [[getattr(c, lv) for c in shown] or [0] for lv in FUND_LEVELS]
    chart.categoryAxis.style = "stacked"
    _axis_fonts(chart, font, [c.region_name for c in shown])
    top = max((c.total for c in shown), default=1)
    chart.valueAxis.valueStep = max(1, math.ceil(top / 5))
    chart.valueAxis.valueMax = chart.valueAxis.valueStep * math.ceil(
        top / chart.valueAxis.valueStep
    )
    chart.barWidth = 6
    for i, lv in enumerate(FUND_LEVELS):
        chart.bars[i].fillColor = level_colour(lv)
        chart.bars[i].strokeColor = colors.white
        chart.bars[i].strokeWidth = 0.3
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 24, height - 16
    legend.fontName, legend.fontSize = font, 6.5
    legend.alignment, legend.columnMaximum, legend.deltax = "right", 1, 58
    legend.dx = legend.dy = 6
    legend.colorNamePairs = [(level_colour(lv), LEVELS[lv][0]) for lv in FUND_LEVELS]
    drawing.add(legend)
    return drawing


def _bond_chart(brief: Brief, font: str, width: float, height: float) -> Drawing:
    shown, _ = brief.shown_bonds(MAX_COUNTIES)
    drawing = Drawing(width, height)
    drawing.add(String(width / 2, height - 9, "专项债券支出进度（%，虚线为目标）", fontName=font,
                       fontSize=8, textAnchor="middle", fillColor=NAVY))  # fmt: skip
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 22, 30, width - 30, height - 50
    chart.data = [[round((c.spending_rate or 0) * 100, 1) for c in shown] or [0]]
    _axis_fonts(chart, font, [c.region_name for c in shown])
    chart.valueAxis.valueMax, chart.valueAxis.valueStep = 100, 20
    chart.bars[0].strokeColor = None
    for i, c in enumerate(shown):
        chart.bars[(0, i)].fillColor = level_colour(c.level)
    chart.barLabelFormat = "%.1f"
    chart.barLabels.fontName, chart.barLabels.fontSize = font, 6
    chart.barLabels.nudge = 5
    drawing.add(chart)
    target = max((c.target_rate for c in shown), default=0.9) * 100
    y = chart.y + chart.height * target / 100
    drawing.add(Line(chart.x, y, chart.x + chart.width, y, strokeColor=colors.HexColor("#333333"),
                     strokeWidth=0.8, strokeDashArray=[3, 2]))  # fmt: skip
    drawing.add(String(chart.x + chart.width, y + 2, f"目标 {target:.0f}%", fontName=font,
                       fontSize=6.5, textAnchor="end"))  # fmt: skip
    return drawing


def _omitted(brief: Brief, s: dict) -> list:
    left = brief.shown_funds(MAX_COUNTIES)[1] + brief.shown_bonds(MAX_COUNTIES)[1]
    note = f"表中仅列最需关注的 {MAX_COUNTIES} 个县市，合计含全部县市；完整名单见 Excel 简报。"
    return [Paragraph(note, s["small"])] if left else []


def render_pdf(brief: Brief) -> bytes:
    """Return the brief as a one-page A4 portrait PDF."""
    font = chinese_font()
    s = _styles(font)
    margin = 11 * mm
    width, height = A4[0] - 2 * margin, A4[1] - 2 * margin
    half = width / 2 - 3
    content = [
        Paragraph(brief.title, s["title"]),
        Paragraph(brief.as_of_note, s["note"]),
        Spacer(1, 4),
        *(Paragraph(text, s["bullet"], bulletText="■") for text in brief.headlines()),
        Paragraph(
            f"一、价格临时补贴联动（{brief.index_month.year}年{brief.index_month.month}月指数）",
            s["head"],
        ),
        _subsidy_table(brief, font, s, width),
        Paragraph("二、直达资金预警", s["head"]),
        _side_by_side(_fund_table(brief, font, half), _fund_chart(brief, font, half, 175), half),
        Paragraph("三、专项债券支出进度与预测", s["head"]),
        _bond_table(brief, font, width),
        Spacer(1, 6),
        _side_by_side(
            _bond_chart(brief, font, half, 200),
            [
                Paragraph("四、督办升级（告知 → 提醒 → 约谈 → 移交问题线索）", s["head"]),
                _escalation_table(brief, font, s, half - 6),
            ],
            half,
        ),
        *_omitted(brief, s),
        Spacer(1, 4),
        Paragraph(
            f"数据来源：policy-monitor 已发布只读副本；评估日期 {day(brief.evaluated_as_of)}。"
            "金额单位见各栏；灯色按规则判定：红灯、黄灯、黄色警铃、绿灯。",
            s["small"],
        ),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin, title=brief.title,
                            author="policy-monitor", subject=brief.as_of_note)  # fmt: skip
    doc.build([KeepInFrame(width, height - 2, content, mode="shrink")])
    return buffer.getvalue()


def _side_by_side(left, right, half: float) -> Table:
    table = Table([[left, right]], colWidths=[half + 3, half + 3])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0),
                               ("LEFTPADDING", (1, 0), (1, 0), 6),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0)]))  # fmt: skip
    return table
