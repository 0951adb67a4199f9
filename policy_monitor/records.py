"""The CLI's JSON records, made from the warehouse's read frames: the fields, names and order the
`--json` contract has always had (rates rounded to four places, months as YYYY-MM)."""

from decimal import Decimal

import polars as pl

from warehouse.reads import LEVEL_ORDER, alert_record

SUBSIDY_FIELDS = (
    "region_code",
    "period",
    "status",
    "triggered",
    "reasons",
    "cpi_region_used",
    "cpi_yoy_pct",
    "food_region_used",
    "food_yoy_pct",
    "cpi_threshold_pct",
    "food_threshold_pct",
    "rule_id",
    "rule_version",
    "due_on",
    "published_on",
    "published_on_estimated",
    "pay_by",
    "days_left",
    "per_person_yuan",
    "persons",
    "total_yuan",
    "groups",
    "paid_yuan",
    "payment_status",
    "evaluated_as_of",
)
WARNING_FIELDS = (
    "fund_code",
    "fund_name",
    "region_code",
    "region_name",
    "as_of",
    "received_yuan",
    "allocated_yuan",
    "paid_yuan",
    "allocation_rate",
    "spending_rate",
    "time_progress",
    "allocation_deadline",
    "own_funds_payments",
    "level",
    "reasons",
    "stale",
    "rule_id",
)
PROJECT_FIELDS = (
    "project",
    "project_unit",
    "region_code",
    "region_name",
    "as_of",
    "quota_yuan",
    "spent_yuan",
    "spending_rate",
    "deadline",
    "target_rate",
    "previous_as_of",
    "pace_basis",
    "projected_date",
    "reached",
    "level",
    "reason",
    "escalation_level",
    "escalation_step",
    "alert_id",
    "rule_id",
)
COUNTY_FIELDS = (
    "region_code",
    "region_name",
    "as_of",
    "projects",
    "quota_yuan",
    "spent_yuan",
    "spending_rate",
    "deadline",
    "target_rate",
    "projected_date",
    "reached",
    "level",
    "reason",
    "rule_id",
)
RATES = ("allocation_rate", "spending_rate", "time_progress")


def _records(frame: pl.DataFrame, fields: tuple[str, ...]) -> list[dict]:
    rates = [c for c in RATES if c in fields]
    return frame.with_columns(pl.col(rates).round(4)).select(fields).to_dicts()


def subsidy_records(frame: pl.DataFrame) -> list[dict]:
    """Return query_subsidies' rows as the CLI prints them."""
    named = frame.with_columns(
        period=pl.col("period").dt.strftime("%Y-%m"),
        cpi_region_used=pl.col("cpi_region"),
        food_region_used=pl.col("food_region"),
    )
    return _records(named, SUBSIDY_FIELDS)


def warning_records(frame: pl.DataFrame) -> list[dict]:
    """Return query_fund_warnings' rows as the CLI prints them."""
    return _records(frame, WARNING_FIELDS)


def bond_records(frame: pl.DataFrame, by: str) -> list[dict]:
    """Return query_bond_projects' (or, by county, query_bond_counties') rows as printed."""
    if by == "project":
        return _records(frame, PROJECT_FIELDS)
    rank = pl.col("level").replace_strict(
        {lv: i for i, lv in enumerate(LEVEL_ORDER)}, default=len(LEVEL_ORDER)
    )
    return _records(frame.sort(rank, "region_code"), COUNTY_FIELDS)


def alert_records(frame: pl.DataFrame) -> list[dict]:
    """Return query_alerts' rows as the CLI prints them (`id`, no step as None)."""
    return [alert_record(row) for row in frame.to_dicts()]


COMMITMENT_FIELDS = (
    "rule_id",
    "kind",
    "commitment",
    "source",
    "region_code",
    "region_name",
    "item",
    "subject",
    "party",
    "lead_unit",
    "responsible_units",
    "deadline",
    "due_at",
    "done_at",
    "unit",
    "target",
    "actual",
    "amount_yuan",
    "done_yuan",
    "outstanding_yuan",
    "overdue",
    "disputed",
    "level",
    "reasons",
    "as_of",
)
# the fewest decimal places a target or actual shows in its unit (more when the value has them)
UNIT_PLACES = {"yuan": 2, "percent": 2, "count": 0}


def unit_value(value: Decimal | None, unit: str | None) -> str | None:
    """Return a target or actual in its unit as a decimal string: 1999999.99, 0.80, 3."""
    if value is None:
        return None
    places = UNIT_PLACES.get(unit or "", 0)
    shown = max(places, -value.normalize().as_tuple().exponent)
    return str(value.quantize(Decimal(1).scaleb(-shown)))


def commitment_records(frame: pl.DataFrame) -> list[dict]:
    """Return query_commitments' rows as the CLI prints them (target/actual in their unit)."""
    rows = frame.select(COMMITMENT_FIELDS).to_dicts()
    for row in rows:
        row["target"] = unit_value(row["target"], row["unit"])
        row["actual"] = unit_value(row["actual"], row["unit"])
    return rows


def commitment_summary_records(frame: pl.DataFrame) -> list[dict]:
    """Return query_commitment_summary's rows as the CLI prints them."""
    return frame.to_dicts()
