"""File sniffing and reading: CSV in UTF-8, UTF-8 with BOM or GBK; XLSX and XLS via calamine."""

import codecs
import csv
import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from python_calamine import CalamineError, CalamineWorkbook

from flows.errors import SourceRejected

HEAD_BYTES = 1 << 16
Cell = str | None


@dataclass
class Sheet:
    """A sheet as read: `values[i]` is the file's row i + 1 (spreadsheet values, or CSV text)."""

    name: str
    values: list[list[object]]
    _text: list[list[Cell]] | None = field(default=None, repr=False)

    @property
    def rows(self) -> list[list[Cell]]:
        """Every row as text cells (computed once; large sheets use `text_columns`)."""
        if self._text is None:
            self._text = [[cell_text(v) for v in row] for row in self.values]
        return self._text

    def head(self, count: int) -> list[list[Cell]]:
        """The first `count` rows as text cells."""
        return [[cell_text(v) for v in row] for row in self.values[:count]]


def sniff(path: Path) -> str:
    """Return 'xlsx', 'xls' or 'csv' from the file's first bytes; reject empty or binary files."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise SourceRejected(f"无法打开文件：{exc.strerror or exc}") from exc
    if not head.strip():
        raise SourceRejected("文件为空")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    return "csv"


def detect_encoding(path: Path) -> str:
    """Return 'utf-8-sig', 'utf-8' or 'gb18030' (a superset of GBK) from the first 64 KiB."""
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    if b"\x00" in head:
        raise SourceRejected("不是表格文件：含有二进制内容")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            # A multibyte character may be cut at the end of the sample.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise SourceRejected("无法识别文件编码（应为 UTF-8 或 GBK 的 CSV，或 Excel 文件）")


def utf8_copy(path: Path, encoding: str) -> Path:
    """Return a path DuckDB can read as UTF-8: the file itself, or a transcoded temp copy."""
    if encoding in ("utf-8", "utf-8-sig"):
        return path
    handle, name = tempfile.mkstemp(prefix="policy-monitor-", suffix=".csv")
    with (
        open(handle, "w", encoding="utf-8", newline="") as out,
        path.open(encoding=encoding, errors="strict", newline="") as src,
    ):
        try:
            while chunk := src.read(1 << 20):
                out.write(chunk)
        except UnicodeDecodeError as exc:
            raise SourceRejected(f"文件含有无法按 {encoding} 解码的字节") from exc
    return Path(name)


def read_csv_head(path: Path, encoding: str, lines: int = 40) -> list[list[Cell]]:
    """Return the first `lines` CSV records as text cells."""
    with path.open(encoding=encoding, newline="") as f:
        head = [line for _, line in zip(range(lines), f, strict=False)]
    return [
        [c if c.strip() else None for c in row] for row in csv.reader(io.StringIO("".join(head)))
    ]


def read_csv_grid(path: Path) -> Sheet:
    """Return a whole (small) CSV as one sheet of text cells."""
    encoding = detect_encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as f:
            rows = [[c if c.strip() else None for c in row] for row in csv.reader(f)]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SourceRejected(f"CSV 文件无法读取：{exc}") from exc
    return Sheet(path.stem, rows)


def cell_text(value: object) -> Cell:
    """Return a spreadsheet value as the text a person sees (floats exactly, dates ISO)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_workbook(path: Path) -> list[Sheet]:
    """Return every sheet of an XLSX/XLS workbook as text cells."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in workbook.sheet_names:
            # keep leading empty rows and columns so row numbers are the ones Excel shows
            values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets.append(Sheet(name, values))
        return sheets
    except (CalamineError, ValueError, OSError) as exc:
        raise SourceRejected(f"Excel 文件无法读取：{exc}") from exc


def text_column(values: Sequence[object]) -> list[Cell]:
    """Return one column's values as text, all at once where the column has a single type."""
    kinds = set(map(type, values))
    if kinds <= {str, type(None)}:
        return [v or None for v in values]
    if kinds <= {float, int, str, type(None)} and all(
        v == "" for v in values if isinstance(v, str)
    ):
        # Arrow formats doubles as the shortest text that reads back the same (918.1, 8000).
        numbers = pa.array([None if v == "" else v for v in values], type=pa.float64())
        return pc.cast(numbers, pa.string()).to_pylist()
    return [cell_text(v) for v in values]


def read_sheets(path: Path) -> list[Sheet]:
    """Return the sheets of any supported file (a CSV is one sheet)."""
    kind = sniff(path)
    return read_workbook(path) if kind in ("xlsx", "xls") else [read_csv_grid(path)]
