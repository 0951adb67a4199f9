"""Which regions a jurisdiction covers, and which rule applies where (GB/T 2260 code prefixes).

A code covers the codes that start with it once its trailing "00" pairs are dropped: 000000 covers
every region, 650000 the province, 654300 the prefecture and its counties (and non-standard units
such as 654300-KNS), a county code only itself.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # polars is imported where a frame is built: the CLI's region check needs none
    import polars as pl

_CODE = re.compile(r"\d{6}(-[A-Z0-9]+)?")


class RegionCodeError(ValueError):
    """A region code given by a person is not a GB/T 2260 code (or the 654300-KNS form)."""


def normalise_region(text: str) -> str:
    """Return the region code a person typed, stripped; raise RegionCodeError if it is not one.

    This is the one boundary check (CLI options, dashboard inputs, the Python API): codes past
    it are trusted, and `prefix`/`is_under` decide what they cover.
    """
    code = str(text).strip().upper()
    if not _CODE.fullmatch(code):
        raise RegionCodeError(
            f"地区代码应为 6 位数字（如 654300）或 654300-KNS 形式，收到 {text!r}"
            f" / a region code is 6 digits (e.g. 654300) or of the form 654300-KNS, got {text!r}"
        )
    return code


def prefix(code: str) -> str:
    """Return the code prefix that every region under `code` starts with."""
    base = code.split("-")[0]
    if "-" in code:
        return code
    while base.endswith("00"):
        base = base[:-2]
    return base


def is_under(code: str, jurisdiction: str) -> bool:
    """Return whether region `code` lies in `jurisdiction` (itself included)."""
    return code.startswith(prefix(jurisdiction))


def depth(code: str) -> int:
    """Return how specific a code is: the length of its prefix (0 nation … 6 county)."""
    return len(prefix(code))


def covers(code: str, column: str = "region_code") -> pl.Expr:
    """Return an expression that is true for the regions under the jurisdiction `code`."""
    import polars as pl

    return pl.col(column).str.starts_with(prefix(code))


def assign_rules(frame: pl.LazyFrame, rules: list, date_column: str) -> pl.LazyFrame:
    """Add `rule_id`: the rule of the most specific jurisdiction in force on each row's date.

    Rows no rule covers get a null rule_id (the caller reports them).
    """
    import polars as pl

    ordered = sorted(rules, key=lambda r: len(prefix(r.jurisdiction)), reverse=True)
    choice = pl.lit(None, dtype=pl.String)
    for rule in reversed(ordered):
        in_force = pl.col(date_column) >= rule.effective.start
        if rule.effective.end is not None:
            in_force &= pl.col(date_column) <= rule.effective.end
        choice = (
            pl.when(covers(rule.jurisdiction) & in_force).then(pl.lit(rule.id)).otherwise(choice)
        )
    return frame.with_columns(rule_id=choice)


def finest(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Keep rows of regions with no sub-region in the frame, so totals are not counted twice."""
    import polars as pl

    code = pl.col("region_code")
    base = code.str.split("-").list.first()
    ancestors = [
        base,
        base.str.slice(0, 4) + pl.lit("00"),
        base.str.slice(0, 2) + pl.lit("0000"),
        pl.lit("000000"),
    ]
    covered = (
        frame.select(code.unique())
        .select(pl.concat_list(ancestors).alias("ancestor"), code)
        .explode("ancestor")
        .filter(pl.col("ancestor") != code)
        .select(pl.col("ancestor").unique().alias("region_code"))
    )
    return frame.join(covered, on="region_code", how="anti")
