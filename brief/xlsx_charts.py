"""The Excel brief's native charts: direct-fund lights and special-bond spending by county."""

from brief.model import BondCounty
from brief.xlsx_sheet import NAVY, Sheet, colour_of
from triggers.vocabulary import FUND_LEVELS


def add_fund_chart(sheet: Sheet, first: int, last: int):
    """Return a stacked column chart of the fund rows first..last."""
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


def add_bond_chart(sheet: Sheet, bonds: list[BondCounty], first: int, last: int):
    """Return a column chart of the bond rows first..last, target as a dashed line."""
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
