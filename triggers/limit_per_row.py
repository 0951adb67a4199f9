"""`limit_per_row`: every row's value within a cap or above a floor, or a column of it set.

The value is a column (money in yuan, a rate in percent, a count) or a ratio of two columns in
percent (面向中小企业预留金额 ÷ 采购预算). Each row is an item: green within the limit, the rule's
`breach_level` (red by default) beyond it, yellow when its value cannot be computed (a blank
rate, a zero denominator). With `present`, a row lacking the column is the breach (a project
holding quota without a tender notice). Comparisons are exact integers: fen, hundredths of a
percent, and for a ratio numerator × 10,000 against limit × denominator.
"""

from datetime import date

import polars as pl

from triggers.commitment_filters import (
    LEDGER_DEFAULTS,
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
from triggers.commitment_rules import Ratio
from triggers.frames import collect, pct_text

_I128 = pl.Int128


def evaluate_limit_per_row(rule, rules: list, frames: dict, as_of: date) -> pl.DataFrame:
    """Return one graded item per row of the rule's ledger on `as_of`."""
    if not rule.effective.covers(as_of):
        return empty_findings()
    rows = per_row(rule, ledger_rows(rule, frames))
    amount = LEDGER_DEFAULTS[rule.ledger]["amount"]
    rows = rows.with_columns(amount_fen=pl.col(amount) if amount else pl.lit(None, pl.Int64))
    graded = _present(rule, rows) if rule.present else _bounded(rule, rows)
    return conform(collect(graded.with_columns(**identity(rule, as_of))), as_of)


def _present(rule, rows: pl.LazyFrame) -> pl.LazyFrame:
    column, unit = columns(rule.ledger)[rule.present]
    missing = pl.col(column).is_null()
    what = word(rule.present)
    done_at = pl.col(column).cast(pl.Datetime("us")) if unit == "date" else pl.lit(None)
    amount = pl.format("（{} {} 万元）", pl.lit(word(_money_name(rule))), wan(pl.col("amount_fen")))
    return rows.with_columns(
        unit=pl.lit("count"),
        target=pl.lit(1).cast(AMOUNT),
        actual=pl.when(missing).then(0).otherwise(1).cast(AMOUNT),
        done_at=done_at,
        level=pl.when(missing).then(pl.lit(rule.breach_level)).otherwise(pl.lit("green")),
        reasons=pl.concat_list(
            pl.when(missing)
            .then(pl.format("未填报{}{}", pl.lit(what), amount))
            .otherwise(pl.format("{}：{}", pl.lit(what), pl.col(column).cast(pl.String)))
        ),
    )


def _money_name(rule) -> str:
    amount = LEDGER_DEFAULTS[rule.ledger]["amount"]
    return next((n for n, (c, _) in columns(rule.ledger).items() if c == amount), "")


def _bounded(rule, rows: pl.LazyFrame) -> pl.LazyFrame:
    unit = rule.unit()
    known = columns(rule.ledger)
    if isinstance(rule.value, Ratio):
        num = pl.col(known[rule.value.numerator][0]).cast(_I128)
        den = pl.col(known[rule.value.denominator][0]).cast(_I128)
        ok = den > 0

        def within(limit: int, above: bool) -> pl.Expr:  # limit in hundredths of a percent
            return num * 10_000 >= den * limit if above else num * 10_000 <= den * limit

        actual = percent_e4(num, den)
        shown = pl.format("{}%", decimal_text(actual))
        what = f"{word(rule.value.numerator)}占{word(rule.value.denominator)}比例"
        done_fen = pl.col(known[rule.value.numerator][0])
    else:
        value = pl.col(known[rule.value][0])
        ok = value.is_not_null()

        def within(limit: int, above: bool) -> pl.Expr:
            return value >= limit if above else value <= limit

        if unit == "yuan":
            actual, shown = fen_decimal(value), pl.format("{} 万元", wan(value))
        elif unit == "percent":
            actual = value.cast(AMOUNT) / pl.lit(100).cast(AMOUNT)
            shown = pl.format("{}%", pct_text(value))
        else:
            actual, shown = value.cast(AMOUNT), value.cast(pl.String)
        what = word(rule.value)
        done_fen = pl.lit(None, pl.Int64)
    checks, words = [], []
    for field, above, relation in (("max", False, "上限"), ("min", True, "下限")):
        limit = getattr(rule, field)
        if limit is not None:
            checks.append(within(scaled(limit, unit, field), above))
            words.append((above, relation, _limit_text(limit, unit)))
    inside = pl.all_horizontal(checks)
    breach = pl.lit("")
    for above, relation, text in words:
        broken = ~within(scaled(_raw(rule, above), unit, ""), above)
        breach = (
            pl.when(broken)
            .then(pl.lit(f"{'低于' if above else '高于'}{relation} {text}"))
            .otherwise(breach)
        )
    limit = rule.max if rule.max is not None else rule.min
    return rows.with_columns(
        unit=pl.lit(unit),
        target=pl.lit(limit).cast(AMOUNT),
        actual=actual,
        done_fen=done_fen,
        level=pl.when(~ok)
        .then(pl.lit("yellow"))
        .when(inside)
        .then(pl.lit("green"))
        .otherwise(pl.lit(rule.breach_level)),
        reasons=pl.concat_list(
            pl.when(~ok)
            .then(pl.lit(f"{what}无法计算（未填报或分母为 0）"))
            .when(inside)
            .then(pl.format("{} {}，符合{}", pl.lit(what), shown, pl.lit(_limits(words))))
            .otherwise(pl.format("{} {}，{}", pl.lit(what), shown, breach))
        ),
    )


def _raw(rule, above: bool):
    return rule.min if above else rule.max


def _limit_text(limit, unit: str) -> str:
    if unit == "yuan":
        return f"{limit} 元"
    return f"{limit}%" if unit == "percent" else str(limit)


def _limits(words: list) -> str:
    return "、".join(f"{'不低于' if above else '不高于'} {text}" for above, _, text in words)
