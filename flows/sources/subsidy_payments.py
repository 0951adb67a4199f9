"""Civil-affairs 发放台账: price-subsidy payments per region, index month, group and date.

A ledger like the others (header anywhere in the first 30 rows, 合计/小计 skipped, amounts in
元 or 万元 from the header or a units line). The 救助群体 cell is named in the vocabulary's words
here, so the warehouse gets group codes: one code, several ('城乡低保、特困' covers three), or
none when a name is not a defined group (the row is then quarantined with that reason).
"""

import re
from datetime import date
from pathlib import Path

import pyarrow as pa

from flows.sources.files import read_csv_grid
from flows.sources.tabular import Layout, names, plan_tabular
from triggers.vocabulary import GROUPS, group_codes
from warehouse.staging import ArrowSource, CsvSource, Part, Plan, arrow_text_table

LAYOUT = Layout(
    kind="subsidy_payments",
    aliases={
        "region": names("地区", "县市", "区划", "地区名称", "region"),
        "period": names("指数月份", "所属月份", "补贴所属月份", "价格指数月份", "period"),
        "group_name": names("救助群体", "保障对象", "保障对象类别", "救助对象", "group"),
        "persons": names("发放人数", "人数", "persons"),
        "paid_yuan": names("发放金额", "补贴金额", "金额", "paid_yuan"),
        "paid_on": names("发放日期", "发放时间", "paid_on"),
    },
    ignored=("序号", "备注"),
)
# the columns this reader adds (they show in quarantined rows)
CODES_HEADER, EXTRA_HEADER = "保障对象类别代码", "表头以外的单元格"
_SEPARATORS = re.compile(r"[、，,;；/及和与]")


def parse_group_names(text: str | None) -> str | None:
    """Return the codes a 救助群体 cell names, comma-separated in vocabulary order.

    None for an empty cell and for a cell with any name the vocabulary does not define.
    """
    if text is None or not text.strip():
        return None
    pieces = [p.strip().removesuffix("等") for p in _SEPARATORS.split(text)]
    found: set[str] = set()
    for piece in filter(None, pieces):
        codes = group_codes(piece)
        if codes is None:
            return None
        found.update(codes)
    return ",".join(code for code in GROUPS if code in found) or None


def _arrow(part: Part) -> pa.Table:
    """The part's rows as text columns, the last one holding any cells beyond the header.

    A CSV (small, here) is read into memory; a line longer than its header (an unquoted 1,000)
    keeps its extra cells, so that the row is quarantined instead of silently cut short.
    """
    width = len(part.headers)
    if isinstance(part.source, ArrowSource):
        table = part.source.table
        return table.append_column(f"c{width}", pa.nulls(table.num_rows, type=pa.string()))
    header_line = part.source.header_line
    rows = read_csv_grid(Path(part.source.path)).values[header_line:]
    columns = [[r[i] if i < len(r) else None for r in rows] for i in range(width)]
    columns.append([",".join(c for c in r[width:] if c) or None for r in rows])
    numbers = list(range(header_line + 1, header_line + 1 + len(rows)))
    return arrow_text_table(columns, numbers)


def _with_codes(part: Part) -> Part:
    table = _arrow(part)
    n = len(part.headers) + 1
    column = part.columns.get("group_name")
    values = table.column(f"c{column}").to_pylist() if column is not None else []
    codes = [parse_group_names(v) for v in values] or [None] * table.num_rows
    source_rows = table.column("source_row")
    table = table.drop_columns(["source_row"]).append_column(
        f"c{n}", pa.array(codes, type=pa.string())
    )
    return Part(
        dataset=part.dataset,
        source=ArrowSource(table.append_column("source_row", source_rows)),
        headers=(*part.headers, EXTRA_HEADER, CODES_HEADER),
        columns={**part.columns, "extra_cells": n - 1, "group_codes": n},
        constants=part.constants,
        markers=part.markers,
        notes=True,
    )


def plan_subsidy_payments(path: Path, overrides: dict[str, date]) -> Plan:
    """Return the load plan of a 发放台账 (XLSX, XLS or CSV), or raise SourceRejected."""
    plan = plan_tabular(path, LAYOUT, overrides)
    [part] = plan.parts
    try:
        plan.parts = [_with_codes(part)]
    finally:
        source = part.source
        if isinstance(source, CsvSource) and Path(source.path) != path:
            Path(source.path).unlink(missing_ok=True)  # the UTF-8 copy is read already
    return plan
