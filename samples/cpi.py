"""CPI sources: NBS data-portal wide exports, the prefecture bulletin, a long CSV.

Values are year-on-year indices with the same month of last year = 100 (104.5 = +4.5 %).
For 2022 the national CPI and food rows are the real published figures; the prefecture
series is made up to sit a little above them so that the linkage rule triggers in a few
months (CPI 3.5 in July, 3.6 in September; food 6.0 exactly in July, 5.9 in November).
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from samples._common import HUNDRED, new_workbook, one_decimal, rng_for, title_format

# Real national year-on-year % changes, Jan..Dec 2022 (国家统计局).
NATIONAL_2022 = {
    "cpi": ("0.9", "0.9", "1.5", "2.1", "2.1", "2.5", "2.7", "2.5", "2.8", "2.1", "1.6", "1.8"),
    "food": (
        "-3.8",
        "-3.9",
        "-1.5",
        "1.9",
        "2.3",
        "2.9",
        "6.3",
        "6.1",
        "8.8",
        "7.0",
        "3.7",
        "4.8",
    ),
}
# Made-up 阿勒泰地区 series for 2022, chosen to sit on and around the linkage thresholds.
ALTAY_2022 = {
    "cpi": ("1.2", "1.3", "1.9", "2.6", "2.7", "3.1", "3.5", "3.2", "3.6", "2.9", "2.2", "2.3"),
    "food": (
        "-3.2",
        "-3.4",
        "-1.0",
        "2.4",
        "2.9",
        "3.5",
        "6.0",
        "6.5",
        "9.1",
        "7.4",
        "5.9",
        "5.2",
    ),
}

NBS_ROWS = (
    ("cpi", "居民消费价格指数(上年同月=100)"),
    ("food_tobacco", "食品烟酒类居民消费价格指数(上年同月=100)"),
    ("food", "食品类居民消费价格指数(上年同月=100)"),
)
BULLETIN_ROWS = (
    ("cpi", "居民消费价格总指数"),
    ("food_tobacco", "  食品烟酒"),
    ("food", "    食品"),
    ("clothing", "  衣着"),
    ("housing", "  居住"),
)
XINJIANG = "650000"

Series = dict[str, list[Decimal]]  # indicator -> 12 monthly % changes


def _walk(
    rng: random.Random, start: tuple[int, int], step: int, bounds: tuple[int, int]
) -> list[Decimal]:
    """A bounded random walk in tenths of a percent, as Decimals."""
    tenths = rng.randint(*start)
    out = []
    for _ in range(12):
        tenths = min(max(tenths + rng.randint(-step, step), bounds[0]), bounds[1])
        out.append(Decimal(tenths).scaleb(-1))
    return out


def _food_tobacco(food: list[Decimal]) -> list[Decimal]:
    """The distractor row: roughly food x 0.6 + 1."""
    return [one_decimal(f * Decimal("0.6") + 1) for f in food]


def national_series(year: int, rng: random.Random) -> Series:
    if year == 2022:
        series = {k: [Decimal(v) for v in vals] for k, vals in NATIONAL_2022.items()}
    else:
        series = {
            "cpi": _walk(rng, (5, 25), 3, (-10, 40)),
            "food": _walk(rng, (-30, 50), 12, (-60, 120)),
        }
    series["food_tobacco"] = _food_tobacco(series["food"])
    return series


def altay_series(year: int, national: Series, rng: random.Random) -> Series:
    if year == 2022:
        series = {k: [Decimal(v) for v in vals] for k, vals in ALTAY_2022.items()}
    else:
        series = {
            key: [one_decimal(v + Decimal(rng.randint(2, 7)).scaleb(-1)) for v in national[key]]
            for key in ("cpi", "food")
        }
    series["food_tobacco"] = _food_tobacco(series["food"])
    series["clothing"] = [Decimal(rng.randint(2, 15)).scaleb(-1) for _ in range(12)]
    series["housing"] = [Decimal(rng.randint(3, 16)).scaleb(-1) for _ in range(12)]
    return series


def _index(pct: Decimal) -> str:
    return f"{HUNDRED + pct:.1f}"


def _nbs_lines(year: int, series: Series, months: int, region_line: bool) -> list[str]:
    lines = ["数据库：月度数据", f"时间：{year}年1月-{year}年{months}月"]
    if region_line:
        lines.append("地区：全国")
    order = range(months, 0, -1)  # newest month first
    lines.append(",".join(["指标", *(f"{year}年{m}月" for m in order)]))
    for key, label in NBS_ROWS:
        lines.append(",".join([label, *(_index(series[key][m - 1]) for m in order)]))
    lines += ["注：1.居民消费价格指数按月发布。", "数据来源：国家统计局"]
    return lines


def write_nbs_exports(directory: Path, year: int, national: Series) -> list[Path]:
    full = directory / f"cpi_nbs_national_{year}.csv"
    text = "\r\n".join(_nbs_lines(year, national, 12, region_line=False)) + "\r\n"
    full.write_bytes(text.encode("utf-8-sig"))
    half = directory / f"cpi_nbs_national_{year}_gbk.csv"
    text = "\r\n".join(_nbs_lines(year, national, 6, region_line=True)) + "\r\n"
    half.write_bytes(text.encode("gbk"))
    return [full, half]


def write_bulletin(directory: Path, year: int, month: int, altay: Series) -> Path:
    path = directory / f"cpi_bulletin_altay_{year}-{month:02d}.xlsx"
    workbook = new_workbook(path, year)
    sheet = workbook.add_worksheet("Sheet1")
    head = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1})
    number = workbook.add_format({"num_format": "0.0", "border": 1})
    label = workbook.add_format({"border": 1})
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 2, 14)
    sheet.merge_range(
        0, 0, 0, 2, f"阿勒泰地区{year}年{month}月居民消费价格主要数据", title_format(workbook)
    )
    sheet.merge_range(1, 0, 2, 0, "项目", head)
    sheet.write_row(1, 1, [f"{month}月", f"1-{month}月"], head)
    sheet.write_row(2, 1, ["上年同月=100", "上年同期=100"], head)
    for row, (key, name) in enumerate(BULLETIN_ROWS, start=3):
        indices = [HUNDRED + pct for pct in altay[key][:month]]
        cumulative = one_decimal(sum(indices, Decimal(0)) / len(indices))
        sheet.write_string(row, 0, name, label)
        sheet.write_number(row, 1, float(indices[-1]), number)
        sheet.write_number(row, 2, float(cumulative), number)
    sheet.write_string(3 + len(BULLETIN_ROWS), 0, "数据来源：国家统计局阿勒泰调查队")
    workbook.close()
    return path


def write_long(directory: Path, year: int, national: Series, rng: random.Random) -> Path:
    """Xinjiang (650000) in the plain long layout; a few rows carry an index, not a % change."""
    keys = [(m, key) for key in ("cpi", "food") for m in range(1, 13)]
    as_index = set(rng.sample(keys[:12], 2) + rng.sample(keys[12:], 2))
    lines = ["period,region_code,indicator,value,basis"]
    for month, key in sorted(keys):
        pct = one_decimal(national[key][month - 1] + Decimal(rng.randint(-5, 3)).scaleb(-1))
        if (month, key) in as_index:
            lines.append(f"{year}-{month:02d},{XINJIANG},{key},{_index(pct)},index")
        else:
            lines.append(f"{year}-{month:02d},{XINJIANG},{key},{pct:.1f},pct")
    path = directory / f"cpi_long_{year}.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


def write_cpi(directory: Path, year: int, seed: int) -> list[Path]:
    rng = rng_for(seed, "cpi")
    national = national_series(year, rng)
    altay = altay_series(year, national, rng)
    paths = write_nbs_exports(directory, year, national)
    paths += [write_bulletin(directory, year, month, altay) for month in range(1, 13)]
    paths.append(write_long(directory, year, national, rng))
    return paths
