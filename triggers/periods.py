"""Effective ranges of rules: `from`/`to` as months (2022-08) or dates (2022-08-31)."""

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from triggers.calendar import end_of_month

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: object) -> object:
    """Return the first day of a 'YYYY-MM' month; dates and other values pass through."""
    if isinstance(value, str) and (m := _MONTH.match(value.strip())):
        return date(int(m[1]), int(m[2]), 1)
    return value


def add_months(day: date, months: int) -> date:
    """Return the first day of the month `months` after (or before, if negative) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(value: object) -> object:
    if isinstance(value, str) and _MONTH.match(value.strip()):
        return end_of_month(parse_month(value))
    return value


class Effective(BaseModel):
    """Inclusive range in which a rule is in force; `to` absent means still in force."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: Annotated[date, BeforeValidator(parse_month)] = Field(alias="from")
    end: Annotated[date | None, BeforeValidator(_month_end)] = Field(None, alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> "Effective":
        if self.end is not None and self.end < self.start:
            raise ValueError("effective.to 早于 effective.from")
        return self

    def overlaps(self, other: "Effective") -> bool:
        """Return whether the two ranges share a day."""
        return (self.end is None or other.start <= self.end) and (
            other.end is None or self.start <= other.end
        )

    def covers(self, day: date) -> bool:
        """Return whether `day` is in the range."""
        return self.start <= day and (self.end is None or day <= self.end)
