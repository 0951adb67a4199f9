"""Why a price rule's month is triggered, not triggered, pending or overdue, in the user's words."""

import polars as pl

from triggers.cpi_decision import bp
from triggers.frames import pct_text


def reasons(rule) -> pl.Expr:
    """Return the list of plain-Chinese reasons of a month's decision (column `reasons`)."""
    chain, own = "、".join(rule.cpi_regions), rule.cpi_regions[0]
    month = pl.col("period").dt.strftime("%Y-%m")
    due = pl.col("due_on").dt.strftime("%Y-%m-%d")

    def part(indicator: str, label: str, threshold) -> pl.Expr:
        value = pl.col(f"{indicator}_bp")
        hit = value >= bp(threshold)
        return pl.when(value.is_not_null()).then(
            pl.format(
                "{} 同比 {}% {} {}%（{} 数据）",
                pl.lit(label),
                pct_text(value),
                pl.when(hit).then(pl.lit("≥")).otherwise(pl.lit("<")),
                pl.lit(str(threshold)),
                pl.col(f"{indicator}_region"),
            )
        )

    status = pl.col("status")
    decided_by = pl.coalesce("cpi_region", "food_region")
    fallback = pl.when(decided_by.is_not_null() & (decided_by != own)).then(
        pl.format(
            "{} 未于 {} 前发布 {} 数据，按 {} 的数据判定（顺序 {}）",
            pl.lit(own),
            due,
            month,
            decided_by,
            pl.lit(chain),
        )
    )
    awaited = pl.when((status == "pending") & decided_by.is_null()).then(
        pl.format("等待 {} 发布 {} CPI 和食品价格指数（应于 {} 前发布）", pl.lit(own), month, due)
    )
    food_missing = pl.when(
        status.is_in(["pending", "overdue"])
        & pl.col("cpi_bp").is_not_null()
        & pl.col("food_bp").is_null()
    ).then(
        pl.format(
            "CPI 未达启动条件，食品价格指数未发布（应于 {} 前发布），暂不能判定{}",
            due,
            pl.when(status == "overdue").then(pl.lit("，已逾期")).otherwise(pl.lit("")),
        )
    )
    cpi_missing = pl.when(
        status.is_in(["pending", "overdue"])
        & pl.col("food_bp").is_not_null()
        & pl.col("cpi_bp").is_null()
    ).then(pl.format("食品价格未达启动条件，CPI 未发布（应于 {} 前发布），暂不能判定", due))
    missing = pl.when((status == "overdue") & decided_by.is_null()).then(
        pl.format("{} 均未发布 {} 数据（应于 {} 前发布，已逾期）", pl.lit(chain), month, due)
    )
    estimated = pl.when(~pl.col("published_on_recorded") & (status == "triggered")).then(
        pl.lit("未记录发布日期，按应发布日期计算发放期限")
    )
    return (
        pl.concat_list(
            part("cpi", "CPI", rule.cpi_threshold_pct),
            part("food", "食品价格", rule.food_threshold_pct),
            fallback,
            awaited,
            food_missing,
            cpi_missing,
            missing,
            estimated,
        )
        .list.drop_nulls()
        .alias("reasons")
    )
