"""`target_by_date`: a measure over a ledger reaches a target by a deadline.

Per item (`per: item`, measure share): each row is graded by `triggers.arrears.grade_items`.
Per region (`per: region`): the rows of each region of the jurisdiction together: a sum (of
money in yuan, or of a count), a count of rows, or a share (Σ done ÷ Σ amount, in percent).
A jurisdiction with no rows at all is one item with nothing reached (0 issued is a finding).

- green: reached, or more than `at_risk_days` days before the deadline;
- yellow: not reached and the deadline within `at_risk_days` days (on it: 0 days left);
- red: not reached and the deadline passed.

Comparisons are exact: money in fen, shares as integer cross-products.
"""

from datetime import date

import polars as pl

from triggers.arrears import grade_items
from triggers.commitment_filters import (
    columns,
    decimal_text,
    fen_decimal,
    identity,
    ledger_rows,
    per_row,
    percent_e4,
    scaled,
    wan,
    word,
)
from triggers.commitment_findings import AMOUNT, conform, empty_findings
from triggers.frames import collect

_I128 = pl.Int128


def evaluate_target_by_date(rule, rules: list, frames: dict, as_of: date) -> pl.DataFrame:
    """Return the rule's graded items on `as_of` (none outside its effective range)."""
    if not rule.effective.covers(as_of):
        return empty_findings()
    rows = ledger_rows(rule, frames)
    if rule.window is not None:
        column = columns(rule.ledger)[rule.window.column][0]
        rows = rows.filter(pl.col(column).is_between(rule.window.start, rule.window.end))
    if rule.per == "item":
        graded = grade_items(rule, per_row(rule, rows), as_of)
    else:
        graded = _regions(rule, rows, as_of)
    return conform(collect(graded.with_columns(**identity(rule, as_of))), as_of)


def _regions(rule, rows: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    known = columns(rule.ledger)
    unit = rule.unit()
    if rule.measure == "count":
        agg = {"value": pl.len().cast(pl.Int64), "base": pl.lit(None, pl.Int64)}
    elif rule.measure == "sum":
        agg = {"value": pl.col(known[rule.of][0]).sum(), "base": pl.lit(None, pl.Int64)}
    else:
        agg = {
            "value": pl.col(known[rule.done][0]).sum(),
            "base": pl.col(known[rule.amount][0]).sum(),
        }
    groups = rows.group_by("region_code").agg(pl.col("region_name").first(), **agg)
    placeholder = pl.LazyFrame(
        {"region_code": [rule.jurisdiction], "region_name": [rule.jurisdiction]},
    ).with_columns(
        value=pl.lit(0, pl.Int64), base=pl.lit(0 if rule.measure == "share" else None, pl.Int64)
    )
    present = groups.select(pl.len()).collect().item() > 0
    frame = groups if present else placeholder
    target = scaled(rule.target, "percent" if rule.measure == "share" else unit, "target")
    if rule.measure == "share":
        # Σ done × 10,000 ≥ target (hundredths of a percent) × Σ amount; nothing due: reached
        reached = pl.col("value").cast(_I128) * 10_000 >= pl.col("base").cast(_I128) * target
        actual = percent_e4(pl.col("value"), pl.col("base"))
        shown = pl.format("{}%", decimal_text(actual))
        goal = f"{rule.target}%"
    else:
        reached = pl.col("value") >= target
        actual = fen_decimal(pl.col("value")) if unit == "yuan" else pl.col("value").cast(AMOUNT)
        shown = (
            pl.format("{} 万元", wan(pl.col("value")))
            if unit == "yuan"
            else pl.format("{} 件", pl.col("value"))
        )
        goal = f"{_wan_text(target)} 万元" if unit == "yuan" else f"{target} 件"
    days = (pl.lit(rule.deadline) - pl.lit(as_of)).dt.total_days()
    what = _what(rule)
    level = (
        pl.when(reached)
        .then(pl.lit("green"))
        .when(days < 0)
        .then(pl.lit("red"))
        .when(days <= rule.at_risk_days)
        .then(pl.lit("yellow"))
        .otherwise(pl.lit("green"))
    )
    reason = (
        pl.when(reached)
        .then(pl.format("{}{}，已达到目标 {}", pl.lit(what), shown, pl.lit(goal)))
        .when(days < 0)
        .then(
            pl.format(
                "截止日 {} 已过 {} 天，{}{}，未达到目标 {}",
                pl.lit(rule.deadline),
                -days,
                pl.lit(what),
                shown,
                pl.lit(goal),
            )
        )
        .otherwise(
            pl.format(
                "距截止日 {} 还有 {} 天，{}{}，目标 {}",
                pl.lit(rule.deadline),
                days,
                pl.lit(what),
                shown,
                pl.lit(goal),
            )
        )
    )
    money = unit == "yuan" or rule.measure == "share"
    return frame.with_columns(
        item=pl.lit(rule.id),
        subject=pl.lit(rule.subject or rule.title),
        party=pl.lit(None, pl.String),
        deadline=pl.lit(rule.deadline),
        unit=pl.lit("percent" if rule.measure == "share" else unit),
        target=pl.lit(rule.target).cast(AMOUNT),
        actual=actual,
        amount_fen=(pl.col("base") if rule.measure == "share" else pl.lit(target))
        if money
        else pl.lit(None, pl.Int64),
        done_fen=pl.col("value") if money else pl.lit(None, pl.Int64),
        overdue=~reached & (days < 0),
        level=level,
        reasons=pl.concat_list(reason),
    )


def _wan_text(fen: int) -> str:
    hundredths = (fen + 5_000) // 10_000
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def _what(rule) -> str:
    if rule.measure == "count":
        return "符合条件的记录 "
    if rule.measure == "sum":
        return f"{word(rule.of)}合计 "
    return f"{word(rule.done)}占{word(rule.amount)} "
