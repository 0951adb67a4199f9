"""Excel exports: the rows the user sees (same scoped query), with Chinese headers.

Text is always written as text: a unit or project name such as `=HYPERLINK(...)` from an uploaded
ledger stays a string cell, never a formula or a link. Each export is recorded in the audit log.
"""

import io

import polars as pl
import xlsxwriter

from dashboard import audit

# text stays text: no formulas, links or numbers guessed from strings
SAFE_WORKBOOK = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def safe_workbook(target) -> xlsxwriter.Workbook:
    """Return an xlsxwriter workbook on `target` that writes every string as a string cell."""
    options = {"in_memory": True, "nan_inf_to_errors": True, "default_date_format": "yyyy-mm-dd"}
    return xlsxwriter.Workbook(target, options | SAFE_WORKBOOK)


def to_excel(frame: pl.DataFrame, headers: dict[str, str], sheet: str) -> bytes:
    """Return an .xlsx of `frame`'s columns named in `headers`, renamed to the Chinese headers."""
    columns = [c for c in headers if c in frame.columns]
    table = frame.select(columns).rename({c: headers[c] for c in columns})
    table = table.with_columns(pl.col(pl.Decimal).cast(pl.Float64))  # Excel has no decimal type
    buffer = io.BytesIO()
    with safe_workbook(buffer) as book:
        table.write_excel(book, worksheet=sheet, autofit=True)
    audit.export(sheet, table.height)
    return buffer.getvalue()
