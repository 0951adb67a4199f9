"""Price-subsidy payment ledgers (发放台账) of the civil-affairs bureau, one per triggered month.

Which months trigger follows the prefecture's rule as shipped in triggers/defaults/
xinjiang_altay.yaml (CPI ≥ 3.5 %, 3.0 % for index months 2022-08…2023-02, or food ≥ 6.0 %), on
the 阿勒泰地区 series of the CPI bulletins. Each county gets 20 yuan per person per month for
the groups in the beneficiary table of that month, in two rows: 城乡低保, and 特困 with the
children's groups. Due by the end of the month after the index month (the bulletin comes out
then). To show follow-through: in the first triggered month one county pays six weeks late
(2022: July's, on 12 October, so at the demo's 30 September it is overdue), in the second one
county pays only its 城乡低保 row, and everything else is paid on time.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from samples._common import (
    COUNTY_NAMES,
    PREFECTURE,
    header_format,
    month_end,
    new_workbook,
    rng_for,
    title_format,
)
from samples.beneficiaries import monthly_counts
from samples.cpi import altay_series, national_series

YUAN_PER_PERSON = 20
CPI_THRESHOLD, TEMPORARY_CPI_THRESHOLD, FOOD_THRESHOLD = Decimal("3.5"), Decimal("3.0"), Decimal(6)
TEMPORARY = (date(2022, 8, 1), date(2023, 2, 1))
HEADER = ("序号", "地区", "所属月份", "救助群体", "发放人数", "发放金额", "发放日期")
DIBAO = "城乡低保"
OTHERS = "特困人员、孤儿、事实无人抚养儿童、艾滋病病毒感染儿童"
LATE_COUNTY, PARTIAL_COUNTY = "富蕴县", "青河县"


def triggered_months(year: int, seed: int) -> list[int]:
    """Return the index months of `year` in which the prefecture's series triggers the subsidy."""
    rng = rng_for(seed, "cpi")  # the same stream as samples.cpi, so the same series
    altay = altay_series(year, national_series(year, rng), rng)
    months = []
    for month in range(1, 13):
        temporary = TEMPORARY[0] <= date(year, month, 1) <= TEMPORARY[1]
        threshold = TEMPORARY_CPI_THRESHOLD if temporary else CPI_THRESHOLD
        if altay["cpi"][month - 1] >= threshold or altay["food"][month - 1] >= FOOD_THRESHOLD:
            months.append(month)
    return months


def _paid_on(year: int, month: int, county: int, late: bool) -> date:
    """A day near the end of the month after the index month; late: the 12th, two months on.

    Late by more than a month, so that an evaluation at the next month-end (the demo's) sees
    the month unpaid after its deadline.
    """
    if late:
        return date(year + (month + 2) // 12, (month + 2) % 12 + 1, 12)
    due = month_end(year + month // 12, month % 12 + 1)
    return date(due.year, due.month, due.day - 6 + county % 4)


def _rows(year: int, month: int, counts: dict[str, list[int]], case: str | None) -> list[tuple]:
    rows = []
    for number, county in enumerate(COUNTY_NAMES):
        values = counts[county]
        paid_on = _paid_on(year, month, number, case == "late" and county == LATE_COUNTY)
        groups = [(DIBAO, values[0] + values[1]), (OTHERS, sum(values[2:]))]
        if case == "partial" and county == PARTIAL_COUNTY:
            groups = groups[:1]
        rows += [(county, name, persons, paid_on) for name, persons in groups]
    return rows


def write_month(directory: Path, year: int, month: int, rows: list[tuple]) -> Path:
    name, code = PREFECTURE
    path = directory / f"subsidy_payments_{code}_{year}-{month:02d}.xlsx"
    workbook = new_workbook(path, year)
    cell = workbook.add_format({"border": 1})
    bold = workbook.add_format({"border": 1, "bold": True})
    sheet = workbook.add_worksheet("发放台账")
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 2, 12)
    sheet.set_column(3, 3, 40)
    sheet.set_column(4, 6, 14)
    title = f"{name}{year}年{month}月价格临时补贴发放情况统计表"
    sheet.merge_range(0, 0, 0, len(HEADER) - 1, title, title_format(workbook))
    sheet.write_string(1, 0, f"填报单位：{name}民政局")
    sheet.write_string(1, 4, "单位：元")
    sheet.write_row(2, 0, HEADER, header_format(workbook))
    for number, (county, group, persons, paid_on) in enumerate(rows, start=1):
        amount = Decimal(persons * YUAN_PER_PERSON)
        sheet.write_row(
            2 + number,
            0,
            [
                number,
                county,
                f"{year}年{month}月",
                group,
                f"{persons:,}",
                f"{amount:,.2f}",
                paid_on.isoformat(),
            ],
            cell,
        )
    persons = sum(r[2] for r in rows)
    total = Decimal(persons * YUAN_PER_PERSON)
    sheet.write_row(
        3 + len(rows), 0, ["合计", "", "", "", f"{persons:,}", f"{total:,.2f}", ""], bold
    )
    workbook.close()
    return path


def write_subsidy_payments(directory: Path, year: int, seed: int) -> list[Path]:
    counts = monthly_counts(year, seed)
    months = triggered_months(year, seed)
    cases = dict(zip(months, ("late", "partial"), strict=False))
    return [
        write_month(directory, year, m, _rows(year, m, counts[m - 1], cases.get(m))) for m in months
    ]
