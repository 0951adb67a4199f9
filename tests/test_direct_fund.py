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


def _fund(code="F1", region="654301", paid=18_300, allocated=36_500, release=date(2022, 5, 1),
          own=0, received=36_500, as_of=AS_OF) -> dict:  # fmt: skip
    return {
        "as_of": as_of, "region_code": region, "region_name": region, "parent_code": region[:4] + "00",
        "fund_code": code, "fund_name": code, "department": "教育局", "received_fen": received, "allocated_fen": allocated,
        "paid_fen": paid, "release_date": release, "own_funds_payments": own,
        "own_funds_fen": 100 * own,
    }  # fmt: skip


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
