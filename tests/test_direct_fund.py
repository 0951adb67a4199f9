"""Direct-fund lights on hand-computed cases, exactly at the thresholds."""

from datetime import date

import polars as pl
import pytest

from flows.rule_files import load_rules
from triggers.direct_fund import evaluate_direct_fund
from triggers.frames import INPUTS

RULE = next(r for r in load_rules(None) if r.id == "national-direct-fund")
# 2022-07-02 is day 183 of 365; a fund of 36,500 fen is then 18,300 fen "on time",
# and each point of time progress is 365 fen.
AS_OF = date(2022, 7, 2)


def _fund(
    code="F1",
    region="654301",
    paid=18_300,
    allocated=36_500,
    release=date(2022, 5, 1),
    own=0,
    received=36_500,
    as_of=AS_OF,
) -> dict:
    return {
        "as_of": as_of,
        "region_code": region,
        "region_name": region,
        "parent_code": region[:4] + "00",
        "fund_code": code,
        "fund_name": code,
        "department": "教育局",
        "received_fen": received,
        "allocated_fen": allocated,
        "paid_fen": paid,
        "release_date": release,
        "own_funds_payments": own,
        "own_funds_fen": 100 * own,
    }


def _grade(*funds: dict, as_of: date = AS_OF) -> dict[str, dict]:
    frames = {"funds": pl.LazyFrame(list(funds), schema=INPUTS["funds"])}
    found = evaluate_direct_fund(RULE, [RULE], frames, as_of)
    return {row["fund_code"]: row for row in found.iter_rows(named=True)}


@pytest.mark.parametrize(
    ("paid", "level"),
    [
        (18_300, "green"),  # on time
        (14_651, "green"),  # 9.99… points behind
        (14_650, "yellow"),  # exactly 10 points behind
        (11_000, "yellow"),  # exactly 20 points behind: not "more than 20"
        (10_999, "red"),  # just over 20 points behind
    ],
)
def test_spending_behind_time_progress(paid, level):
    assert _grade(_fund(paid=paid))["F1"]["level"] == level


@pytest.mark.parametrize(
    ("as_of", "level", "reason"),
    [
        (date(2022, 5, 20), "green", None),  # deadline 31 May, 11 days away
        (date(2022, 5, 21), "yellow", "将在 10 天内到期"),
        (date(2022, 5, 31), "yellow", "将在 10 天内到期"),  # the deadline day itself
        (date(2022, 6, 1), "red", "已超过分配期限 2022-05-31"),
    ],
)
def test_allocation_deadline_is_release_plus_30_days(as_of, level, reason):
    progress = as_of.timetuple().tm_yday * 100  # paid exactly on time
    fund = _fund(paid=progress, allocated=30_000, as_of=as_of)
    row = _grade(fund, as_of=as_of)["F1"]
    assert row["level"] == level
    assert row["allocation_deadline"] == date(2022, 5, 31)
    if reason:
        assert any(reason in r for r in row["reasons"])


def test_money_in_an_own_funds_account_is_red_whatever_the_pace():
    row = _grade(_fund(own=2))["F1"]
    assert row["level"] == "red"
    assert row["reasons"][0] == "有 2 笔支付拨入实有资金账户，共 0.0 万元"


def test_yellow_bell_when_the_region_lags_its_peers():
    # Two counties of one prefecture, both on pace; 654321 spends less than the prefecture.
    rows = _grade(_fund("A", "654301", paid=30_000), _fund("B", "654321", paid=18_300))
    assert rows["A"]["level"] == "green"
    assert rows["B"]["level"] == "yellow_bell"
    assert rows["B"]["reasons"] == ["本地区支出进度 50.1% 低于同级平均 66.2%"]


def test_a_region_without_peers_is_not_below_their_average():
    assert _grade(_fund(paid=18_300))["F1"]["level"] == "green"


def test_rates_and_reasons_are_reported():
    row = _grade(_fund(paid=11_000, allocated=36_500))["F1"]
    assert row["allocation_rate"] == 1.0
    assert row["spending_rate"] == pytest.approx(11_000 / 36_500)
    assert row["time_progress"] == pytest.approx(183 / 365)
    assert row["reasons"] == ["支出进度 30.1% 落后时序进度 50.1% 共 20.0 个百分点"]


def test_nothing_received_gives_no_rates_and_says_so():
    row = _grade(_fund(received=0, allocated=0, paid=0))["F1"]
    assert row["spending_rate"] is None
    assert "上级下达金额为 0，无法计算进度" in row["reasons"]


@pytest.mark.parametrize(
    ("b1_paid", "level"),
    [
        (36_499, "yellow_bell"),  # one fen short of fully paid: its region still lags its peers
        (36_500, "green"),  # fully paid (paid = received): no bell, whatever the region does
        (36_501, "green"),  # paid more than received (a refund pending): still fully paid
    ],
)
def test_a_fully_paid_fund_gets_no_yellow_bell(b1_paid, level):
    # 654321 lags 654301 because of its fund B2 (on pace, so green, but with a bell); B1 is the
    # fund under test in the lagging region.
    rows = _grade(
        _fund("A", "654301", paid=36_500),
        _fund("B1", "654321", paid=b1_paid),
        _fund("B2", "654321", paid=18_300),
    )
    assert rows["B2"]["level"] == "yellow_bell"
    assert rows["B1"]["level"] == level
    if level == "green":
        assert rows["B1"]["reasons"] == ["进度正常：支出进度 100.0%，时序进度 50.1%"]


def test_a_fully_paid_fund_with_money_in_an_own_funds_account_is_still_red():
    assert _grade(_fund(paid=36_500, own=1))["F1"]["level"] == "red"


MONTH_END = RULE.model_copy(update={"time_progress": "month_end"})


@pytest.mark.parametrize(
    ("as_of", "day_of_year", "month_end"),
    [
        (date(2022, 6, 30), (181, 365), (6, 12)),
        (date(2022, 7, 1), (182, 365), (6, 12)),  # July is not complete on its first day
        (date(2022, 7, 30), (211, 365), (6, 12)),
        (date(2022, 7, 31), (212, 365), (7, 12)),
        (date(2022, 12, 31), (365, 365), (12, 12)),
        (date(2023, 1, 1), (1, 365), (0, 12)),
        (date(2023, 2, 28), (59, 365), (2, 12)),
        (date(2024, 2, 28), (59, 366), (1, 12)),  # leap year: February ends on the 29th
        (date(2024, 2, 29), (60, 366), (2, 12)),
        (date(2024, 6, 30), (182, 366), (6, 12)),
        (date(2024, 12, 31), (366, 366), (12, 12)),
    ],
)
def test_time_progress_conventions(as_of, day_of_year, month_end):
    fund = _fund(as_of=as_of, release=None)
    for rule, (elapsed, period) in ((RULE, day_of_year), (MONTH_END, month_end)):
        frames = {"funds": pl.LazyFrame([fund], schema=INPUTS["funds"])}
        row = evaluate_direct_fund(rule, [rule], frames, as_of).row(0, named=True)
        assert row["time_progress"] == pytest.approx(elapsed / period), rule.time_progress


def test_the_default_convention_is_the_day_of_the_year():
    assert RULE.time_progress == "day_of_year"


@pytest.mark.parametrize(
    ("as_of", "rule", "paid", "level"),
    [
        # month_end: 50 % on 30 June and still on 1 July; 40 % paid is exactly 10 points behind
        (date(2022, 6, 30), MONTH_END, 48_000, "yellow"),
        (date(2022, 6, 30), MONTH_END, 48_001, "green"),
        (date(2022, 7, 1), MONTH_END, 48_000, "yellow"),
        # day_of_year: 1 July is 182/365 = 49.86 %, so 40 % paid is 9.86 points behind
        (date(2022, 7, 1), RULE, 48_000, "green"),
        # 31 December: 100 % either way; 80 % paid is exactly 20 points behind: yellow, not red
        (date(2022, 12, 31), MONTH_END, 96_000, "yellow"),
        (date(2022, 12, 31), MONTH_END, 95_999, "red"),
        (date(2022, 12, 31), RULE, 96_000, "yellow"),
        (date(2024, 12, 31), RULE, 95_999, "red"),
    ],
)
def test_lights_follow_the_rules_time_progress(as_of, rule, paid, level):
    fund = _fund(paid=paid, received=120_000, allocated=120_000, as_of=as_of)
    frames = {"funds": pl.LazyFrame([fund], schema=INPUTS["funds"])}
    assert evaluate_direct_fund(rule, [rule], frames, as_of)["level"][0] == level
