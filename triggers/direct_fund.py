"""Direct-fund lights: red / yellow / yellow_bell / green per fund snapshot, with reasons.

Comparisons are exact: money is integer fen and "points behind time progress" is compared by
cross-multiplying, so a fund exactly 20 points behind is yellow, never red by rounding. Time
progress is a fraction `elapsed / period` in whole units: days of the year (`day_of_year`) or
complete months of twelve (`month_end`), as the rule says (docs/rules.md).
"""

from datetime import date

import polars as pl

from triggers.frames import collect
from triggers.jurisdictions import assign_rules

_I128 = pl.Int128


def _params(rules: list) -> pl.LazyFrame:
    return pl.LazyFrame(
        [
            {
                "rule_id": r.id,
                "deadline_days": r.allocation_deadline_days,
                "due_soon_days": r.due_soon_days,
                "red_points": r.red_behind_points,
                "yellow_points": r.yellow_behind_points,
                "stale_days": r.stale_after_days,
            }
            for r in rules
        ]
    )


def time_progress(convention: str, as_of: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Return time progress on `as_of` as (elapsed, period) integers.

    `day_of_year`: the snapshot's day of the year over 365 or 366 (30 June 2022 = 181/365).
    `month_end`: the months complete on the snapshot's day over 12: a month counts once its last
    day is reached (30 June = 6/12, 1 July = 6/12, 31 December = 12/12, 29 Feb 2024 = 2/12).
    """
    if convention == "month_end":
        complete = as_of.dt.month() - (as_of != as_of.dt.month_end()).cast(pl.Int8)
        return complete.cast(_I128), pl.lit(12, dtype=_I128)
    days = pl.when(as_of.dt.is_leap_year()).then(366).otherwise(365).cast(_I128)
    return as_of.dt.ordinal_day().cast(_I128), days


def _pct(numerator: str, denominator: str) -> pl.Expr:
    den = pl.col(denominator)
    return pl.when(den > 0).then(pl.col(numerator) / den)


def _text(rate: pl.Expr) -> pl.Expr:
    return (rate * 100).round(1).cast(pl.String) + pl.lit("%")


def _peer_rates(funds: pl.LazyFrame) -> pl.LazyFrame:
    """Return per region its paid and received totals and those of all regions sharing its parent."""
    region = funds.group_by("region_code", "parent_code").agg(
        region_paid=pl.col("paid_fen").sum().cast(_I128),
        region_received=pl.col("received_fen").sum().cast(_I128),
    )
    peers = region.group_by("parent_code").agg(
        peer_paid=pl.col("region_paid").sum(),
        peer_received=pl.col("region_received").sum(),
        peer_regions=pl.len(),
    )
    return region.join(peers, on="parent_code", how="left", nulls_equal=True)


def evaluate_direct_fund(rule, rules: list, frames: dict, as_of: date) -> pl.DataFrame:
    """Return one row per fund whose latest snapshot this rule governs (see `triggers.frames`)."""
    funds = assign_rules(frames["funds"], rules, "as_of").filter(pl.col("rule_id") == rule.id)
    funds = funds.join(_params([rule]), on="rule_id").join(
        _peer_rates(frames["funds"]),
        on=["region_code", "parent_code"],
        how="left",
        nulls_equal=True,
    )
    recv, paid = pl.col("received_fen").cast(_I128), pl.col("paid_fen").cast(_I128)
    elapsed, period = time_progress(rule.time_progress, pl.col("as_of"))
    # 100 × (time progress − spending rate) × period × received, in integers
    behind = 100 * (elapsed * recv - paid * period)
    scale = period * recv
    incomplete = pl.col("allocated_fen") < pl.col("received_fen")
    deadline = pl.col("release_date") + pl.duration(days=pl.col("deadline_days"))
    days_left = (deadline - pl.col("as_of")).dt.total_days()
    out = funds.with_columns(
        allocation_rate=_pct("allocated_fen", "received_fen"),
        spending_rate=_pct("paid_fen", "received_fen"),
        time_progress=elapsed / period,
        allocation_deadline=deadline,
        overdue=incomplete & (days_left < 0),
        due_soon=incomplete & days_left.is_between(0, pl.col("due_soon_days")),
        own_funds=pl.col("own_funds_payments") > 0,
        far_behind=(recv > 0) & (behind > pl.col("red_points") * scale),
        behind=(recv > 0) & (behind >= pl.col("yellow_points") * scale),
        # a fund with everything paid has nothing left to lag with: no bell for it
        below_peers=(pl.col("peer_regions") > 1)
        & (paid < recv)
        & (
            pl.col("region_paid") * pl.col("peer_received")
            < pl.col("peer_paid") * pl.col("region_received")
        ),
        stale=(pl.lit(as_of) - pl.col("as_of")).dt.total_days() > pl.col("stale_days"),
    )
    red = pl.col("overdue") | pl.col("own_funds") | pl.col("far_behind")
    yellow = pl.col("due_soon") | pl.col("behind")
    out = out.with_columns(
        level=pl.when(red)
        .then(pl.lit("red"))
        .when(yellow)
        .then(pl.lit("yellow"))
        .when(pl.col("below_peers"))
        .then(pl.lit("yellow_bell"))
        .otherwise(pl.lit("green"))
    )
    return out.with_columns(_texts()).with_columns(_reasons()).select(FUND_COLUMNS).pipe(collect)


def _percent(rate: pl.Expr) -> pl.Expr:
    """Return a 0–1 rate as text with one decimal ('49.6%'), via integers (fast, no float text)."""
    tenths = pl.when(rate.is_finite()).then((rate * 1000).round(0)).cast(pl.Int64)
    sign = pl.when(tenths < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    value = tenths.abs()
    return pl.concat_str(
        sign, (value // 10).cast(pl.String), pl.lit("."), (value % 10).cast(pl.String), pl.lit("%")
    )


def _texts() -> list[pl.Expr]:
    """Return the numbers the reasons quote, each made text once."""
    return [
        _percent(pl.col("spending_rate")).alias("sp_text"),
        _percent(pl.col("time_progress")).alias("tp_text"),
        _percent(pl.col("allocation_rate")).alias("ar_text"),
        _percent(pl.col("time_progress") - pl.col("spending_rate"))
        .str.strip_suffix("%")
        .alias("pts_text"),
        pl.col("allocation_deadline").cast(pl.String).alias("deadline_text"),
    ]


def _reasons() -> pl.Expr:
    region_rate = pl.col("region_paid") / pl.col("region_received")
    peer_rate = pl.col("peer_paid") / pl.col("peer_received")
    reasons = [
        pl.when(pl.col("overdue")).then(
            pl.format(
                "分配未完成（分配率 {}），已超过分配期限 {}",
                pl.col("ar_text"),
                pl.col("deadline_text"),
            )
        ),
        pl.when(pl.col("own_funds")).then(
            pl.format(
                "有 {} 笔支付拨入实有资金账户，共 {} 万元",
                pl.col("own_funds_payments"),
                (pl.col("own_funds_fen") / 1_000_000).round(2),
            )
        ),
        pl.when(pl.col("far_behind") | pl.col("behind")).then(
            pl.format(
                "支出进度 {} 落后时序进度 {} 共 {} 个百分点",
                pl.col("sp_text"),
                pl.col("tp_text"),
                pl.col("pts_text"),
            )
        ),
        pl.when(pl.col("due_soon")).then(
            pl.format(
                "分配率 {}，分配期限 {} 将在 {} 天内到期",
                pl.col("ar_text"),
                pl.col("deadline_text"),
                pl.col("due_soon_days"),
            )
        ),
        pl.when(pl.col("below_peers")).then(
            pl.format(
                "本地区支出进度 {} 低于同级平均 {}", _percent(region_rate), _percent(peer_rate)
            )
        ),
        pl.when(pl.col("received_fen") <= 0).then(pl.lit("上级下达金额为 0，无法计算进度")),
        pl.when(pl.col("release_date").is_null()).then(pl.lit("缺少下达日期，无法判断分配期限")),
        pl.when(pl.col("level") == "green").then(
            pl.format("进度正常：支出进度 {}，时序进度 {}", pl.col("sp_text"), pl.col("tp_text"))
        ),
        pl.when(pl.col("stale")).then(pl.format("数据截至 {}，已较久未更新", pl.col("as_of"))),
    ]
    return pl.concat_list(reasons).list.drop_nulls().alias("reasons")


FUND_COLUMNS = [
    "rule_id",
    "as_of",
    "region_code",
    "region_name",
    "fund_code",
    "fund_name",
    "department",
    "received_fen",
    "allocated_fen",
    "paid_fen",
    "allocation_rate",
    "spending_rate",
    "time_progress",
    "allocation_deadline",
    "own_funds_payments",
    "level",
    "reasons",
    "stale",
]
