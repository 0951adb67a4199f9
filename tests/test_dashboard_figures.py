"""Figure builders and the national-scale views, as plain functions."""

from datetime import date
from decimal import Decimal

import polars as pl

from dashboard import figures
from dashboard.format import money, month, pct


def _counties(n_prefectures: int, per: int) -> pl.DataFrame:
    codes = [f"65{p:02d}{c:02d}" for p in range(1, n_prefectures + 1) for c in range(1, per + 1)]
    return pl.DataFrame(
        {
            "region_code": codes,
            "region_name": codes,
            "red": [1] * len(codes),
            "level": ["green", "red"] * (len(codes) // 2),
        }
    )


def test_few_regions_are_drawn_as_they_are():
    few = _counties(2, 5)
    assert figures.roll_up(few, {}, ["red"]).equals(few)


def test_many_counties_roll_up_to_prefectures_with_their_worst_level():
    rolled = figures.roll_up(_counties(10, 8), {"650100": "乌鲁木齐市"}, ["red"])
    assert rolled.height == 10
    assert rolled.row(0, named=True) == {
        "region_code": "650100",
        "red": 8,
        "level": "red",
        "region_name": "乌鲁木齐市",
    }


def test_triggered_months_are_shaded_once_each():
    series = pl.DataFrame(
        {
            "region_code": ["654300"] * 4,
            "indicator": ["cpi", "cpi", "food", "food"],
            "period": [date(2022, 7, 1), date(2022, 8, 1)] * 2,
            "value_pct": [Decimal("3.5"), Decimal("3.2"), Decimal("6.0"), Decimal("6.5")],
        }
    )
    findings = pl.DataFrame(
        {
            "region_code": ["654300"] * 2,
            "period": [date(2022, 7, 1), date(2022, 8, 1)],
            "triggered": [True, True],
            "cpi_threshold_pct": [Decimal("3.5"), Decimal("3.0")],
            "food_threshold_pct": [Decimal("6.0"), Decimal("6.0")],
        }
    )
    fig = figures.cpi_lines(series, findings, "654300")
    assert len(fig.layout.shapes) == 2
    names = [trace.name for trace in fig.data]
    assert names == ["CPI 同比", "食品 同比", "CPI 启动条件", "食品启动条件"]
    assert list(fig.data[2].y) == [3.5, 3.0]


def test_words_and_units():
    assert money(Decimal("1078540")) == "107.85 万元"
    assert money(Decimal("715000000")) == "7.15 亿元"
    assert month(date(2022, 9, 1)) == "2022年9月"
    assert pct(0.4959) == "49.6%"
    assert "暂无" in figures.fund_levels_by_county(pl.DataFrame()).layout.annotations[0].text
