"""Direct funds (直达资金): a year of funds and their monthly monitoring-system snapshots.

Each fund is released once (fixed amount, fixed date) and allocated onward in one or more
steps: most reach 100 % within 30 days, a few lag past the deadline. Paid amounts follow a
profile measured against the year's time progress (时序进度), reached within CATCH_UP_DAYS of
the first payment: ahead, on pace, 10-20 points behind, far behind, or stalled over the
summer. Snapshots are cumulative, so amounts never decrease from month to month, and a fund
released after a snapshot's date is absent from it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from samples._common import (
    CENT,
    COUNTY_NAMES,
    SCENIC_AREA,
    cn_date,
    header_format,
    money_text,
    month_end,
    new_workbook,
    pct_text,
    rng_for,
    title_format,
)

FUND_TYPES = (
    ("城乡义务教育补助经费", "教育局"),
    ("困难群众救助补助资金", "民政局"),
    ("就业补助资金", "人社局"),
    ("基本公共卫生服务补助资金", "卫健委"),
    ("农业相关转移支付资金", "农业农村局"),
    ("县级基本财力保障机制奖补资金", "财政局"),
)
SCENIC_FUNDS = (FUND_TYPES[2], FUND_TYPES[3])
REGIONS = (*COUNTY_NAMES, SCENIC_AREA)
HEADER = (
    "序号",
    "地区",
    "资金名称",
    "资金编码",
    "主管部门",
    "上级下达金额",
    "已分配金额",
    "分配率",
    "已支出金额",
    "支出进度",
    "下达日期",
)
FIRST_SNAPSHOT_MONTH = 3
# (mult, offset, cap): paid share = mult * time progress - offset, capped.
PROFILES = {
    "ahead": ("1.3", "0", "1"),
    "pace": ("1.02", "0.02", "1"),
    "yellow": ("1.0", "0.15", "0.95"),
    "red": ("0.6", "0.05", "0.8"),
    "stalled": ("1.0", "0.03", "1"),
}
PROFILE_MIX = ["ahead"] * 7 + ["pace"] * 15 + ["yellow"] * 10 + ["red"] * 8 + ["stalled"] * 4
CATCH_UP_DAYS = 45
LATE_RELEASES = 8
# Allocation schedules of the laggards: (days after release, cumulative share allocated).
LAGGING_ALLOCATIONS = (
    ((10, "0.6"), (120, "0.9"), (250, "1")),
    ((15, "0.97"), (150, "1")),
    ((45, "0.6"), (110, "1")),
    ((25, "0.9"),),
    ((40, "1"),),
    ((60, "0.6"), (200, "0.97")),
)


@dataclass(frozen=True)
class Fund:
    code: str
    region: str
    name: str
    department: str
    received: Decimal  # 万元
    released: date
    allocations: tuple[tuple[int, Decimal], ...]
    profile: str
    start_delay: int  # days between release and the first payment


@dataclass(frozen=True)
class Position:
    received: Decimal
    allocated: Decimal
    paid: Decimal


def _release_date(rng: random.Random, year: int, late: bool) -> date:
    if late:  # released in June-September: absent from the early snapshots
        return date(year, 6, 1) + timedelta(days=rng.randint(0, 120))
    return date(year, 1, 5) + timedelta(days=rng.randint(0, 140))


def build_funds(year: int, seed: int) -> list[Fund]:
    """The year's funds, in file order; codes ZD{year}0001... are stable across snapshots."""
    rng = rng_for(seed, "direct_funds")
    slots = [(region, t) for region in COUNTY_NAMES for t in FUND_TYPES]
    slots += [(SCENIC_AREA, t) for t in SCENIC_FUNDS]
    profiles = PROFILE_MIX[:]
    rng.shuffle(profiles)
    late = set(rng.sample(range(len(slots)), LATE_RELEASES))
    early = [i for i in range(len(slots)) if i not in late]
    laggards = rng.sample(early, len(LAGGING_ALLOCATIONS))
    lagging = dict(zip(laggards, LAGGING_ALLOCATIONS, strict=True))
    funds = []
    for i, (region, (name, department)) in enumerate(slots):
        if i in lagging:
            steps = lagging[i]
        elif rng.random() < 0.3:
            first = rng.randint(3, 15)
            steps = ((first, rng.choice(("0.9", "0.97"))), (rng.randint(first + 1, 30), "1"))
        else:
            steps = ((rng.randint(3, 28), "1"),)
        funds.append(
            Fund(
                code=f"ZD{year}{i + 1:04d}",
                region=region,
                name=name,
                department=department,
                received=Decimal(rng.randint(15000, 260000)) * CENT,
                released=_release_date(rng, year, i in late),
                allocations=tuple((days, Decimal(share)) for days, share in steps),
                profile=profiles[i],
                start_delay=rng.randint(5, 20),
            )
        )
    return funds


def _paid_share(fund: Fund, as_of: date) -> Decimal:
    start = fund.released + timedelta(days=fund.start_delay)
    year = fund.released.year
    if fund.profile == "stalled" and as_of < date(year, 10, 15):
        as_of = min(as_of, start + timedelta(days=40))  # frozen until mid-October
    if as_of <= start:
        return Decimal(0)
    days_in_year = (date(year, 12, 31) - date(year, 1, 1)).days + 1
    time_progress = Decimal(as_of.timetuple().tm_yday) / days_in_year
    catch_up = Decimal((as_of - start).days) / CATCH_UP_DAYS
    mult, offset, cap = (Decimal(v) for v in PROFILES[fund.profile])
    share = mult * min(time_progress, catch_up) - offset
    return max(Decimal(0), min(share, Decimal(cap)))


def position(fund: Fund, as_of: date) -> Position:
    """Cumulative amounts (万元) on a date; zero before release."""
    if as_of < fund.released:
        zero = Decimal(0)
        return Position(zero, zero, zero)
    elapsed = (as_of - fund.released).days
    allocated_share = max(
        (s for days, s in fund.allocations if days <= elapsed), default=Decimal(0)
    )
    paid_share = min(_paid_share(fund, as_of), allocated_share)
    return Position(
        received=fund.received,
        allocated=(fund.received * allocated_share).quantize(CENT, ROUND_DOWN),
        paid=(fund.received * paid_share).quantize(CENT, ROUND_DOWN),
    )


def snapshot_dates(year: int) -> list[date]:
    return [month_end(year, m) for m in range(FIRST_SNAPSHOT_MONTH, 13)]


def _amount_cells(pos: Position) -> list[str]:
    return [
        money_text(pos.received),
        money_text(pos.allocated),
        pct_text(pos.allocated, pos.received),
        money_text(pos.paid),
        pct_text(pos.paid, pos.received),
    ]


def _sum(positions: list[Position]) -> Position:
    zero = Decimal(0)
    return Position(
        sum((p.received for p in positions), zero),
        sum((p.allocated for p in positions), zero),
        sum((p.paid for p in positions), zero),
    )


def write_snapshot(directory: Path, funds: list[Fund], as_of: date) -> Path:
    path = directory / f"direct_funds_{as_of.isoformat()}.xlsx"
    workbook = new_workbook(path, as_of.year)
    sheet = workbook.add_worksheet("直达资金")
    cell = workbook.add_format({"border": 1})
    bold = workbook.add_format({"border": 1, "bold": True})
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 30)
    sheet.set_column(3, 10, 14)
    sheet.merge_range(0, 0, 0, len(HEADER) - 1, "直达资金分配支出情况表", title_format(workbook))
    sheet.write_string(1, 0, "单位：万元")
    sheet.write_string(1, 8, f"统计截止日期：{cn_date(as_of)}")
    sheet.write_row(2, 0, HEADER, header_format(workbook))
    row, number, everything = 3, 0, []
    for region in REGIONS:
        released = [f for f in funds if f.region == region and f.released <= as_of]
        if not released:
            continue
        positions = []
        for fund in released:
            number += 1
            pos = position(fund, as_of)
            positions.append(pos)
            sheet.write_number(row, 0, number, cell)
            sheet.write_row(row, 1, [fund.region, fund.name, fund.code, fund.department], cell)
            sheet.write_row(row, 5, _amount_cells(pos), cell)
            sheet.write_string(row, 10, fund.released.isoformat(), cell)
            row += 1
        sheet.write_row(
            row, 0, ["", f"{region}小计", "", "", "", *_amount_cells(_sum(positions)), ""], bold
        )
        row += 1
        everything += positions
    sheet.write_row(row, 0, ["", "合计", "", "", "", *_amount_cells(_sum(everything)), ""], bold)
    workbook.close()
    return path


def write_direct_funds(directory: Path, year: int, seed: int) -> list[Path]:
    funds = build_funds(year, seed)
    return [write_snapshot(directory, funds, as_of) for as_of in snapshot_dates(year)]
