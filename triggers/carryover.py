"""Carry-over recall: fund balances still unspent at the end of the year after budgeting.

The fund ledger has no 预算年度 column, so the budget year is derived from the release date: money
released in one of the rule's `advance_release_months` (default October–December, 提前下达) is
next year's budget (docs/rules.md).
"""

from datetime import date

import polars as pl

from triggers.frames import collect
from triggers.jurisdictions import assign_rules


def budget_year_of(advance_months: list[int]) -> pl.Expr:
    """Return the budget year of a fund's money: its release year, or the next one if released
    in advance (提前下达: in one of `advance_months`); without a release date, the snapshot's year.
    """
    released = pl.col("release_date")
    advance = released.dt.month().is_in(advance_months).cast(pl.Int32)
    return pl.coalesce(released.dt.year() + advance, pl.col("as_of").dt.year())


def evaluate_carryover(rule, rules: list, frames: dict, as_of: date) -> pl.DataFrame:
    """Return the funds with a balance, each with its recall date and level.

    red = the recall date has passed (the balance is to be recalled); yellow = it falls within
    `warn_days_before`; funds with nothing left, or far from the date, are not returned.
    """
    funds = assign_rules(frames["funds"], rules, "as_of").filter(pl.col("rule_id") == rule.id)
    budget_year = budget_year_of(rule.advance_release_months)
    recall_on = pl.date(budget_year + rule.recall_after_years, 12, 31)
    out = funds.with_columns(
        budget_year=budget_year,
        balance_fen=pl.col("received_fen") - pl.col("paid_fen"),
        recall_on=recall_on,
        days_left=(recall_on - pl.lit(as_of)).dt.total_days(),
    ).filter(pl.col("balance_fen") > 0)
    out = out.with_columns(
        level=pl.when(pl.col("days_left") < 0)
        .then(pl.lit("red"))
        .when(pl.col("days_left") <= rule.warn_days_before)
        .then(pl.lit("yellow"))
    ).filter(pl.col("level").is_not_null())
    balance = (pl.col("balance_fen") / 1_000_000).round(2)
    advance = (
        pl.when(pl.col("budget_year") > pl.col("release_date").dt.year())
        .then(pl.format("（{} 提前下达）", pl.col("release_date")))
        .otherwise(pl.lit(""))
    )
    reason = (
        pl.when(pl.col("level") == "red")
        .then(
            pl.format(
                "{} 年安排的资金{}至 {} 仍有 {} 万元未支出，应收回统筹",
                pl.col("budget_year"),
                advance,
                pl.col("recall_on"),
                balance,
            )
        )
        .otherwise(
            pl.format(
                "{} 年安排的资金{}尚有 {} 万元未支出，{} 后将收回统筹",
                pl.col("budget_year"),
                advance,
                balance,
                pl.col("recall_on"),
            )
        )
    )
    return (
        out.with_columns(rule_id=pl.lit(rule.id), reason=reason)
        .select(CARRYOVER_COLUMNS)
        .pipe(collect)
    )


CARRYOVER_COLUMNS = [
    "rule_id",
    "as_of",
    "region_code",
    "region_name",
    "fund_code",
    "fund_name",
    "budget_year",
    "received_fen",
    "paid_fen",
    "balance_fen",
    "recall_on",
    "days_left",
    "level",
    "reason",
]
