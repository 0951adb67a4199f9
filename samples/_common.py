"""Shared constants and helpers for the sample-data writers."""

from __future__ import annotations

import calendar
import random
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import xlsxwriter
import xlsxwriter.format

PREFECTURE = ("阿勒泰地区", "654300")
COUNTIES: tuple[tuple[str, str], ...] = (
    ("阿勒泰市", "654301"),
    ("布尔津县", "654321"),
    ("富蕴县", "654322"),
    ("福海县", "654323"),
    ("哈巴河县", "654324"),
    ("青河县", "654325"),
    ("吉木乃县", "654326"),
)
COUNTY_NAMES: tuple[str, ...] = tuple(name for name, _ in COUNTIES)
# A unit without an official division code; only in the direct-fund and payment files.
SCENIC_AREA = "喀纳斯景区"

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
WAN = Decimal(10000)


def rng_for(seed: int, source: str) -> random.Random:
    """One independent, reproducible stream per source (str seeds hash with SHA-512)."""
    return random.Random(f"policy-monitor-samples:{seed}:{source}")


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def cn_date(d: date) -> str:
    """2022年6月30日 (no zero padding, as in the real exports)."""
    return f"{d.year}年{d.month}月{d.day}日"


def money_text(amount: Decimal) -> str:
    """万元 amount as the monitoring system prints it: '2,430.33'."""
    return f"{amount.quantize(CENT, ROUND_HALF_UP):,.2f}"


def pct_text(part: Decimal, whole: Decimal, places: int = 2) -> str:
    """part / whole as a text percentage: '90.00%' (places=2) or '58.5%' (places=1)."""
    if whole == 0:
        return f"{Decimal(0):.{places}f}%"
    quantum = Decimal(1).scaleb(-places)
    return f"{(part / whole * HUNDRED).quantize(quantum, ROUND_HALF_UP)}%"


def one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def new_workbook(path: Path, year: int) -> xlsxwriter.Workbook:
    """A workbook whose bytes do not depend on the clock."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})  # text stays text
    workbook.set_properties({"created": datetime(year, 1, 1)})
    return workbook


def title_format(workbook: xlsxwriter.Workbook) -> xlsxwriter.format.Format:
    return workbook.add_format({"bold": True, "font_size": 14, "align": "center"})


def header_format(workbook: xlsxwriter.Workbook) -> xlsxwriter.format.Format:
    return workbook.add_format(
        {"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True}
    )
