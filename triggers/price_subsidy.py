"""Price-subsidy linkage: per jurisdiction and index month, triggered or not, for whom, how much.

Inputs (whole frames, see `triggers.frames`): CPI year-on-year values in hundredths of a percent,
beneficiary counts and benefit standards (1/10,000 yuan per month). Money out is whole yuan.
"""

from datetime import date, timedelta

import polars as pl

from triggers.calendar import add_working_days_many
from triggers.frames import collect, pct_text
from triggers.jurisdictions import covers, finest

_HALF_UP = 50_000_000  # amounts are standard(1e-4 yuan) × rate(1e-4): 1e8 per yuan


def _bp(value) -> int:
    return int(value * 100)


def _months(rule, cpi: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Return the index months to report: from the first month with data to the latest one due.

    A month is due once it has ended. With no data at all, only the latest month due is reported
    (as not yet published or overdue), and nothing for a rule that ended before it.
    """
    last = date(as_of.year - (as_of.month == 1), (as_of.month - 2) % 12 + 1, 1)
    end = min(last, rule.effective.end or last)
    first = (
        cpi.filter(pl.col("region_code").is_in(rule.cpi_regions))
        .filter(pl.col("period").is_between(rule.effective.start, end))
        .select(pl.col("period").min())
        .pipe(collect)
        .item()
    )
    if first is None and end < last:
        end = rule.effective.start - timedelta(days=1)  # an empty range
    start = max(rule.effective.start, first or end)
    return pl.LazyFrame(
        {"period": pl.date_range(start, max(start, end), "1mo", eager=True)}
    ).filter(pl.col("period") <= end)


def _pick(months: pl.LazyFrame, cpi: pl.LazyFrame, rule, indicator: str) -> pl.LazyFrame:
    """Return per month the value of the first region in the rule's fallback chain that has it."""
    chain = pl.LazyFrame(
        {"region_code": rule.cpi_regions, "rank": list(range(len(rule.cpi_regions)))}
    )
    found = (
        cpi.filter(pl.col("indicator") == indicator)
        .join(chain, on="region_code")
        .join(months, on="period")
        .sort("period", "rank")
        .group_by("period")
        .first()
    )
    return found.select(
        "period",
        pl.col("value_bp").alias(f"{indicator}_bp"),
        pl.col("region_code").alias(f"{indicator}_region"),
        pl.col("published_on").alias(f"{indicator}_published_on"),
    )


def _status(rule, as_of: date) -> list[pl.Expr]:
    cpi_thr, food_thr = _bp(rule.cpi_threshold_pct), _bp(rule.food_threshold_pct)
    cpi_hit = pl.col("cpi_bp") >= cpi_thr
    food_hit = pl.col("food_bp") >= food_thr
    due = pl.col("period").dt.offset_by("1mo")
    due = pl.min_horizontal(
        due.dt.month_end(), due.dt.offset_by(f"{rule.publication_due_day - 1}d")
    )
    no_data = pl.col("cpi_bp").is_null() & pl.col("food_bp").is_null()
    return [
        due.alias("due_on"),
        pl.when(no_data)
        .then(pl.when(pl.lit(as_of) > due).then(pl.lit("overdue")).otherwise(pl.lit("no_data")))
        .when(cpi_hit.fill_null(False) | food_hit.fill_null(False))
        .then(pl.lit("triggered"))
        .otherwise(pl.lit("not_triggered"))
        .alias("status"),
        pl.max_horizontal(
            pl.when(cpi_hit).then(pl.col("cpi_bp")), pl.when(food_hit).then(pl.col("food_bp"))
        ).alias("rate_bp"),
    ]


def _reasons(rule) -> pl.Expr:
    chain = "、".join(rule.cpi_regions)

    def part(indicator: str, label: str, threshold) -> pl.Expr:
        value = pl.col(f"{indicator}_bp")
        hit = value >= _bp(threshold)
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

    fallback = pl.when(
        pl.col("cpi_region").is_not_null() & (pl.col("cpi_region") != rule.cpi_regions[0])
    ).then(pl.format("{} 未发布，依次使用 {}", pl.lit(rule.cpi_regions[0]), pl.lit(chain)))
    missing = pl.when(pl.col("status").is_in(["no_data", "overdue"])).then(
        pl.format(
            "{} 均未发布 {} 数据（应于 {} 前发布{}）",
            pl.lit(chain),
            pl.col("period").dt.strftime("%Y-%m"),
            pl.col("due_on").dt.strftime("%Y-%m-%d"),
            pl.when(pl.col("status") == "overdue").then(pl.lit("，已逾期")).otherwise(pl.lit("")),
        )
    )
    estimated = pl.when(pl.col("published_on_estimated") & (pl.col("status") == "triggered")).then(
        pl.lit("未记录发布日期，按应发布日期计算发放期限")
    )
    return (
        pl.concat_list(
            part("cpi", "CPI", rule.cpi_threshold_pct),
            part("food", "食品价格", rule.food_threshold_pct),
            fallback,
            missing,
            estimated,
        )
        .list.drop_nulls()
        .alias("reasons")
    )


def _pay_by(frame: pl.LazyFrame, rule) -> pl.LazyFrame:
    if rule.pay_by.method == "end_of_publication_month":
        return frame.with_columns(pay_by=pl.col("published_on").dt.month_end())
    days = sorted(
        d for d in frame.select(pl.col("published_on").unique()).pipe(collect).to_series() if d
    )
    table = pl.LazyFrame(
        {
            "published_on": days,
            "pay_by": add_working_days_many(days, rule.pay_by.working_days),
        },
        schema={"published_on": pl.Date, "pay_by": pl.Date},
    )
    return frame.join(table, on="published_on", how="left")


def _latest(frame: pl.LazyFrame, months: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """Return, per month and key, the row of the latest period on or before that month."""
    # keys first reported after the last month cannot match: leave them out of the grid
    last = months.select(pl.col("period").max().alias("last_month"))
    frame = frame.join(last, how="cross").filter(pl.col("period") <= pl.col("last_month"))
    frame = frame.drop("last_month")
    grid = months.join(frame.select(keys).unique(), how="cross").sort("period")
    return grid.join_asof(
        frame.rename({"period": "reported"}).sort("reported"),
        left_on="period",
        right_on="reported",
        by=keys,
        strategy="backward",
        check_sortedness=False,  # sorted by period above; polars cannot check it within groups
    ).filter(pl.col("reported").is_not_null())


def _lines(rule, triggered: pl.LazyFrame, counts: pl.LazyFrame, standards: pl.LazyFrame):
    """Return per month, region and group: persons, the amount per person, the line total."""
    mine = finest(
        counts.filter(covers(rule.jurisdiction) & pl.col("group_code").is_in(rule.groups))
    )
    lines = _latest(mine, triggered.select("period"), ["region_code", "group_code"]).join(
        triggered.select("period", "rate_bp"), on="period"
    )
    amount = rule.amount
    if amount.method == "fixed":
        per_person = pl.lit(amount.yuan, dtype=pl.Int64)
    else:
        std_map = pl.LazyFrame(
            {
                "group_code": rule.groups,
                "standard_code": [
                    amount.standards.get(g, amount.default_standard) for g in rule.groups
                ],
            }
        )
        own = standards.filter(covers(rule.jurisdiction))
        std = _latest(own, triggered.select("period"), ["region_code", "standard_code"]).select(
            "period", "region_code", "standard_code", "yuan_per_month_e4"
        )
        lines = lines.join(std_map, on="group_code").join(
            std, on=["period", "region_code", "standard_code"], how="left"
        )
        share = pl.col("rate_bp")
        if amount.method == "tiered":
            share = pl.lit(None, dtype=pl.Int64)
            for band in amount.bands:
                share = (
                    pl.when(pl.col("rate_bp") >= _bp(band.min_rise_pct))
                    .then(pl.lit(_bp(band.share_pct)))
                    .otherwise(share)
                )
        per_person = (pl.col("yuan_per_month_e4") * share + _HALF_UP) // (2 * _HALF_UP)
    if amount.floor_yuan is not None:
        per_person = pl.max_horizontal(per_person, pl.lit(amount.floor_yuan))
        per_person = pl.when(pl.col("rate_bp").is_not_null()).then(per_person)
    return lines.with_columns(per_person_yuan=per_person.cast(pl.Int64)).with_columns(
        total_yuan=pl.col("persons").cast(pl.Int64) * pl.col("per_person_yuan")
    )


def evaluate_price_subsidy(rule, frames: dict[str, pl.LazyFrame], as_of: date) -> pl.DataFrame:
    """Return one row per index month of the rule's jurisdiction (see `triggers.frames`)."""
    cpi = frames["cpi"]
    months = _months(rule, cpi, as_of)
    picked = months.join(_pick(months, cpi, rule, "cpi"), on="period", how="left").join(
        _pick(months, cpi, rule, "food"), on="period", how="left"
    )
    found = picked.with_columns(_status(rule, as_of)).with_columns(
        published_on=pl.coalesce("cpi_published_on", "food_published_on", "due_on"),
        published_on_estimated=pl.col("cpi_published_on").is_null()
        & pl.col("food_published_on").is_null(),
    )
    found = _pay_by(found, rule).with_columns(
        pay_by=pl.when(pl.col("status") == "triggered").then(pl.col("pay_by"))
    )
    triggered = found.filter(pl.col("status") == "triggered")
    lines = _lines(rule, triggered, frames["beneficiaries"], frames["standards"])
    totals = lines.group_by("period").agg(
        persons=pl.col("persons").sum().cast(pl.Int64),
        total_yuan=pl.col("total_yuan").sum(),
        per_person_yuan=pl.when(pl.col("per_person_yuan").n_unique() == 1).then(
            pl.col("per_person_yuan").first()
        ),
        missing_standard=pl.col("per_person_yuan").is_null().any(),
        groups=pl.struct("region_code", "group_code", "persons", "per_person_yuan", "total_yuan"),
    )
    out = found.join(totals, on="period", how="left").with_columns(
        _reasons(rule),
        rule_id=pl.lit(rule.id),
        rule_version=pl.lit(rule.version),
        region_code=pl.lit(rule.jurisdiction),
        cpi_threshold_bp=pl.lit(_bp(rule.cpi_threshold_pct)),
        food_threshold_bp=pl.lit(_bp(rule.food_threshold_pct)),
        triggered=pl.col("status") == "triggered",
    )
    out = out.with_columns(
        reasons=pl.when(pl.col("missing_standard").fill_null(False))
        .then(pl.col("reasons").list.concat(pl.lit(["部分地区缺少低保标准，金额未计入合计"])))
        .when(pl.col("triggered") & pl.col("persons").is_null())
        .then(pl.col("reasons").list.concat(pl.lit(["缺少保障对象人数，无法测算资金"])))
        .otherwise(pl.col("reasons"))
    )
    return out.select(SUBSIDY_COLUMNS).sort("period").pipe(collect)


SUBSIDY_COLUMNS = [
    "rule_id", "rule_version", "region_code", "period", "status", "triggered", "reasons",
    "cpi_region", "cpi_bp", "food_region", "food_bp", "cpi_threshold_bp", "food_threshold_bp",
    "rate_bp", "due_on", "published_on", "published_on_estimated", "pay_by", "per_person_yuan",
    "persons", "total_yuan", "groups",
]  # fmt: skip
