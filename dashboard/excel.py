"""Excel exports: the rows the user sees (same scoped query), with Chinese headers."""

import io

import polars as pl


def to_excel(frame: pl.DataFrame, headers: dict[str, str], sheet: str) -> bytes:
    """Return an .xlsx of `frame`'s columns named in `headers`, renamed to the Chinese headers."""
    columns = [c for c in headers if c in frame.columns]
    table = frame.select(columns).rename({c: headers[c] for c in columns})
    table = table.with_columns(pl.col(pl.Decimal).cast(pl.Float64))  # Excel has no decimal type
    buffer = io.BytesIO()
    table.write_excel(buffer, worksheet=sheet, autofit=True)
    return buffer.getvalue()
