"""What a reader hands the warehouse: where the rows are, and what each column means."""

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa


@dataclass(frozen=True)
class CsvSource:
    """A UTF-8 CSV read by DuckDB itself: data starts after line `header_line`."""

    path: str
    header_line: int


@dataclass(frozen=True)
class ArrowSource:
    """Rows a reader already has in memory: text columns c0..cN plus `source_row`."""

    table: pa.Table


@dataclass
class Part:
    """One dataset's rows from a file, with the meaning of its columns.

    `headers` are the column names as the file writes them (column i is `c{i}`), `columns` maps a
    dataset field to its column index, and `constants` gives fields that hold one value for the
    whole file (the as-of date from a units line, a unit multiplier, a region from a title).
    """

    dataset: str
    source: CsvSource | ArrowSource
    headers: tuple[str, ...]
    columns: dict[str, int]
    constants: dict[str, Any] = field(default_factory=dict)
    markers: tuple[int, ...] = ()  # columns whose 合计/小计 marks a total row
    has_raw_row: bool = False  # an ArrowSource that carries its own `raw_row` text
    row_labels: dict[str, int] = field(default_factory=dict)  # field → column naming it per row
    notes: bool = False  # rows may be blank or note lines (注：…), to be told apart in SQL
    skipped: list[tuple[int, str]] = field(default_factory=list)  # rows a reader set aside


@dataclass
class Plan:
    """Everything needed to load one file: its parts, plus what was learned about the file."""

    kind: str
    layout: str
    parts: list[Part]
    as_of: Any = None
    period: Any = None
    warnings: list[str] = field(default_factory=list)


def arrow_text_table(columns: list[list[str | None]], source_rows: list[int]) -> pa.Table:
    """Return an Arrow table of text columns c0..cN plus the int64 `source_row` column."""
    arrays = {f"c{i}": pa.array(col, type=pa.string()) for i, col in enumerate(columns)}
    arrays["source_row"] = pa.array(source_rows, type=pa.int64())
    return pa.table(arrays)
