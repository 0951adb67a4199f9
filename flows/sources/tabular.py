"""Plans for ledgers with one row per record under a header: funds, payments, bonds.

The header row is found by its column names, wherever the title and units lines put it; money
columns get their unit from the header ('金额（万元）') or a '单位：万元' line; the as-of date
comes from a column, a title or units line, or the user.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa

from flows.errors import SourceRejected
from flows.sources import cells
from flows.sources.fastsheets import ArrowSheet, read_arrow_sheets
from flows.sources.files import (
    Cell,
    Sheet,
    detect_encoding,
    read_csv_head,
    read_workbook,
    sniff,
    text_column,
    utf8_copy,
)
from warehouse.datasets import DATASETS
from warehouse.staging import ArrowSource, CsvSource, Part, Plan, arrow_text_table

HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Layout:
    """How one kind of ledger names its columns."""

    kind: str
    aliases: dict[str, tuple[str, ...]]  # dataset field → header names seen in real files
    ignored: tuple[str, ...] = ("序号", "分配率", "支出进度", "支付进度", "备注说明")

    @property
    def dataset(self):
        return DATASETS[self.kind]

    def match(self, header: str) -> str | None:
        base = header.lower()
        return next((f for f, names in self.aliases.items() if base in names), None)


def _find_header(rows: list[list[Cell]], layout: Layout) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for col, cell in enumerate(row):
            name = layout.match(cells.split_header(cell)[0])
            if name and name not in found:
                found[name] = col
        if len(found) >= 3:
            return index, found
    return None


def _check_required(layout: Layout, found: dict[str, int], constants: dict) -> None:
    missing = [
        f.label
        for f in layout.dataset.fields
        if f.required and f.name not in found and f.name not in constants
    ]
    if missing:
        raise SourceRejected("缺少必需的列：" + "、".join(missing))


def _multipliers(layout: Layout, header: list[Cell], found: dict[str, int], above) -> dict:
    file_unit = cells.find_unit(above)
    constants = {}
    for f in layout.dataset.fields:
        if f.type != "money" or f.name not in found:
            continue
        text = header[found[f.name]] or ""
        unit = cells.split_header(text)[1] or ("元" if text.lower().endswith("_yuan") else None)
        unit = unit or file_unit
        if unit not in cells.UNIT_MULTIPLIERS:
            raise SourceRejected(
                f"「{text}」未注明金额单位：请在表头写明（元）或（万元），或在表头上方写“单位：万元”",
                column=text,
            )
        constants[f"mult_{f.name}"] = cells.UNIT_MULTIPLIERS[unit]
    return constants


def _data_table(sheet: Sheet | ArrowSheet, index: int, width: int) -> pa.Table:
    """The rows under the header as text columns c0..cN with their `source_row`."""
    if isinstance(sheet, ArrowSheet):
        table = sheet.table.slice(index + 1)
        first = sheet.first_row + index + 1
        numbers = pa.array(range(first, first + table.num_rows), type=pa.int64())
        return table.append_column("source_row", numbers)
    rows = sheet.values[index + 1 :]
    padded = (r if len(r) == width else (list(r) + [None] * width)[:width] for r in rows)
    columns = (
        [text_column(list(col)) for col in zip(*padded, strict=True)]
        if rows
        else [[] for _ in range(width)]
    )
    return arrow_text_table(columns, list(range(index + 2, index + 2 + len(rows))))


def _arrow_part(layout: Layout, sheet, index: int, found, constants) -> Part:
    header = sheet.head(index + 1)[index]
    # Whole columns at once; blank rows and note lines are recognised by the warehouse in SQL.
    return Part(
        dataset=layout.kind,
        source=ArrowSource(_data_table(sheet, index, len(header))),
        headers=tuple(h or "" for h in header),
        columns=found,
        constants=constants,
        markers=tuple(sorted({0, found.get("region", 0)})),
        notes=True,
    )


def _warnings(layout: Layout, header: list[Cell], found: dict[str, int]) -> list[str]:
    used = set(found.values())
    return [
        f"未识别的列「{cell}」未导入"
        for col, cell in enumerate(header)
        if cell and col not in used and cells.split_header(cell)[0] not in layout.ignored
    ]


# A region code in the file name (measures_653000_2022.xlsx): six digits not part of a longer number.
_CODE_IN_NAME = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def _file_region(layout: Layout, found: dict[str, int], stem: str) -> dict:
    """Return {'region': code} for a ledger whose optional region column is absent, when the file
    name carries a six-digit region code (the 克州 measures table names no 地区 in its rows)."""
    optional = any(f.name == "region" and not f.required for f in layout.dataset.fields)
    match = _CODE_IN_NAME.search(stem) if optional and "region" not in found else None
    return {"region": match.group(1)} if match else {}


def _constants(layout, header, found, above, overrides, stem: str = "") -> dict:
    constants = _multipliers(layout, header, found, above) | _file_region(layout, found, stem)
    if "as_of" in {f.name for f in layout.dataset.fields} and "as_of" not in found:
        as_of = overrides.get("as_of") or cells.find_as_of(above)
        if as_of is None:
            raise SourceRejected(
                "找不到统计截止日期：表头上方应有“统计截止日期：2022年6月30日”或“截至2022年6月30日”，"
                "也可用 --as-of 指定"
            )
        constants["as_of"] = as_of
    _check_required(layout, found, constants)
    return constants


def plan_tabular(path: Path, layout: Layout, overrides: dict[str, date]) -> Plan:
    """Return the load plan of a ledger file, or raise SourceRejected saying why it cannot load."""
    if sniff(path) == "csv":
        encoding = detect_encoding(path)
        head = read_csv_head(path, encoding, HEADER_SEARCH_ROWS + 1)
        located = _find_header(head, layout)
        if located is None:
            raise SourceRejected(_no_header_message(layout))
        index, found = located
        header = head[index]
        constants = _constants(layout, header, found, head[:index], overrides, path.stem)
        part = Part(
            dataset=layout.kind,
            source=CsvSource(str(utf8_copy(path, encoding)), header_line=index + 1),
            headers=tuple(h or "" for h in header),
            columns=found,
            constants=constants,
            markers=tuple(sorted({0, found.get("region", 0)})),
        )
        return _plan(layout, "csv", part, _warnings(layout, header, found))
    # fastexcel reads large sheets straight into Arrow; python-calamine when it cannot say which
    # row is which
    for sheet in read_arrow_sheets(path) or read_workbook(path):
        head = sheet.head(HEADER_SEARCH_ROWS)
        located = _find_header(head, layout)
        if located is None:
            continue
        index, found = located
        header = head[index]
        constants = _constants(layout, header, found, head[:index], overrides, path.stem)
        part = _arrow_part(layout, sheet, index, found, constants)
        return _plan(layout, "xlsx", part, _warnings(layout, header, found))
    raise SourceRejected(_no_header_message(layout))


def ledger_planner(layout: Layout):
    """Return the planner of one ledger layout: (path, overrides) → Plan."""
    return lambda path, overrides: plan_tabular(path, layout, overrides)


def _plan(layout: Layout, layout_name: str, part: Part, warnings: list[str]) -> Plan:
    if "region" in part.constants:
        code = part.constants["region"]
        warnings = [*warnings, f"表中无「地区」列：地区取自文件名中的代码 {code}"]
    return Plan(
        kind=layout.kind,
        layout=f"{layout.kind}_{layout_name}",
        parts=[part],
        as_of=part.constants.get("as_of"),
        warnings=warnings,
    )


def _no_header_message(layout: Layout) -> str:
    names = "、".join(names[0] for names in list(layout.aliases.values())[:4])
    return f"无法识别的文件格式：前 {HEADER_SEARCH_ROWS} 行中找不到表头（应包含 {names} 等列）"


def names(*values: str) -> tuple[str, ...]:
    """Return header aliases normalised the way `split_header` normalises cells."""
    return tuple(re.sub(r"\s+", "", v).lower() for v in values)
