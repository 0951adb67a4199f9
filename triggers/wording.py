"""How numbers and dates read in Chinese: money in 万元/亿元, months, days, percentages.

Shared by the dashboard, the brief and the CLI, so a figure reads the same everywhere.
"""

from datetime import date, datetime
from decimal import Decimal


def money(yuan: Decimal | float | int | None) -> str:
    """Return yuan as 万元 (or 亿元 from 1 亿 up), with the unit."""
    if yuan is None:
        return "—"
    value = Decimal(str(yuan))
    if abs(value) >= Decimal(100_000_000):
        return f"{value / Decimal(100_000_000):,.2f} 亿元"
    return f"{value / Decimal(10_000):,.2f} 万元"


def exact_money(yuan: Decimal | int | None) -> str:
    """Return yuan as exact 万元 (or 亿元 from 1 亿 up), at least two places, never rounded:
    1,999,999.99 yuan reads '199.999999 万元', not the '200.00 万元' of `money` at a 2,000,000 line."""
    if yuan is None:
        return "—"
    value = Decimal(yuan)
    value, unit = (
        (value / Decimal(100_000_000), "亿元")
        if abs(value) >= Decimal(100_000_000)
        else (value / Decimal(10_000), "万元")
    )
    whole, _, places = f"{value:,.10f}".rstrip("0").partition(".")
    return f"{whole}.{places.ljust(2, '0')} {unit}"


def month(day: date | None) -> str:
    """Return '2022年9月'."""
    return "—" if day is None else f"{day.year}年{day.month}月"


def day(value: date | datetime | None) -> str:
    """Return '2022年9月30日'."""
    return "—" if value is None else f"{value.year}年{value.month}月{value.day}日"


def pct(rate: float | None) -> str:
    """Return a 0–1 rate as '49.6%'."""
    return "—" if rate is None else f"{rate * 100:.1f}%"
