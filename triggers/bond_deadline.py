"""Special-bond deadlines: per project and per county, the projected date of reaching the target.

Pace is the average daily spending between the two latest snapshots (or, with one snapshot, since
the money arrived). Project projections are exact integer day counts; a county's pace is the sum
of its projects' paces.

A project whose latest snapshot no bond rule is in force for is reported by the rule whose
window ended last (level `out_of_window`), so its open alert is held, not resolved as if fixed
(docs/rules.md); such projects are left out of the county totals.
"""

from datetime import date

import polars as pl

from triggers.frames import collect
from triggers.jurisdictions import assign_rules, covers, prefix

_I128 = pl.Int128


def _rule_frame(rule) -> dict:
    return {
        "deadline": pl.lit(rule.deadline),
        "target_e4": pl.lit(int(rule.target_rate * 10_000)),
        "at_risk_days": pl.lit(rule.at_risk_days),
    }


def _pace(bonds: pl.LazyFrame) -> pl.LazyFrame:
    """Add the spending between the pace's two dates (`delta_fen` over `pace_days`)."""
    has_previous = pl.col("previous_as_of").is_not_null()
    since_arrival = pl.col("funds_arrived_on").is_not_null() & (
        pl.col("funds_arrived_on") < pl.col("as_of")
    )
    start = (
        pl.when(has_previous)
        .then(pl.col("previous_as_of"))
        .when(since_arrival)
        .then(pl.col("funds_arrived_on"))
    )
    return bonds.with_columns(
        pace_basis=pl.when(has_previous)
        .then(pl.lit("snapshots"))
        .when(since_arrival)
        .then(pl.lit("since_arrival")),
        pace_days=(pl.col("as_of") - start).dt.total_days(),
        delta_fen=pl.col("spent_fen")
        - pl.when(has_previous).then(pl.col("previous_spent_fen")).otherwise(0),
    )


def _grade(as_of: date) -> list[pl.Expr]:
    """Return the level and its reason from reached, projected_date, deadline and progress."""
    passed = pl.lit(as_of) > pl.col("deadline")
    no_pace = pl.col("pace_basis").is_null()
    stalled = pl.col("delta_fen") <= 0
    late = pl.col("projected_date") > pl.col("deadline")
    at_risk = pl.col("projected_date") > pl.col("deadline") - pl.duration(
        days=pl.col("at_risk_days")
    )
    level = (
        pl.when(pl.col("reached"))
        .then(pl.lit("green"))
        .when(passed | stalled | late)
        .then(pl.lit("red"))
        .when(no_pace | at_risk)
        .then(pl.lit("yellow"))
        .otherwise(pl.lit("green"))
    )
    rate = (pl.col("spending_rate") * 100).round(1).cast(pl.String)
    reason = (
        pl.when(pl.col("reached"))
        .then(pl.format("已达到目标（支出进度 {}%）", rate))
        .when(passed)
        .then(pl.format("截止日 {} 已过，支出进度 {}% 未达目标", pl.col("deadline"), rate))
        .when(stalled)
        .then(pl.format("{} 至 {} 无支出进展", pl.col("previous_as_of"), pl.col("as_of")))
        .when(late)
        .then(
            pl.format(
                "按当前进度预计 {} 达标，晚于截止日 {}",
                pl.col("projected_date"),
                pl.col("deadline"),
            )
        )
        .when(no_pace)
        .then(pl.lit("仅一期数据且无资金到位日期，无法测算进度"))
        .when(at_risk)
        .then(
            pl.format(
                "预计 {} 达标，距截止日 {} 不足 {} 天",
                pl.col("projected_date"),
                pl.col("deadline"),
                pl.col("at_risk_days"),
            )
        )
        .otherwise(
            pl.format("预计 {} 达标，早于截止日 {}", pl.col("projected_date"), pl.col("deadline"))
        )
    )
    return [level.alias("level"), reason.alias("reason")]


OUT_OF_WINDOW = "out_of_window"


def window_left(rules: list) -> pl.Expr:
    """Return per row the rule whose window over its region ended last before the row's date
    (the most specific if several ended the same day), or null."""
    ended = sorted(
        (r for r in rules if r.effective.end is not None),
        key=lambda r: (r.effective.end, len(prefix(r.jurisdiction))),
    )
    choice = pl.lit(None, dtype=pl.String)
    for rule in ended:
        after = pl.col("as_of") > rule.effective.end
        choice = pl.when(covers(rule.jurisdiction) & after).then(pl.lit(rule.id)).otherwise(choice)
    return choice


def _out_of_window(rule) -> list[pl.Expr]:
    """Return the level and reason of a project no rule grades any more (see module doc)."""
    rate = (pl.col("spending_rate") * 100).round(1).cast(pl.String)
    window = f"规则「{rule.title}」考核期 {rule.effective.start} 至 {rule.effective.end} 已结束"
    reason = pl.format(
        "不在任何规则的考核期内（{}，截止日 {}）：截至 {} 支出进度 {}%，{}",
        pl.lit(window),
        pl.col("deadline"),
        pl.col("as_of"),
        rate,
        pl.when(pl.col("reached"))
        .then(pl.lit("已达到目标"))
        .otherwise(pl.lit("未达目标，告警保留至人工关闭或新规则覆盖后达标")),
    )
    return [pl.lit(OUT_OF_WINDOW).alias("level"), reason.alias("reason")]


def _projected(remaining_x: pl.Expr, per_day_x: pl.Expr) -> pl.Expr:
    """Return as_of + ceil(remaining / pace) days, or null without forward pace."""
    days = (remaining_x + per_day_x - 1) // per_day_x
    return pl.when(per_day_x > 0).then(pl.col("as_of") + pl.duration(days=days.cast(pl.Int64)))


def evaluate_bond_projects(rule, rules: list, frames: dict, as_of: date) -> pl.DataFrame:
    """Return one row per project this rule governs, with its projection and level, and one per
    project whose window under this rule ended with no rule in force after it (`out_of_window`).
    """
    assigned = assign_rules(frames["bonds"], rules, "as_of")
    left = pl.col("rule_id").is_null() & (window_left(rules) == rule.id)
    bonds = assigned.filter((pl.col("rule_id") == rule.id) | left).with_columns(
        outside=pl.col("rule_id").is_null(), rule_id=pl.lit(rule.id)
    )
    bonds = _pace(bonds.with_columns(**_rule_frame(rule)))
    target_x = pl.col("quota_fen").cast(_I128) * pl.col("target_e4")
    spent_x = pl.col("spent_fen").cast(_I128) * 10_000
    # days × remaining ÷ delta, all scaled by 10,000 so the ceiling is exact
    remaining = (target_x - spent_x) * pl.col("pace_days")
    per_day = pl.col("delta_fen").cast(_I128) * 10_000
    out = (
        bonds.with_columns(
            reached=spent_x >= target_x,
            spending_rate=pl.when(pl.col("quota_fen") > 0).then(
                pl.col("spent_fen") / pl.col("quota_fen")
            ),
        )
        .with_columns(
            projected_date=pl.when(~pl.col("reached") & pl.col("pace_basis").is_not_null()).then(
                _projected(remaining, per_day)
            ),
        )
        .with_columns(_grade(as_of))
        .with_columns(
            pl.when(pl.col("outside")).then(expr).otherwise(pl.col(expr.meta.output_name()))
            for expr in _out_of_window(rule)
        )
    )
    return out.select(PROJECT_COLUMNS).pipe(collect)


def evaluate_bond_counties(projects: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Return one row per rule and county: totals of its projects, summed pace, projection."""
    paced = pl.col("pace_days") > 0
    counties = (
        projects.lazy()
        .filter(pl.col("level") != OUT_OF_WINDOW)
        .group_by("rule_id", "region_code")
        .agg(
            pl.col("region_name").first(),
            pl.col("deadline").first(),
            pl.col("target_e4").first(),
            pl.col("at_risk_days").first(),
            pl.col("as_of").max(),
            pl.col("previous_as_of").min(),
            projects=pl.len(),
            quota_fen=pl.col("quota_fen").sum(),
            spent_fen=pl.col("spent_fen").sum(),
            delta_fen=pl.col("delta_fen").filter(paced).sum(),
            per_day_fen=(pl.col("delta_fen") / pl.col("pace_days")).filter(paced).sum(),
            pace_basis=pl.col("pace_basis").drop_nulls().first(),
        )
    )
    target = pl.col("quota_fen") * pl.col("target_e4") / 10_000
    out = (
        counties.with_columns(
            reached=pl.col("spent_fen") >= target,
            spending_rate=pl.when(pl.col("quota_fen") > 0).then(
                pl.col("spent_fen") / pl.col("quota_fen")
            ),
        )
        .with_columns(
            projected_date=pl.when(~pl.col("reached") & (pl.col("per_day_fen") > 0)).then(
                pl.col("as_of")
                + pl.duration(
                    days=((target - pl.col("spent_fen")) / pl.col("per_day_fen"))
                    .ceil()
                    .cast(pl.Int64)
                )
            ),
        )
        .with_columns(_grade(as_of))
    )
    return out.select(COUNTY_COLUMNS).sort("rule_id", "region_code").pipe(collect)


PROJECT_COLUMNS = [
    "rule_id",
    "as_of",
    "region_code",
    "region_name",
    "project",
    "project_unit",
    "department",
    "quota_fen",
    "spent_fen",
    "spending_rate",
    "deadline",
    "target_e4",
    "at_risk_days",
    "previous_as_of",
    "pace_basis",
    "pace_days",
    "delta_fen",
    "projected_date",
    "reached",
    "level",
    "reason",
]
COUNTY_COLUMNS = [
    "rule_id",
    "as_of",
    "region_code",
    "region_name",
    "projects",
    "quota_fen",
    "spent_fen",
    "spending_rate",
    "deadline",
    "target_e4",
    "previous_as_of",
    "per_day_fen",
    "projected_date",
    "reached",
    "level",
    "reason",
]
