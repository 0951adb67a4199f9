"""CPI readers: the NBS data-portal wide export, prefecture bulletins and the plain long CSV.

Each yields one record per region × month × indicator × measure, with the value's basis
(an index with last year = 100, or a percent change) so the warehouse stores percent changes.
"""

import re
from datetime import date
from pathlib import Path

from flows.errors import SourceRejected
from flows.sources import cells
from flows.sources.files import Cell, Sheet, read_sheets
from flows.sources.records import Records
from warehouse.staging import Plan

NATION_NAME = "全国"
INDICATORS = {
    "总指数": "cpi",
    "cpi": "cpi",
    "食品": "food",
    "food": "food",
    "食品烟酒": "food_tobacco_liquor",
    "food_tobacco_liquor": "food_tobacco_liquor",
    "衣着": "clothing",
    "居住": "housing",
    "生活用品及服务": "household_goods_services",
    "交通通信": "transport_communication",
    "交通和通信": "transport_communication",
    "教育文化娱乐": "education_culture_recreation",
    "教育文化和娱乐": "education_culture_recreation",
    "医疗保健": "healthcare",
    "其他用品及服务": "other_goods_services",
    "其他用品和服务": "other_goods_services",
    "非食品": "non_food",
    "消费品": "consumer_goods",
    "服务": "services",
    "粮食": "grain",
    "猪肉": "pork",
    "鲜菜": "fresh_vegetables",
    "鲜果": "fresh_fruit",
    "不包括食品和能源": "core",
}
BASES = {  # the bracket after an indicator or in a header → (basis, measure)
    "上年同月=100": ("index", "yoy"),
    "上年同期=100": ("index", "ytd_yoy"),
    "上月=100": ("index", "mom"),
}
BASIS_WORDS = {
    "pct": "pct",
    "percent": "pct",
    "%": "pct",
    "涨跌幅": "pct",
    "同比涨跌幅": "pct",
    "index": "index",
    "指数": "index",
    "上年同月=100": "index",
}
HEADERS = ("月份", "指标代码", "指标", "口径", "数值口径", "数值", "列")
COLUMNS = {"period": 0, "indicator": 1, "indicator_name": 2, "measure": 3, "basis": 4, "value": 5}
_MONTH_HEADER = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*$")


def indicator(name: str) -> tuple[str, str]:
    """Return (code, clean name) of an indicator: '食品类居民消费价格指数(上年同月=100)' → food."""
    clean = re.sub(r"[（(][^)）]*[)）]", "", re.sub(r"\s+", "", name))
    key = clean
    if key in ("居民消费价格指数", "居民消费价格总指数", "居民消费价格"):
        key = "总指数"
    key = key.removesuffix("居民消费价格指数").removesuffix("类")
    return INDICATORS.get(key.lower(), clean), clean


def basis_of(text: str) -> tuple[str, str] | None:
    """Return (basis, measure) from '(上年同月=100)'-style text, if present."""
    compact = re.sub(r"\s+", "", text or "")
    return next((v for k, v in BASES.items() if k in compact), None)


def _region_line(rows: list[list[Cell]]) -> str:
    for row in rows:
        for cell in row:
            match = re.match(r"^\s*地区\s*[:：]\s*(.+?)\s*$", cell or "")
            if match:
                return match[1]
    return NATION_NAME


def _plan_nbs_wide(sheet: Sheet, index: int) -> Plan:
    header = sheet.rows[index]
    months = {c: h for c, h in enumerate(header) if c and h and _MONTH_HEADER.match(h)}
    if not months:
        raise SourceRejected("NBS 导出表头中没有“YYYY年M月”格式的月份列", row=index + 1)
    records = Records(HEADERS)
    for number, row in enumerate(sheet.rows[index + 1 :], start=index + 2):
        if cells.is_blank(row):
            continue
        if cells.is_footer(row) or not row[0]:
            records.skipped.append((number, "注释行"))
            continue
        code, name = indicator(row[0])
        basis, measure = basis_of(row[0]) or (None, None)
        for col, month in months.items():
            value = row[col] if col < len(row) else None
            if value is None:
                records.skipped.append((number, f"{month}未发布"))
                continue
            records.add(
                number,
                (month, code, name, measure, basis, value, month),
                {header[0] or "指标": row[0], month: value},
            )
    region = _region_line(sheet.rows[:index])
    part = records.part("cpi", COLUMNS, {"region": region}, labels={"value": 6})
    return Plan(kind="cpi", layout="cpi_nbs_wide", parts=[part])


def _plan_bulletin(sheet: Sheet, title_row: int) -> Plan:
    title = next(c for c in sheet.rows[title_row] if c)
    match = re.match(r"^\s*(.+?)\s*(\d{4})\s*年\s*(\d{1,2})\s*月", title)
    if not match:
        raise SourceRejected(
            "公报标题中找不到地区和月份（应如“阿勒泰地区2022年9月居民消费价格主要数据”）"
        )
    region, period = match[1], date(int(match[2]), int(match[3]), 1)
    header_index = next(
        (i for i, r in enumerate(sheet.rows) if r and (r[0] or "").strip() == "项目"), None
    )
    if header_index is None:
        raise SourceRejected("公报中找不到“项目”表头行")
    below = sheet.rows[header_index + 1] if header_index + 1 < len(sheet.rows) else []
    columns = {}
    for col, head in enumerate(sheet.rows[header_index]):
        if not col:
            continue
        found = basis_of(head or "") or basis_of(below[col] if col < len(below) else "")
        if found:
            columns[col] = (head or "", *found)
    if not columns:
        raise SourceRejected("公报表头中找不到“上年同月=100”等口径说明", row=header_index + 1)
    records = Records(HEADERS)
    start = header_index + 2 if any(basis_of(c or "") for c in below) else header_index + 1
    for number, row in enumerate(sheet.rows[start:], start=start + 1):
        if cells.is_blank(row):
            continue
        if cells.is_footer(row) or not row[0]:
            records.skipped.append((number, "注释行"))
            continue
        code, name = indicator(row[0])
        for col, (head, basis, measure) in columns.items():
            value = row[col] if col < len(row) else None
            if value is None:
                records.skipped.append((number, f"{head}为空"))
                continue
            records.add(
                number,
                (period.isoformat(), code, name, measure, basis, value, head),
                {"项目": row[0], head: value},
            )
    part = records.part("cpi", COLUMNS, {"region": region}, labels={"value": 6})
    return Plan(kind="cpi", layout="cpi_bulletin", parts=[part], period=period)


LONG_ALIASES = {
    "period": ("period", "月份", "时间", "统计月份"),
    "region": ("region_code", "region", "地区", "地区代码", "区划代码"),
    "indicator": ("indicator", "指标"),
    "value": ("value", "value_pct", "value_index", "数值", "指数", "涨跌幅"),
    "basis": ("basis", "口径", "数值口径"),
    "measure": ("measure",),
}


def _plan_long(sheet: Sheet, index: int, found: dict[str, int]) -> Plan:
    header = [h or "" for h in sheet.rows[index]]
    value_header = header[found["value"]].strip().lower()
    header_basis = {"value_pct": "pct", "涨跌幅": "pct", "value_index": "index", "指数": "index"}
    if "basis" not in found and value_header not in header_basis:
        raise SourceRejected(
            "长表需说明数值口径：加一列 basis（pct 或 index），或把数值列命名为 value_pct / value_index"
        )
    records = Records(HEADERS)
    for number, row in enumerate(sheet.rows[index + 1 :], start=index + 2):
        if cells.is_blank(row):
            continue
        if cells.is_footer(row):
            records.skipped.append((number, "注释行"))
            continue
        row = row + [None] * (len(header) - len(row))
        code, name = indicator(row[found["indicator"]] or "")
        basis = header_basis.get(value_header)
        if "basis" in found:
            text = (row[found["basis"]] or "").strip()
            basis = BASIS_WORDS.get(text.lower(), text or None)
        measure = row[found["measure"]] if "measure" in found else "yoy"
        records.add(
            number,
            (
                row[found["period"]],
                code if row[found["indicator"]] else None,
                name,
                measure,
                basis,
                row[found["value"]],
                row[found["region"]],
            ),
            dict(zip(header, row, strict=False)),
        )
    part = records.part("cpi", {**COLUMNS, "region": 6}, {}, labels={})
    part.headers = (*HEADERS[:5], header[found["value"]], header[found["region"]])
    return Plan(kind="cpi", layout="cpi_long", parts=[part])


def plan_cpi(path: Path, overrides: dict) -> Plan:
    """Return the load plan of a CPI file in any of the three layouts."""
    for sheet in read_sheets(path):
        for index, row in enumerate(sheet.rows[:30]):
            first = re.sub(r"\s+", "", row[0] or "") if row else ""
            if first in ("指标", "指标名称") and len(row) > 1:
                return _plan_nbs_wide(sheet, index)
            if (
                "居民消费价格" in "".join(c or "" for c in row)
                and index < 3
                and ("主要数据" in first or "公报" in first or "月" in first)
            ):
                return _plan_bulletin(sheet, index)
            lowered = [re.sub(r"\s+", "", c or "").lower() for c in row]
            found = {
                field: lowered.index(name)
                for field, names in LONG_ALIASES.items()
                for name in names
                if name in lowered
            }
            if {"period", "region", "indicator", "value"} <= set(found):
                return _plan_long(sheet, index, found)
    raise SourceRejected(
        "无法识别的 CPI 文件格式：应为国家统计局数据查询导出（“指标”行+月份列）、"
        "地区居民消费价格主要数据公报，或含 period,region_code,indicator,value 列的长表"
    )
