"""Large XLSX ledgers read straight into Arrow text columns by fastexcel (calamine in Rust).

fastexcel returns a sheet from its first used cell, so the row number of that cell is taken
from the sheet's `<dimension ref="C4:K200003">`; when it cannot be known for sure, the caller
falls back to python-calamine, which keeps every row.
"""

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import fastexcel
import pyarrow as pa

from flows.sources.files import Cell

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+(\d+)(?::[A-Z]+(\d+))?"')


@dataclass
class ArrowSheet:
    """A sheet as text columns c0..cN; its first row is the file's row `first_row`."""

    name: str
    table: pa.Table
    first_row: int

    def head(self, count: int) -> list[list[Cell]]:
        return [list(row.values()) for row in self.table.slice(0, count).to_pylist()]


def _first_rows(path: Path) -> dict[str, tuple[int, int]] | None:
    """Sheet name → (first, last) row of its `<dimension>`, or None if any is missing."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {rel.get("Id"): rel.get("Target") for rel in rels}
            found = {}
            for sheet in workbook.iter(f"{_MAIN}sheet"):
                target = targets[sheet.get(f"{_REL}id")]
                member = (
                    str(PurePosixPath("xl") / target) if not target.startswith("/") else target[1:]
                )
                with archive.open(member) as xml:
                    match = _DIMENSION.search(xml.read(4096))
                if not match:
                    return None
                first = int(match[1])
                found[sheet.get("name")] = (first, int(match[2] or first))
            return found
    except (KeyError, OSError, zipfile.BadZipFile, ElementTree.ParseError):
        return None


def read_arrow_sheets(path: Path) -> list[ArrowSheet] | None:
    """Every sheet of an XLSX as Arrow text, or None when row numbers could not be kept exact."""
    rows = _first_rows(path)
    if rows is None:
        return None
    try:
        reader = fastexcel.read_excel(str(path))
        sheets = []
        for name in reader.sheet_names:
            sheet = reader.load_sheet(name, header_row=None, dtypes="string")
            first, last = rows.get(name, (0, -1))
            if sheet.height != last - first + 1:
                return None  # the dimension does not describe what was read
            table = sheet.to_arrow()
            table = table.rename_columns([f"c{i}" for i in range(table.num_columns)])
            sheets.append(
                ArrowSheet(
                    name,
                    pa.Table.from_batches([table]) if isinstance(table, pa.RecordBatch) else table,
                    first,
                )
            )
        return sheets
    except (fastexcel.FastExcelError, OSError, ValueError):
        return None
