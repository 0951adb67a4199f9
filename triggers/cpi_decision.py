"""Which CPI values decide a price rule's month, as they were known on the evaluation date.

Every CPI value carries when it was known (`known_on`): its recorded publication date; else, for
the first vintage, its expected publication date (the month's due day) or the day it was loaded
if that was earlier; else (a revision) the day the revision was loaded. On `as_of` a value counts
only if known by then, and of several vintages the latest known one counts.

The first region of a rule's chain is awaited until its due day: meanwhile the month is
`pending`. Once it has published, or after the due day, the first region of the chain that has
published decides; CPI and food come from that one region unless the rule allows
`mix_regions` (for places whose bulletin lacks 食品). A month whose CPI is below its threshold
and whose food index is missing is `pending` until the due day, `overdue` after it.
"""

from datetime import date

import polars as pl

INDICATORS = ("cpi", "food")


def bp(value) -> int:
    """Return a percentage (Decimal) in hundredths: 3.5 → 350."""
    return int(value * 100)


def due_on(rule, period: pl.Expr | None = None) -> pl.Expr:
    """Return the day by which an index month's figure is due (the rule's day of the next month)."""
    nxt = (pl.col("period") if period is None else period).dt.offset_by("1mo")
    return pl.min_horizontal(
        nxt.dt.month_end(), nxt.dt.offset_by(f"{rule.publication_due_day - 1}d")
    )


def known_values(rule, cpi: pl.LazyFrame, as_of: date) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Return (latest, first) known value per region, month and indicator of the rule's chain."""
    expected = due_on(rule)
    known_on = (
        pl.when(pl.col("published_on").is_not_null())
        .then(pl.col("published_on"))
        .when(pl.col("vintage").fill_null(1) == 1)
        .then(pl.min_horizontal(expected, pl.col("loaded_on")))
        .otherwise(pl.col("loaded_on"))
    )
    known = (
        cpi.filter(
            pl.col("region_code").is_in(rule.cpi_regions) & pl.col("indicator").is_in(INDICATORS)
        )
        .with_columns(known_on=known_on, recorded=pl.col("published_on").is_not_null())
        .filter(pl.col("known_on") <= as_of)
        .sort("known_on", "vintage")
        .group_by("region_code", "period", "indicator", maintain_order=True)
    )
    columns = ["value_bp", "known_on", "recorded"]
    return known.agg(pl.col(columns).last()), known.agg(pl.col(columns).first())


def _wide(values: pl.LazyFrame) -> pl.LazyFrame:
    """Return one row per (region, month) with cpi_* and food_* columns."""
    parts = [
        values.filter(pl.col("indicator") == name).select(
            "region_code",
            "period",
            pl.col("value_bp").alias(f"{name}_bp"),
            pl.col("known_on").alias(f"{name}_known_on"),
            pl.col("recorded").alias(f"{name}_recorded"),
        )
        for name in INDICATORS
    ]
    return parts[0].join(parts[1], on=["region_code", "period"], how="full", coalesce=True)


def _first_with(frame: pl.LazyFrame, has: pl.Expr, columns: list[str], alias: dict) -> pl.LazyFrame:
    return (
        frame.filter(has)
        .sort("period", "rank")
        .group_by("period", maintain_order=True)
        .first()
        .select("period", *[pl.col(c).alias(alias.get(c, c)) for c in columns])
    )


def decide(rule, months: pl.LazyFrame, values: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Return per month: the deciding values and regions, `status`, `rate_bp`, `due_on`, `known_on`."""
    chain = pl.LazyFrame(
        {"region_code": rule.cpi_regions, "rank": list(range(len(rule.cpi_regions)))}
    )
    grid = months.with_columns(due_on=due_on(rule)).with_columns(
        waiting=pl.lit(as_of) <= pl.col("due_on")
    )
    wide = _wide(values).join(chain, on="region_code").join(grid, on="period")
    first_arrived = wide.filter(pl.col("rank") == 0).select("period", first_arrived=pl.lit(True))
    wide = wide.join(first_arrived, on="period", how="left").filter(
        (pl.col("rank") == 0) | ~pl.col("waiting") | pl.col("first_arrived").fill_null(False)
    )
    picks = {}
    for name in INDICATORS:
        cols = [f"{name}_bp", f"{name}_known_on", f"{name}_recorded", "region_code"]
        if rule.mix_regions:
            has = pl.col(f"{name}_bp").is_not_null()
            picks[name] = _first_with(wide, has, cols, {"region_code": f"{name}_region"})
        else:
            has = pl.col("cpi_bp").is_not_null() | pl.col("food_bp").is_not_null()
            picked = _first_with(wide, has, cols, {"region_code": f"{name}_region"})
            picks[name] = picked.with_columns(
                pl.when(pl.col(f"{name}_bp").is_not_null()).then(pl.col(f"{name}_region"))
            )
    out = grid.join(picks["cpi"], on="period", how="left").join(
        picks["food"], on="period", how="left"
    )
    return out.with_columns(_status(rule)).with_columns(_known_on())


def _status(rule) -> list[pl.Expr]:
    cpi_hit = pl.col("cpi_bp") >= bp(rule.cpi_threshold_pct)
    food_hit = pl.col("food_bp") >= bp(rule.food_threshold_pct)
    nothing = pl.col("cpi_bp").is_null() & pl.col("food_bp").is_null()
    both = pl.col("cpi_bp").is_not_null() & pl.col("food_bp").is_not_null()
    status = (
        pl.when(nothing & pl.col("waiting"))
        .then(pl.lit("pending"))
        .when(nothing)
        .then(pl.lit("overdue"))
        .when(cpi_hit.fill_null(False) | food_hit.fill_null(False))
        .then(pl.lit("triggered"))
        .when(both)
        .then(pl.lit("not_triggered"))
        .when(pl.col("waiting"))
        .then(pl.lit("pending"))
        .otherwise(pl.lit("overdue"))
    )
    rate = pl.max_horizontal(
        pl.when(cpi_hit).then(pl.col("cpi_bp")), pl.when(food_hit).then(pl.col("food_bp"))
    )
    return [
        status.alias("status"),
        rate.alias("rate_bp"),
        cpi_hit.alias("_cpi_hit"),
        food_hit.alias("_food_hit"),
    ]


def _known_on() -> list[pl.Expr]:
    """The publication that decided the month: of the index that triggered it (the earlier of two)."""
    cpi_hit, food_hit = pl.col("_cpi_hit").fill_null(False), pl.col("_food_hit").fill_null(False)
    deciding = (
        pl.when(cpi_hit & food_hit)
        .then(pl.min_horizontal("cpi_known_on", "food_known_on"))
        .when(cpi_hit)
        .then(pl.col("cpi_known_on"))
        .when(food_hit)
        .then(pl.col("food_known_on"))
        .otherwise(pl.max_horizontal("cpi_known_on", "food_known_on"))
    )
    by_cpi = cpi_hit & (~food_hit | (pl.col("cpi_known_on") <= pl.col("food_known_on")))
    recorded = (
        pl.when(by_cpi | (~food_hit & pl.col("cpi_recorded").is_not_null()))
        .then(pl.col("cpi_recorded"))
        .otherwise(pl.col("food_recorded"))
    )
    return [deciding.alias("known_on"), recorded.fill_null(False).alias("known_on_recorded")]
