"""Price-subsidy linkage: per jurisdiction and index month, triggered or not, for whom, how much.

Inputs (whole frames, see `triggers.frames`): CPI year-on-year values in hundredths of a percent
with their vintages, beneficiary counts, benefit standards (1/10,000 yuan per month) and the
subsidy payments made. Money out is whole yuan (payments in fen). Which values decide a month is
`triggers.cpi_decision`; whom a rule budgets is `triggers.precedence`.
"""

from datetime import date, timedelta

import polars as pl

from triggers.calendar import add_working_days_many
from triggers.cpi_decision import bp, decide, known_values
from triggers.frames import collect, empty
from triggers.jurisdictions import covers, finest
from triggers.periods import add_months
from triggers.precedence import owned
from triggers.price_reasons import reasons

E4 = 10_000  # standards are in 1/10,000 yuan


def _months(rule, cpi: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Return the index months to report: from the first month with data to the latest one due.

    A month is due once it has ended. With no data at all, only the latest month due is reported
    (as pending or overdue), and nothing for a rule that ended before it.
    """
    last = add_months(as_of, -1)
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


def _standards(rule, lines: pl.LazyFrame, standards: pl.LazyFrame, months) -> pl.LazyFrame:
    """Add each line's standard: the county's, else its prefecture's, else its province's."""
    amount = rule.amount
    std_map = pl.LazyFrame(
        {
            "group_code": list(rule.groups),
            "standard_code": [
                amount.standards.get(g, amount.default_standard) for g in rule.groups
            ],
        }
    )
    wide = standards.filter(covers(rule.jurisdiction) | covers(rule.jurisdiction[:2] + "0000"))
    std = _latest(wide, months, ["region_code", "standard_code"]).select(
        "period", "region_code", "standard_code", "yuan_per_month_e4"
    )
    base = pl.col("region_code").str.split("-").list.first()
    lines = lines.join(std_map, on="group_code").with_columns(
        _pref=base.str.slice(0, 4) + pl.lit("00"), _prov=base.str.slice(0, 2) + pl.lit("0000")
    )
    found = []
    for i, key in enumerate(("region_code", "_pref", "_prov")):
        renamed = std.rename({"region_code": key, "yuan_per_month_e4": f"_std{i}"})
        lines = lines.join(renamed, on=["period", key, "standard_code"], how="left")
        found.append(f"_std{i}")
    return lines.with_columns(yuan_per_month_e4=pl.coalesce(found)).drop(*found, "_pref", "_prov")


def _counts(rule, triggered: pl.LazyFrame, counts: pl.LazyFrame) -> pl.LazyFrame:
    """Return per triggered month the latest counts of the rule's groups under it (finest regions)."""
    mine = finest(counts.filter(covers(rule.jurisdiction)))
    mine = mine.filter(pl.col("group_code").is_in(list(rule.groups)))
    return _latest(mine, triggered.select("period"), ["region_code", "group_code"])


def _lines(rule, rules, triggered: pl.LazyFrame, counts: pl.LazyFrame, standards: pl.LazyFrame):
    """Return per month, region and group: persons, the amount per person, the line total.

    `counts` are `_counts`; only those this rule budgets count (`triggers.precedence.owned`).
    """
    months = triggered.select("period")
    lines = owned(counts, rule, rules).join(triggered.select("period", "rate_bp"), on="period")
    amount = rule.amount
    if amount.method == "fixed":
        per_person = pl.lit(amount.yuan, dtype=pl.Int64)
    else:
        lines = _standards(rule, lines, standards, months)
        num, den = pl.col("rate_bp"), pl.lit(E4)  # proportional: standard × the rate
        if amount.method == "tiered":
            num, den = pl.lit(None, dtype=pl.Int64), pl.lit(None, dtype=pl.Int64)
            for band in amount.bands:
                above = pl.col("rate_bp") >= bp(band.min_rise_pct)
                n, d = band.fraction
                num, den = (
                    pl.when(above).then(n).otherwise(num),
                    pl.when(above).then(d).otherwise(den),
                )
        # half-up to whole yuan: standard_e4 × num / (den × 1e4)
        per_person = (pl.col("yuan_per_month_e4") * num * 2 + den * E4) // (2 * den * E4)
    if amount.floor_yuan is not None:
        floored = pl.max_horizontal(per_person, pl.lit(amount.floor_yuan))
        # a missing standard stays missing: the floor must not hide it
        per_person = pl.when(per_person.is_not_null() & pl.col("rate_bp").is_not_null()).then(
            floored
        )
    return lines.with_columns(per_person_yuan=per_person.cast(pl.Int64)).with_columns(
        total_yuan=pl.col("persons").cast(pl.Int64) * pl.col("per_person_yuan")
    )


TAKEN = "所辖地区的保障对象均由更具体的地方规则测算（每人只预算一次）"


def _payments(rule, rules, found: pl.LazyFrame, payments: pl.LazyFrame, as_of: date):
    """Add `paid_fen` and `payment_status` (not_due | paid | partly_paid | unpaid) to triggered months."""
    paid = (
        owned(payments.filter(pl.col("paid_on") <= as_of), rule, rules)
        .group_by("period")
        .agg(paid_fen=pl.col("paid_fen").sum().cast(pl.Int64))
    )
    triggered = pl.col("status") == "triggered"
    done = pl.col("total_yuan").is_not_null() & (pl.col("paid_fen") >= pl.col("total_yuan") * 100)
    found = found.join(paid, on="period", how="left").with_columns(
        paid_fen=pl.when(triggered).then(pl.col("paid_fen").fill_null(0))
    )
    return found.with_columns(
        payment_status=pl.when(~triggered)
        .then(pl.lit(None, dtype=pl.String))
        .when(done)
        .then(pl.lit("paid"))
        .when(pl.lit(as_of) <= pl.col("pay_by"))
        .then(pl.lit("not_due"))
        .when(pl.col("paid_fen") > 0)
        .then(pl.lit("partly_paid"))
        .otherwise(pl.lit("unpaid")),
    )


def evaluate_price_subsidy(
    rule, frames: dict[str, pl.LazyFrame], as_of: date, rules: list | None = None
) -> pl.DataFrame:
    """Return one row per index month of the rule's jurisdiction (see `triggers.frames`).

    `rules` are the price rules evaluated with it: a more specific one in force takes the
    (region, group) counts it lists, so each person is budgeted once.
    """
    rules = rules if rules is not None else [rule]
    cpi = frames["cpi"]
    months = _months(rule, cpi, as_of)
    latest, first = known_values(rule, cpi, as_of)
    found = decide(rule, months, latest, as_of).with_columns(
        published_on=pl.coalesce("known_on", "due_on"),
        published_on_recorded=pl.col("known_on_recorded"),
    )
    then = decide(rule, months, first, as_of).select(
        "period",
        first_status="status",
        first_cpi_bp="cpi_bp",
        first_food_bp="food_bp",
        first_known_on="known_on",
    )
    found = _pay_by(found.join(then, on="period", how="left"), rule).with_columns(
        pay_by=pl.when(pl.col("status") == "triggered").then(pl.col("pay_by")),
        published_on_estimated=~pl.col("published_on_recorded"),
    )
    found = collect(found).lazy()  # one computation for the branches below
    triggered = found.filter(pl.col("status") == "triggered")
    counts = _counts(rule, triggered, frames["beneficiaries"])
    lines = _lines(rule, rules, triggered, counts, frames["standards"])
    # months with counts that more specific rules budget: this rule budgets nobody there
    counted = counts.select("period").unique().with_columns(counted=pl.lit(True))
    totals = lines.group_by("period").agg(
        persons=pl.col("persons").sum().cast(pl.Int64),
        total_yuan=pl.when(pl.col("total_yuan").is_not_null().any()).then(
            pl.col("total_yuan").sum()
        ),
        per_person_yuan=pl.when(pl.col("per_person_yuan").n_unique() == 1).then(
            pl.col("per_person_yuan").first()
        ),
        missing_standard=pl.col("per_person_yuan").is_null().any(),
        groups=pl.struct("region_code", "group_code", "persons", "per_person_yuan", "total_yuan"),
    )
    out = found.join(totals, on="period", how="left").with_columns(
        reasons(rule),
        rule_id=pl.lit(rule.id),
        rule_version=pl.lit(rule.version),
        region_code=pl.lit(rule.jurisdiction),
        cpi_threshold_bp=pl.lit(bp(rule.cpi_threshold_pct)),
        food_threshold_bp=pl.lit(bp(rule.food_threshold_pct)),
        triggered=pl.col("status") == "triggered",
    )
    taken = pl.col("triggered") & pl.col("persons").is_null() & pl.col("counted").fill_null(False)
    out = out.join(counted, on="period", how="left").with_columns(
        persons=pl.when(taken).then(0).otherwise(pl.col("persons")),
        total_yuan=pl.when(taken).then(0).otherwise(pl.col("total_yuan")),
        reasons=pl.when(taken)
        .then(pl.col("reasons").list.concat(pl.lit([TAKEN])))
        .otherwise(pl.col("reasons")),
    )
    out = out.with_columns(
        reasons=pl.when(pl.col("missing_standard").fill_null(False))
        .then(pl.col("reasons").list.concat(pl.lit(["部分地区缺少低保标准，金额未计入合计"])))
        .when(pl.col("triggered") & pl.col("persons").is_null())
        .then(pl.col("reasons").list.concat(pl.lit(["缺少保障对象人数，无法测算资金"])))
        .otherwise(pl.col("reasons"))
    )
    payments = frames.get("subsidy_payments", empty("subsidy_payments"))
    out = _payments(rule, rules, out, payments, as_of)
    return out.select(SUBSIDY_COLUMNS).sort("period").pipe(collect)


SUBSIDY_COLUMNS = [
    "rule_id",
    "rule_version",
    "region_code",
    "period",
    "status",
    "triggered",
    "reasons",
    "cpi_region",
    "cpi_bp",
    "food_region",
    "food_bp",
    "cpi_threshold_bp",
    "food_threshold_bp",
    "rate_bp",
    "due_on",
    "published_on",
    "published_on_estimated",
    "pay_by",
    "per_person_yuan",
    "persons",
    "total_yuan",
    "groups",
    "paid_fen",
    "payment_status",
    "first_status",
    "first_cpi_bp",
    "first_food_bp",
    "first_known_on",
]
