"""Grade the `report_due` rules: was each unit's report in by the due time of each report day?

Pure: the measures and daily reports frames and the evaluation instant `at` (Asia/Shanghai wall
time, naive) in, commitment findings out. Per unit and report day in the lookback:

- green: submitted by the due time (exactly on it is on time; `late_grace_minutes` more allowed);
- yellow: submitted later (迟报, with how many minutes late, rounded up);
- red: not submitted and the due time (plus grace) has passed (未报);
- a report day whose due time has not come yet and that has no report is not graded (no row).

Only reports submitted by `at` count, so an evaluation at 16:30 does not see a report of 16:45.
A report day is a Chinese working day (调休 included) when `working_days_only`; a holiday is not
due. A unit's reports of one day (one row per measure) count from the first submission.
"""

from bisect import bisect_left
from datetime import date, datetime, timedelta

import polars as pl

from triggers.calendar import end_of_month, working_days
from triggers.commitment_findings import conform, empty_findings
from triggers.frames import collect
from triggers.jurisdictions import covers
from triggers.report_rules import ReportDueRule

RANK = {"red": 0, "yellow": 1, "green": 2}


def report_days(rule: ReportDueRule, upto: date) -> list[date]:
    """Return the rule's last `lookback_days` report days on or before `upto`, oldest first.

    With `working_days_only`, a daily report is due on working days only; a weekly or monthly
    report day that is not a working day moves to the next working day.
    """
    span = {"daily": 2, "weekly": 8, "monthly": 32}[rule.cadence] * rule.lookback_days + 20
    first = max(rule.effective.start, upto - timedelta(days=span))
    last = upto if rule.effective.end is None else min(upto, rule.effective.end)
    if last < first:
        return []
    calendar = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    scheduled = [day for day in calendar if _scheduled(rule, day)]
    if rule.working_days_only:
        workdays = working_days(first, last)
        if rule.cadence == "daily":
            scheduled = workdays
        else:  # the first working day on or after each scheduled day, if it has come
            scheduled = sorted(
                {w for day in scheduled for w in workdays[bisect_left(workdays, day) :][:1]}
            )
    return scheduled[-rule.lookback_days :]


def _scheduled(rule: ReportDueRule, day: date) -> bool:
    if rule.cadence == "daily":
        return True
    if rule.cadence == "weekly":
        return day.isoweekday() == rule.weekday
    return day.day == min(rule.day, end_of_month(day).day)


def _units(rule: ReportDueRule, measures: pl.LazyFrame) -> pl.DataFrame:
    """Return the reporting units: region_code, region_name, unit (a unit once per region)."""
    ours = measures.filter(covers(rule.jurisdiction))
    if rule.units_from is None:
        names = collect(ours.select("region_code", "region_name").unique())
        known = dict(names.iter_rows())
        name = known.get(rule.jurisdiction) or rule.jurisdiction
        return pl.DataFrame(
            {
                "region_code": [rule.jurisdiction] * len(rule.units),
                "region_name": [name] * len(rule.units),
                "unit": rule.units,
            },
            schema={"region_code": pl.String, "region_name": pl.String, "unit": pl.String},
        )
    chosen = (
        pl.col("measure_no").is_in(rule.measures)
        if rule.measures
        else pl.col("report_cadence") == rule.cadence
    )
    return collect(
        ours.filter(chosen)
        .explode("lead_units")
        .rename({"lead_units": "unit"})
        .filter(pl.col("unit").is_not_null())
        .group_by("region_code", "unit", maintain_order=True)
        .agg(region_name=pl.col("region_name").first().fill_null(pl.col("region_code").first()))
    ).select("region_code", "region_name", "unit")


def _clock(column: str, day: pl.Expr) -> pl.Expr:
    """Return a submission time as 16:42, or 2022-08-27 09:10 when not on the report day."""
    done = pl.col(column)
    return (
        pl.when(done.dt.date() == day)
        .then(done.dt.strftime("%H:%M"))
        .otherwise(done.dt.strftime("%Y-%m-%d %H:%M"))
    )


def grade_report_days(rule: ReportDueRule, frames: dict, at: datetime) -> pl.DataFrame:
    """Return one row per (region, unit, graded report day): due_at, done_at, level, reason."""
    days = report_days(rule, at.date())
    units = _units(rule, frames["measures"])
    if not days or not units.height:
        return pl.DataFrame()
    due = rule.due_time
    grid = units.join(pl.DataFrame({"day": days}, schema={"day": pl.Date}), how="cross")
    grid = grid.with_columns(
        due_at=pl.col("day").dt.combine(due).cast(pl.Datetime("us")),
    )
    reports = collect(
        frames["daily_reports"]
        .filter(
            pl.col("unit").is_in(units.get_column("unit").to_list())
            & pl.col("report_date").is_in(days)
            & (pl.col("submitted_at").is_null() | (pl.col("submitted_at") <= at))
        )
        .sort("submitted_at", nulls_last=True)
        .group_by("unit", "report_date", maintain_order=True)
        .agg(
            done_at=pl.col("submitted_at").first(),
            estimated=pl.col("submitted_estimated").first().fill_null(False),
            reported=pl.len() > 0,
        )
        .rename({"report_date": "day"})
    )
    grace = timedelta(minutes=rule.late_grace_minutes)
    late_us = (pl.col("done_at") - pl.col("due_at")).dt.total_microseconds()
    late_min = (late_us + 59_999_999) // 60_000_000
    deadline = f"{due:%H:%M} 截止"
    graded = (
        grid.join(reports, on=["unit", "day"], how="left")
        .with_columns(pl.col("reported").fill_null(False), pl.col("estimated").fill_null(False))
        .filter(pl.col("reported") | (pl.col("due_at") + grace < at))
        .with_columns(
            level=pl.when(~pl.col("reported"))
            .then(pl.lit("red"))
            .when(pl.col("done_at").is_null() | (pl.col("done_at") <= pl.col("due_at") + grace))
            .then(pl.lit("green"))
            .otherwise(pl.lit("yellow"))
        )
    )
    text = (
        pl.when(pl.col("level") == "red")
        .then(pl.lit(f"未报（{deadline}未收到）"))
        .when(pl.col("done_at").is_null())
        .then(pl.lit("已报送（报送时间不详）"))
        .when(pl.col("level") == "yellow")
        .then(
            pl.format(
                "迟报 {} 分钟（{} 报送，{}）",
                late_min,
                _clock("done_at", pl.col("day")),
                pl.lit(deadline),
            )
        )
        .when(pl.col("done_at") > pl.col("due_at"))
        .then(
            pl.format(
                "宽限期内报送（晚 {} 分钟，{} 报送，{}）",
                late_min,
                _clock("done_at", pl.col("day")),
                pl.lit(deadline),
            )
        )
        .otherwise(
            pl.format("按时报送（{} 报送，{}）", _clock("done_at", pl.col("day")), pl.lit(deadline))
        )
    )
    estimated = (
        pl.when(pl.col("estimated"))
        .then(pl.lit("；文件未注明报送时间，以导入时间计"))
        .otherwise(pl.lit(""))
    )
    return graded.with_columns(reason=pl.concat_str(text, estimated)).sort(
        "region_code", "unit", "day"
    )


def evaluate_report_due(
    rule: ReportDueRule, rules: list, frames: dict, as_of: date, at: datetime | None = None
) -> pl.DataFrame:
    """Return the rule's findings at `at` (default: the end of `as_of`), one row per unit or day."""
    at = at or datetime.combine(as_of, datetime.max.time())
    graded = grade_report_days(rule, frames, at)
    if not graded.height:
        return empty_findings()
    name = rule.report_name
    if rule.one_row_per == "day":
        rows = graded.with_columns(
            item=pl.format("{}/{}", pl.col("unit"), pl.col("day")),
            reasons=pl.concat_list(pl.col("reason")),
        )
    else:
        rows = _per_unit(graded)
    return conform(
        rows.with_columns(
            rule_id=pl.lit(rule.id),
            kind=pl.lit(rule.kind),
            commitment=pl.lit(rule.title),
            source=pl.lit(rule.source),
            subject=pl.format("{} {} {}", pl.col("unit"), pl.col("day"), pl.lit(name)),
            party=pl.col("unit"),
            lead_unit=pl.col("unit"),
            responsible_units=pl.lit(rule.responsible_units, dtype=pl.List(pl.String)),
            deadline=pl.col("day"),
            unit=pl.lit("time"),
            overdue=pl.col("level") == "red",
            disputed=pl.lit(False),
        ).drop("reason", "reported", "estimated", "day", strict=False),
        as_of,
    )


def _per_unit(graded: pl.DataFrame) -> pl.DataFrame:
    """Return one row per unit: its worst, then latest, graded day; every problem day in reasons."""
    rank = pl.col("level").replace_strict(RANK, return_dtype=pl.Int8)
    dated = pl.format("{} {}", pl.col("day"), pl.col("reason"))
    problem = pl.col("level") != "green"
    worst = rank.arg_min()  # the first, i.e. latest, of the worst days
    out = (
        graded.sort("day", descending=True)
        .group_by("region_code", "unit", maintain_order=True)
        .agg(
            pl.col("region_name", "day", "due_at", "done_at", "level").get(worst),
            problems=dated.filter(problem),
            first_reason=dated.get(worst),
            graded=pl.len(),
            on_time=(~problem).sum(),
        )
    )
    note = (
        pl.when(pl.col("problems").list.len() == 0)
        .then(
            pl.when(pl.col("graded") > 1).then(
                pl.format("最近 {} 个报送日均按时报送", pl.col("graded"))
            )
        )
        .when(pl.col("on_time") > 0)
        .then(pl.format("其余 {} 个报送日按时报送", pl.col("on_time")))
    )
    return out.with_columns(
        item=pl.col("unit"),
        reasons=pl.when(pl.col("problems").list.len() == 0)
        .then(pl.concat_list("first_reason"))
        .otherwise(pl.col("problems"))
        .list.concat(pl.concat_list(note).list.drop_nulls()),
    ).drop("problems", "first_reason", "graded", "on_time")
