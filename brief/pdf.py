"""The brief as a one-page A4 PDF (reportlab): summary, its tables, two bar charts.

Chinese text uses reportlab's built-in CID font STSong-Light (no font file needed; viewers supply
the glyphs), falling back to an installed TrueType CJK font. Everything is wrapped in a frame that
shrinks to fit, so the brief is always exactly one page.
"""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from brief.model import Brief
from brief.pdf_charts import bond_chart, fund_chart
from brief.pdf_commitments import commitment_section
from brief.pdf_style import MAX_COUNTIES, chinese_font, paragraph_styles
from brief.pdf_tables import bond_table, escalation_table, fund_table, subsidy_table
from triggers.wording import day


def _omitted(brief: Brief, s: dict) -> list:
    left = brief.shown_funds(MAX_COUNTIES)[1] + brief.shown_bonds(MAX_COUNTIES)[1]
    note = f"表中仅列最需关注的 {MAX_COUNTIES} 个县市，合计含全部县市；完整名单见 Excel 简报。"
    return [Paragraph(note, s["small"])] if left else []


def render_pdf(brief: Brief) -> bytes:
    """Return the brief as a one-page A4 portrait PDF."""
    font = chinese_font()
    s = paragraph_styles(font)
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
        subsidy_table(brief, font, s, width),
        Paragraph("二、直达资金预警", s["head"]),
        _side_by_side(fund_table(brief, font, half), fund_chart(brief, font, half, 175), half),
        Paragraph("三、专项债券支出进度与预测", s["head"]),
        bond_table(brief, font, width),
        Spacer(1, 6),
        _side_by_side(
            bond_chart(brief, font, half, 200),
            [
                Paragraph("四、督办升级（告知 → 提醒 → 约谈 → 移交问题线索）", s["head"]),
                escalation_table(brief, font, s, half - 6),
            ],
            half,
        ),
        *commitment_section(brief.commitments, font, s, width),
        *_omitted(brief, s),
        Spacer(1, 4),
        Paragraph(
            f"数据来源：policy-monitor 已发布只读副本；评估日期 {day(brief.evaluated_as_of)}。"
            "金额单位见各栏；灯色按规则判定：红灯、黄灯、黄色警铃、绿灯。",
            s["small"],
        ),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=brief.title,
        author="policy-monitor",
        subject=brief.as_of_note,
    )
    doc.build([KeepInFrame(width, height - 2, content, mode="shrink")])
    return buffer.getvalue()


def _side_by_side(left, right, half: float) -> Table:
    table = Table([[left, right]], colWidths=[half + 3, half + 3])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table
