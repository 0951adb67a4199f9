"""Working days across the 2023 Spring Festival, with its make-up Saturday and Sunday."""

from datetime import date

import pytest

from triggers.calendar import CalendarUnavailable, add_working_days, end_of_month, pay_by


def test_twenty_working_days_across_the_2023_spring_festival():
    # December 2022 CPI, published 2023-01-12. Holidays 1/21–1/27; 1/28 (Sat) and 1/29 (Sun)
    # were working days. Counting from 1/13: 13,16–20 (6), 28,29 (8), 30,31 (10),
    # 2/1–3 (13), 2/6–10 (18), 2/13 (19), 2/14 (20).
    assert add_working_days(date(2023, 1, 12), 20) == date(2023, 2, 14)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2023, 1, 20), 1, date(2023, 1, 28)),  # next working day is the make-up Saturday
        (date(2023, 1, 27), 2, date(2023, 1, 29)),  # ...and the make-up Sunday after it
        (date(2022, 9, 30), 1, date(2022, 10, 8)),  # National Day week, make-up Saturday 10/8
        (date(2022, 11, 11), 1, date(2022, 11, 14)),  # an ordinary weekend
    ],
)
def test_make_up_days_count_as_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_pay_by_under_each_rule_set():
    published = date(2022, 10, 14)
    assert pay_by(published, "end_of_publication_month") == date(2022, 10, 31)
    assert pay_by(published, "working_days_after_publication") == date(2022, 11, 11)
    assert end_of_month(date(2024, 2, 9)) == date(2024, 2, 29)


def test_a_year_without_holiday_data_is_an_error_not_a_guess():
    with pytest.raises(CalendarUnavailable, match="chinese-calendar"):
        add_working_days(date(2031, 1, 10), 20)


def test_many_dates_at_once_agree_with_one_at_a_time():
    from datetime import date, timedelta

    from triggers.calendar import add_working_days, add_working_days_many

    starts = [date(2019, 12, 20) + timedelta(days=n) for n in range(0, 500, 7)]
    assert add_working_days_many(starts, 20) == [add_working_days(d, 20) for d in starts]
