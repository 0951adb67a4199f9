"""Reading meaning out of cells: headers and their units, Chinese dates, notes and totals."""

import re
from datetime import date

from flows.sources.files import Cell
from warehouse.rejects import FOOTER_PREFIXES

UNIT_MULTIPLIERS = {"元": 1, "万元": 10_000, "亿元": 100_000_000}

_UNIT_IN_HEADER = re.compile(
    r"^(?P<base>.*?)\s*[（(]\s*(?:单位\s*[:：])?\s*(?P<unit>[^()（）]*)\s*[)）]\s*$"
)
_UNIT_LINE = re.compile(r"(?:金额)?单位\s*[:：]\s*(?P<unit>万元|亿元|元|人)")
_DATE = r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?"
_AS_OF = re.compile(r"(?:统计截止日期|截止日期|截至日期|截止|截至|数据日期)\s*[:：]?\s*" + _DATE)
_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")


def split_header(cell: Cell) -> tuple[str, str | None]:
    """Return a header's name without spaces and the unit in its brackets: '金额（元）' → ('金额', '元')."""
    text = re.sub(r"\s+", "", cell or "")
    match = _UNIT_IN_HEADER.match(text)
    if match and match["base"]:
        return match["base"], match["unit"] or None
    return text, None


def find_as_of(rows: list[list[Cell]]) -> date | None:
    """Return the as-of date written in title or units lines ('统计截止日期：2022年6月30日')."""
    for row in rows:
        for cell in row:
            match = _AS_OF.search(cell or "")
            if match:
                try:
                    return date(int(match[1]), int(match[2]), int(match[3]))
                except ValueError:
                    continue
    return None


def find_month(rows: list[list[Cell]]) -> date | None:
    """Return the first 'YYYY年M月' in the given lines as the first day of that month."""
    for row in rows:
        for cell in row:
            match = _MONTH.search(cell or "")
            if match and 1 <= int(match[2]) <= 12:
                return date(int(match[1]), int(match[2]), 1)
    return None


def find_unit(rows: list[list[Cell]]) -> str | None:
    """Return the unit of a '单位：万元' line above a table, if any."""
    for row in rows:
        for cell in row:
            match = _UNIT_LINE.search(re.sub(r"\s+", "", cell or ""))
            if match:
                return match["unit"]
    return None


def is_blank(row: list[Cell]) -> bool:
    return all(c is None or not c.strip() for c in row)


def is_footer(row: list[Cell]) -> bool:
    """True for a note line under a table ('注：…', '数据来源：…') with nothing else in it."""
    filled = [c.strip() for c in row if c and c.strip()]
    return len(filled) == 1 and filled[0].startswith(FOOTER_PREFIXES)
