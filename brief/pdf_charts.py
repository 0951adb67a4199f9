"""The PDF brief's bar charts: direct-fund lights and special-bond spending by county."""

import math

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors

from brief.model import Brief
from brief.pdf_style import MAX_COUNTIES, NAVY, level_colour
from triggers.vocabulary import FUND_LEVELS, LEVELS


def _axis_fonts(chart: VerticalBarChart, font: str, names: list[str]) -> None:
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 30 if len(names) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(names) > 6 else "n"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0


def fund_chart(brief: Brief, font: str, width: float, height: float) -> Drawing:
    """Return the stacked bar chart of direct-fund lights per county."""
    shown, _ = brief.shown_funds(MAX_COUNTIES)
    drawing = Drawing(width, height)
    drawing.add(
        String(
            width / 2,
            height - 9,
            "直达资金预警（按县市，项数）",
            fontName=font,
            fontSize=8,
            textAnchor="middle",
            fillColor=NAVY,
        )
    )
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


def bond_chart(brief: Brief, font: str, width: float, height: float) -> Drawing:
    """Return the bar chart of special-bond spending per county, target dashed."""
    shown, _ = brief.shown_bonds(MAX_COUNTIES)
    drawing = Drawing(width, height)
    drawing.add(
        String(
            width / 2,
            height - 9,
            "专项债券支出进度（%，虚线为目标）",
            fontName=font,
            fontSize=8,
            textAnchor="middle",
            fillColor=NAVY,
        )
    )
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
    drawing.add(
        Line(
            chart.x,
            y,
            chart.x + chart.width,
            y,
            strokeColor=colors.HexColor("#333333"),
            strokeWidth=0.8,
            strokeDashArray=[3, 2],
        )
    )
    drawing.add(
        String(
            chart.x + chart.width,
            y + 2,
            f"目标 {target:.0f}%",
            fontName=font,
            fontSize=6.5,
            textAnchor="end",
        )
    )
    return drawing
