"""Carry-over recall at its edges: advance releases (提前下达) and the end of the second year."""

from datetime import date

import polars as pl
import pytest

from flows.rule_files import load_rules
from triggers.carryover import evaluate_carryover
from triggers.frames import INPUTS
from triggers.rules import CarryoverRecallRule

RULE = next(r for r in load_rules(None) if r.id == "national-carryover")
NO_ADVANCE = RULE.model_copy(update={"advance_release_months": []})


def _fund(released: date | None, as_of: date, paid: int = 600_000) -> dict:
    return {
        "as_of": as_of,
        "region_code": "654301",
        "region_name": "阿勒泰市",
        "parent_code": "654300",
        "fund_code": "F",
        "fund_name": "F",
        "department": "",
        "received_fen": 1_000_000,
        "allocated_fen": 1_000_000,
        "paid_fen": paid,
        "release_date": released,
        "own_funds_payments": 0,
        "own_funds_fen": 0,
    }


def _recall(rule, fund: dict, as_of: date) -> dict | None:
    found = evaluate_carryover(
        rule, [rule], {"funds": pl.LazyFrame([fund], schema=INPUTS["funds"])}, as_of
    )
    return found.row(0, named=True) if found.height else None


@pytest.mark.parametrize(
    ("released", "budget_year", "recall_on"),
    [
        (date(2022, 1, 1), 2022, date(2023, 12, 31)),
        (date(2022, 9, 30), 2022, date(2023, 12, 31)),  # the last day before the advance months
        (date(2022, 10, 1), 2023, date(2024, 12, 31)),  # 提前下达: next year's money
        (date(2022, 12, 31), 2023, date(2024, 12, 31)),
        (date(2023, 1, 1), 2023, date(2024, 12, 31)),
        (None, 2023, date(2024, 12, 31)),  # no release date: the snapshot's year (31 Dec 2023)
    ],
)
def test_the_budget_year_of_advance_releases_is_the_next_year(released, budget_year, recall_on):
    row = _recall(RULE, _fund(released, date(2023, 12, 31)), date(2024, 12, 1))
    assert (row["budget_year"], row["recall_on"]) == (budget_year, recall_on)


def test_without_advance_months_the_release_year_is_the_budget_year():
    row = _recall(NO_ADVANCE, _fund(date(2022, 10, 1), date(2023, 6, 30)), date(2023, 12, 1))
    assert (row["budget_year"], row["recall_on"], row["level"]) == (
        2022,
        date(2023, 12, 31),
        "yellow",
    )


@pytest.mark.parametrize(
    ("as_of", "level", "days_left"),
    [
        (date(2024, 10, 31), None, 61),  # 61 days before: not yet warned
        (date(2024, 11, 1), "yellow", 60),  # exactly warn_days_before
        (date(2024, 12, 31), "yellow", 0),  # the recall date itself: still the budget's second year
        (date(2025, 1, 1), "red", -1),  # the day after: recalled
    ],
)
def test_money_released_in_october_is_recalled_at_the_end_of_the_following_year(
    as_of, level, days_left
):
    row = _recall(RULE, _fund(date(2022, 10, 1), date(2024, 10, 31)), as_of)
    if level is None:
        assert row is None
        return
    assert (row["level"], row["days_left"]) == (level, days_left)
    if level == "red":
        assert row["reason"] == (
            "2023 年安排的资金（2022-10-01 提前下达）至 2024-12-31 仍有 0.4 万元未支出，应收回统筹"
        )


def test_a_fund_released_in_september_is_recalled_a_year_earlier():
    row = _recall(RULE, _fund(date(2022, 9, 30), date(2023, 10, 31)), date(2024, 1, 1))
    assert (row["level"], row["recall_on"]) == ("red", date(2023, 12, 31))
    assert row["reason"] == "2022 年安排的资金至 2023-12-31 仍有 0.4 万元未支出，应收回统筹"


def test_a_fully_paid_advance_release_is_never_recalled():
    assert (
        _recall(
            RULE, _fund(date(2022, 10, 1), date(2024, 10, 31), paid=1_000_000), date(2025, 1, 1)
        )
        is None
    )


@pytest.mark.parametrize(
    ("months", "ok"),
    [
        ([10, 11, 12], True),
        ([12], True),
        ([], True),
        ([10, 12], False),
        ([3], False),
        ([13], False),
    ],
)
def test_advance_release_months_run_to_december(months, ok):
    data = RULE.model_dump(by_alias=True) | {"advance_release_months": months}
    if ok:
        assert CarryoverRecallRule.model_validate(data).advance_release_months == months
    else:
        with pytest.raises(ValueError, match="advance_release_months"):
            CarryoverRecallRule.model_validate(data)


def test_the_national_default_treats_the_fourth_quarter_as_advance_release():
    assert RULE.advance_release_months == [10, 11, 12]
