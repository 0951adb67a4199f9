"""Civil-affairs table: beneficiary counts per county and group, and the benefit standards.

Counts are wide (one column per group); standards sit in a second sheet or in columns named
'…标准（元/月）' / '…标准（元/年）'. Both become one record per county × column. Group columns are
named by the vocabulary's labels and aliases; a column naming several groups at once (a plain
'孤儿' is 集中供养孤儿 + 社会散居孤儿) cannot be split, so its counts are quarantined with that
reason, unless each of its groups has its own column too (then it is a subtotal and skipped).
"""

from datetime import date
from pathlib import Path

from flows.errors import SourceRejected
from flows.sources import cells
from flows.sources.files import Cell, Sheet, read_sheets
from flows.sources.records import Records
from triggers.vocabulary import group_codes
from warehouse.staging import Part, Plan

STANDARDS = {
    "城市低保标准": "urban_dibao",
    "城镇低保标准": "urban_dibao",
    "农村低保标准": "rural_dibao",
    "特困人员基本生活标准": "tekun_basic",
    "特困供养标准": "tekun_basic",
    "特困人员供养标准": "tekun_basic",
}
PER = {"元/月": "month", "元每月": "month", "元/年": "year", "元每年": "year"}
REGION_HEADERS = ("县市", "地区", "县（市、区）", "县(市、区)", "区划", "region")
IGNORED = ("序号", "备注")
TOTALS = ("合计", "小计", "总计")
HEADERS = ("县市", "类别代码", "类别", "数值", "单位", "列")
LABELS = {"persons": 5, "stated_yuan": 5, "stated_per": 5}  # column 5 names the source column


def _find_header(rows: list[list[Cell]]) -> int | None:
    for index, row in enumerate(rows[:30]):
        names = [cells.split_header(c)[0] for c in row]
        if any(n in REGION_HEADERS for n in names) and any(
            group_codes(n) or n in STANDARDS or n.endswith("标准") for n in names
        ):
            return index
    return None


def _classify(header: Cell, single: set[str]) -> tuple[str, str | None, str | None] | None:
    """Return ('group'|'standard'|'total', code, per) for a column header, or None if unknown.

    A column naming several groups has no code (its counts are quarantined), or is a subtotal
    when every one of its groups has a column of its own (`single`).
    """
    base, unit = cells.split_header(header)
    if base in TOTALS:
        return "total", base, None
    codes = group_codes(base)
    if codes and len(codes) > 1:
        return ("total", base, None) if set(codes) <= single else ("group", None, None)
    if codes:
        return "group", codes[0], None
    if base in STANDARDS or base.endswith("标准"):
        return "standard", STANDARDS.get(base, base), PER.get((unit or "").replace(" ", ""))
    return None


def _read_sheet(sheet: Sheet, index: int, period: date, warnings: list[str]) -> list[Part]:
    header = sheet.rows[index]
    region_col = next(c for c, h in enumerate(header) if cells.split_header(h)[0] in REGION_HEADERS)
    single = {
        codes[0]
        for h in header
        if (codes := group_codes(cells.split_header(h)[0])) and len(codes) == 1
    }
    kinds = {c: _classify(h, single) for c, h in enumerate(header) if c != region_col and h}
    for col, kind in kinds.items():
        if kind is None and cells.split_header(header[col])[0] not in IGNORED:
            warnings.append(f"{sheet.name}：未识别的列「{header[col]}」未导入")
    counts, standards = Records(HEADERS), Records(HEADERS)
    skipped = counts.skipped
    for number, row in enumerate(sheet.rows[index + 1 :], start=index + 2):
        if cells.is_blank(row):
            continue
        region = (row[region_col] or "").strip() if region_col < len(row) else ""
        if cells.is_footer(row):
            skipped.append((number, "注释行"))
            continue
        raw = {h or f"列{i + 1}": v for i, (h, v) in enumerate(zip(header, row, strict=False))}
        for col, kind in kinds.items():
            if kind is None:
                continue
            value = row[col] if col < len(row) else None
            if kind[0] == "total" or any(region.endswith(t) for t in TOTALS):
                skipped.append((number, "合计/小计"))
            elif value is None:
                skipped.append((number, f"「{header[col]}」为空"))
            elif kind[0] == "group":
                name = cells.split_header(header[col])[0]
                counts.add(number, (region, kind[1], name, value, None, header[col]), raw)
            else:
                name = cells.split_header(header[col])[0]
                standards.add(number, (region, kind[1], name, value, kind[2], header[col]), raw)
    parts = []
    base = {"region": 0, "group_code": 1, "group_name": 2, "persons": 3}
    if counts.rows or skipped:
        parts.append(counts.part("beneficiaries", base, {"period": period}, LABELS))
    if standards.rows:
        columns = {
            "region": 0,
            "standard_code": 1,
            "standard_name": 2,
            "stated_yuan": 3,
            "stated_per": 4,
        }
        parts.append(standards.part("standards", columns, {"period": period}, LABELS))
    return parts


def plan_beneficiaries(path: Path, overrides: dict) -> Plan:
    """Return the load plan of a beneficiary table (all its sheets with a recognisable header)."""
    sheets = read_sheets(path)
    period = overrides.get("period")
    warnings: list[str] = []
    parts: list[Part] = []
    for sheet in sheets:
        index = _find_header(sheet.rows)
        if index is None:
            continue
        # a standards sheet without a title shares the period of the workbook's count sheet
        sheet_period = overrides.get("period") or cells.find_month(sheet.rows[:index]) or period
        if sheet_period is None:
            raise SourceRejected(
                f"工作表「{sheet.name}」找不到统计月份：标题应含“2022年9月”，也可用 --period 指定"
            )
        period = period or sheet_period
        parts += _read_sheet(sheet, index, sheet_period, warnings)
    if not parts:
        raise SourceRejected(
            "无法识别的保障对象人数表：找不到含“县市”和保障对象类别（城市低保、农村低保…）的表头"
        )
    return Plan(
        kind="beneficiaries",
        layout="beneficiaries_wide",
        parts=parts,
        period=period,
        warnings=warnings,
    )
