"""The `report_due` rule: named units submit a report every report day before a time of day.

Which units report is either listed in the rule (`units`) or taken from the measures table
(`units_from: measures`: every lead unit of the jurisdiction's measures whose report cadence is
the rule's, or of the measures named in `measures`). The evaluator is `triggers.report_due`.
"""

from datetime import time
from typing import Literal

from pydantic import Field, field_validator, model_validator

from triggers.commitment_rules import CommitmentBase

REPORT_NAMES = {"daily": "日报", "weekly": "周报", "monthly": "月报"}


class ReportDueRule(CommitmentBase):
    """Each unit submits its report per period by `due_time` (Asia/Shanghai) of the report day."""

    kind: Literal["report_due"]
    units: list[str] = Field([], description="the reporting units, when not from the measures")
    units_from: Literal["measures"] | None = Field(
        None, description="take the reporting units from the measures table (its lead units)"
    )
    measures: list[str] = Field(
        [],
        description="with units_from: only these measure numbers (default: every measure "
        "of the jurisdiction whose report cadence is the rule's)",
    )
    cadence: Literal["daily", "weekly", "monthly"] = "daily"
    weekday: int | None = Field(None, ge=1, le=7, description="weekly: 1 = Monday … 7 = Sunday")
    day: int | None = Field(
        None, ge=1, le=31, description="monthly: day of the month (a shorter month: its last day)"
    )
    due_time: time = Field(time(17, 0), description='latest submission time, e.g. "17:00"')
    working_days_only: bool = Field(
        True,
        description="only Chinese working days (调休 included) are report days; a weekly or "
        "monthly report day that is not one moves to the next working day",
    )
    lookback_days: int = Field(7, ge=1, le=62, description="how many report days are graded")
    late_grace_minutes: int = Field(0, ge=0, le=720)
    report: str = Field("", description="the report's name in subjects (default 日报/周报/月报)")
    one_row_per: Literal["unit", "day"] = Field(
        "unit",
        description="unit: one finding per unit, its worst report day in the lookback, every "
        "problem day in the reasons (one alert per unit); day: one finding per unit and day",
    )

    @field_validator("due_time", mode="before")
    @classmethod
    def _clock(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 17:00 as the sexagesimal number 1020
            return time(value // 60, value % 60) if 0 <= value < 24 * 60 else value
        return value

    @field_validator("units", "measures")
    @classmethod
    def _named(cls, value: list[str]) -> list[str]:
        names = [str(v).strip() for v in value]
        if any(not n for n in names):
            raise ValueError("不能为空")
        if len(set(names)) < len(names):
            raise ValueError("重复：" + "、".join(sorted({n for n in names if names.count(n) > 1})))
        return names

    @model_validator(mode="after")
    def _consistent(self) -> "ReportDueRule":
        if bool(self.units) == (self.units_from is not None):
            raise ValueError("须且只能写 units（列出报送单位）或 units_from: measures 之一")
        if self.measures and self.units_from is None:
            raise ValueError("measures 只能与 units_from: measures 一起使用")
        if (self.cadence == "weekly") != (self.weekday is not None):
            raise ValueError("weekday 须且只能用于 cadence: weekly")
        if (self.cadence == "monthly") != (self.day is not None):
            raise ValueError("day 须且只能用于 cadence: monthly")
        return self

    @property
    def report_name(self) -> str:
        return self.report or REPORT_NAMES[self.cadence]
