"""Chinese working days, with 调休 make-up days, and the subsidy pay-by dates of each rule set.

The holidays come from the maintained `chinese-calendar` package (the State Council's yearly
notices); a year it does not know yet is an error, never a guess.
"""

import calendar
from bisect import bisect_right
from datetime import date, timedelta

import chinese_calendar


class CalendarUnavailable(ValueError):
    """The holiday calendar has no data for a year that is needed."""


def add_working_days(start: date, days: int) -> date:
    """Return the date `days` Chinese working days after `start` (counting from the next day)."""
    return add_working_days_many([start], days)[0]


def add_working_days_many(starts: list[date], days: int) -> list[date]:
    """Return `add_working_days(start, days)` for each start, reading the calendar once."""
    if days < 1:
        raise ValueError("days must be at least 1")
    if not starts:
        return []
    first, last = min(starts), max(starts)
    try:
        workdays = chinese_calendar.get_workdays(
            first + timedelta(days=1), last + timedelta(days=3 * days + 14)
        )
    except NotImplementedError as exc:
        raise CalendarUnavailable(
            f"节假日日历没有 {first.year}–{last.year + 1} 年的数据：请升级 chinese-calendar 包后再计算"
        ) from exc
    return [workdays[bisect_right(workdays, start) + days - 1] for start in starts]


def end_of_month(day: date) -> date:
    """Return the last day of the month of `day`."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def pay_by(published_on: date, rule: str, working_days: int = 20) -> date:
    """Return the subsidy pay-by date for an index published on `published_on`.

    `rule` is 'end_of_publication_month' (the 2021 national notice: paid within the calendar
    month the index is published) or 'working_days_after_publication' (the 2016 rules: within
    `working_days` Chinese working days of publication).
    """
    if rule == "end_of_publication_month":
        return end_of_month(published_on)
    if rule == "working_days_after_publication":
        return add_working_days(published_on, working_days)
    raise ValueError(f"unknown pay-by rule {rule!r}")


def working_days(first: date, last: date) -> list[date]:
    """Return the Chinese working days from `first` to `last` inclusive (调休 Saturdays included)."""
    try:
        return chinese_calendar.get_workdays(first, last)
    except NotImplementedError as exc:
        raise CalendarUnavailable(
            f"节假日日历没有 {first.year}–{last.year} 年的数据：请升级 chinese-calendar 包后再计算"
        ) from exc
