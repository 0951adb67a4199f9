"""Polars frames to pandas and back, for custom rule kinds; exact money and rates for analysts.

What a custom kind's `evaluate` receives (one pandas DataFrame per input, columns of
`triggers.frames.INPUTS`, default RangeIndex):

- integers (money `*_fen`, rates `*_bp` in hundredths of a percent, counts): nullable `Int64`
  (a missing value is `pd.NA`, never a float NaN);
- dates and times: `datetime64` (a missing date is `NaT`); compare with `pd.Timestamp(as_of)`,
  not with the `date` itself (pandas refuses to compare datetime64 with a `date`);
- text: pandas' string dtype; booleans: nullable `boolean`; lists (`lead_units`): Python lists;
  times of day (`report_by`): `datetime.time` objects.

`yuan(fen)` and `percent(bp)` turn such integer columns into exact `Decimal` yuan / percent
(object columns), as the findings' `target` and `actual` want them.

What `evaluate` returns is converted back column by column (`to_polars`); a column pandas
cannot hand over (mixed types in one object column) is an error naming the column.
"""

from decimal import Decimal

import pandas as pd
import polars as pl

EXACT = pl.Decimal(38, 4)


def _column(series: pl.Series) -> pd.Series:
    dtype = series.dtype
    if dtype.is_integer():
        return series.to_pandas(use_pyarrow_extension_array=True).astype("Int64")
    if dtype == pl.Boolean:
        return series.to_pandas(use_pyarrow_extension_array=True).astype("boolean")
    if dtype in (pl.Date, pl.String) or isinstance(dtype, pl.Datetime):
        return series.to_pandas()
    return pd.Series(series.to_list(), dtype=object, name=series.name)  # lists, times, decimals


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """Return `frame` as pandas with the dtypes in the module's docstring."""
    columns = {name: _column(frame.get_column(name)) for name in frame.columns}
    return pd.DataFrame(columns, index=pd.RangeIndex(frame.height))


def to_polars(frame: pd.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """Return `frame` as polars and the problems of the columns that could not be converted."""
    columns, problems = [], []
    for name in frame.columns:
        try:
            part = pl.from_pandas(frame[[name]].reset_index(drop=True))
        except Exception as exc:
            problems.append(f"列 {name} 无法转换（{type(exc).__name__}: {exc}）")
            continue
        columns.append(part.get_column(str(name)))
    return pl.DataFrame(columns, nan_to_null=False) if columns else pl.DataFrame(), problems


def _exact(series: pd.Series, scale: int) -> pd.Series:
    values = pl.from_pandas(pd.Series(series, dtype="Int64")).cast(EXACT) / 10**scale
    return pd.Series(values.cast(EXACT).to_list(), index=series.index, dtype=object)


def yuan(fen: pd.Series) -> pd.Series:
    """Return integer fen as exact Decimal yuan (12345 → Decimal('123.4500')); NA → None."""
    return _exact(fen, 2)


def percent(bp: pd.Series) -> pd.Series:
    """Return hundredths of a percent as exact Decimal percent (80 → Decimal('0.8000'))."""
    return _exact(bp, 2)


def is_float(series: pd.Series) -> bool:
    """Return whether a pandas column holds floats (never money: a float is inexact)."""
    if pd.api.types.is_float_dtype(series.dtype):
        return True
    if series.dtype == object:
        return any(isinstance(v, float) and not isinstance(v, Decimal) for v in series.head(100))
    return False
