"""Beneficiary counts (保障对象人数): the civil-affairs monthly table, January-December.

Sheet 保障对象人数: one row per county, one column per group, a 合计 column and row that
equal the sums. Sheet 保障标准: the benefit standards, rural 低保 per year (元/年).
Counts drift slightly from month to month.
"""

from __future__ import annotations

import random
from pathlib import Path

from samples._common import COUNTY_NAMES, header_format, new_workbook, rng_for, title_format

GROUPS = (
    "城市低保",
    "农村低保",
    "特困供养人员",
    "集中供养孤儿",
    "社会散居孤儿",
    "事实无人抚养儿童",
    "艾滋病病毒感染儿童",
)
# Starting range per group (persons per county).
BASE_RANGES = ((900, 3500), (3500, 8500), (40, 330), (1, 30), (5, 65), (12, 60), (0, 3))
STANDARD_HEADER = (
    "县市",
    "城市低保标准（元/月）",
    "农村低保标准（元/年）",
    "特困人员基本生活标准（元/月）",
)
STANDARDS_2022 = (616, 5290, 1035)  # 元/月, 元/年, 元/月 — the prefecture's 2022 standards
SHEET_COUNTS, SHEET_STANDARDS = "保障对象人数", "保障标准"

Counts = dict[str, list[int]]  # county -> count per group


def _drift(rng: random.Random, value: int) -> int:
    """Large groups move by up to ~1 % a month, small ones by a person now and then."""
    if value >= 200:
        step = max(1, value // 100)
        return max(0, value + rng.randint(-step, step))
    return max(0, value + rng.choice((-1, 0, 0, 0, 0, 0, 0, 0, 1)))


def monthly_counts(year: int, seed: int) -> list[Counts]:
    """Counts for January..December."""
    rng = rng_for(seed, "beneficiaries")
    current = {c: [rng.randint(lo, hi) for lo, hi in BASE_RANGES] for c in COUNTY_NAMES}
    months = []
    for _ in range(12):
        months.append({c: values[:] for c, values in current.items()})
        current = {c: [_drift(rng, v) for v in values] for c, values in current.items()}
    return months


def standards(year: int) -> tuple[int, ...]:
    """2022 standards, moved ~5 % a year for other years (whole yuan, integer arithmetic)."""
    n = year - 2022
    if n >= 0:
        return tuple(v * 105**n // 100**n for v in STANDARDS_2022)
    return tuple(v * 100**-n // 105**-n for v in STANDARDS_2022)


def write_month(directory: Path, year: int, month: int, counts: Counts) -> Path:
    path = directory / f"beneficiaries_{year}-{month:02d}.xlsx"
    workbook = new_workbook(path, year)
    cell = workbook.add_format({"border": 1})
    bold = workbook.add_format({"border": 1, "bold": True})
    head = header_format(workbook)

    sheet = workbook.add_worksheet(SHEET_COUNTS)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, len(GROUPS) + 1, 12)
    title = f"{year}年{month}月城乡低保、特困等保障对象人数统计表"
    sheet.merge_range(0, 0, 0, len(GROUPS) + 1, title, title_format(workbook))
    sheet.write_string(1, 0, "单位：人")
    sheet.write_row(2, 0, ["县市", *GROUPS, "合计"], head)
    row = 3
    for county in COUNTY_NAMES:
        values = counts[county]
        sheet.write_row(row, 0, [county, *values, sum(values)], cell)
        row += 1
    column_totals = [sum(counts[c][g] for c in COUNTY_NAMES) for g in range(len(GROUPS))]
    sheet.write_row(row, 0, ["合计", *column_totals, sum(column_totals)], bold)

    sheet = workbook.add_worksheet(SHEET_STANDARDS)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 3, 26)
    sheet.write_row(0, 0, STANDARD_HEADER, head)
    for row, county in enumerate(COUNTY_NAMES, start=1):
        sheet.write_row(row, 0, [county, *standards(year)], cell)
    workbook.close()
    return path


def write_beneficiaries(directory: Path, year: int, seed: int) -> list[Path]:
    counts = monthly_counts(year, seed)
    return [write_month(directory, year, m, counts[m - 1]) for m in range(1, 13)]
