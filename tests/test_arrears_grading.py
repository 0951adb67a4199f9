"""Per-debt grading of the arrears ledgers (清欠): each edge of issue 11 item 2, on in-memory frames
and through the shipped rules of 阿勒泰, 西山区 and 阜康."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from flows.evaluate import run_evaluation
from flows.rule_files import load_rules
from triggers.engine import evaluate_rules
from triggers.frames import INPUTS
from triggers.target_by_date import evaluate_target_by_date
from warehouse.connection import connect
from warehouse.reads import query_alerts, query_commitment_summary, query_commitments

RULES = {r.id: r for r in load_rules(None)}
XISHAN, ALTAY, FUKANG = (
    RULES["xishan-arrears-2022"],
    RULES["altay-arrears-2022"],
    RULES["fukang-arrears-2024"],
)
NAMES = {"530112": "西山区", "654300": "阿勒泰地区", "654301": "阿勒泰市", "652302": "阜康市"}


def debt(creditor, owed_fen, region="530112", repaid_fen=0, disputed=False, plan=None, **kw):
    """One row of the arrears input frame (the ledger's latest snapshot)."""
    return {
        "as_of": kw.get("snapshot", date(2022, 6, 30)),
        "region_code": region,
        "region_name": NAMES[region],
        "debtor": kw.get("debtor", "住建局"),
        "creditor": creditor,
        "department": "",
        "owed_fen": owed_fen,
        "disputed": disputed,
        "plan_due_on": plan,
        "repaid_fen": repaid_fen,
        "repaid_on": kw.get("repaid_on"),
    }


def frames(*debts) -> dict[str, pl.LazyFrame]:
    out = {name: pl.LazyFrame(schema=INPUTS[name]) for name in INPUTS}
    out["arrears"] = pl.LazyFrame(list(debts), schema=INPUTS["arrears"])
    return out


def graded(rule, as_of, *debts) -> dict[str, dict]:
    found = evaluate_target_by_date(rule, [rule], frames(*debts), as_of)
    return {row["item"]: row for row in found.iter_rows(named=True)}


def test_xishan_grades_debts_under_two_million_yuan_only():
    items = graded(
        XISHAN,
        date(2023, 1, 1),
        debt("甲公司", 199_999_999),  # 1,999,999.99 yuan: under the line
        debt("乙公司", 200_000_000),  # exactly 2,000,000 yuan: not under it
    )
    assert list(items) == ["住建局/甲公司"]
    red = items["住建局/甲公司"]
    assert (red["level"], red["overdue"], red["deadline"]) == ("red", True, date(2022, 12, 31))
    assert (red["subject"], red["party"], red["lead_unit"]) == (
        "住建局 → 甲公司",
        "住建局",
        "区财政局",
    )
    assert (red["unit"], red["target"], red["actual"]) == ("yuan", Decimal("1999999.99"), 0)
    assert (red["amount_fen"], red["done_fen"]) == (199_999_999, 0)
    assert red["reasons"] == [
        "截止日 2022-12-31 已过，逾期 1 天，尚欠 200.00 万元未清偿（欠款 200.00 万元，已清偿 0.00 万元）"
    ]
    assert red["kind"] == "target_by_date" and red["source"].startswith("昆明市西山区")


@pytest.mark.parametrize(
    ("as_of", "level", "reason"),
    [
        (date(2022, 11, 30), "green", "截止日 2022-12-31，还有 31 天"),  # 31 days: not at risk
        (date(2022, 12, 1), "yellow", "截止日 2022-12-31，还有 30 天"),  # 30 days: at risk
        (
            date(2022, 12, 31),
            "yellow",
            "截止日 2022-12-31，还有 0 天",
        ),  # on the deadline: due today
        (date(2023, 1, 1), "red", "截止日 2022-12-31 已过，逾期 1 天"),
    ],
)
def test_the_at_risk_window_and_the_deadline_day(as_of, level, reason):
    item = graded(XISHAN, as_of, debt("甲公司", 100_000_000))["住建局/甲公司"]
    assert item["level"] == level
    assert item["reasons"][0].startswith(reason)
    assert item["overdue"] is (level == "red")


def test_repaid_in_full_is_green_and_in_part_is_yellow_until_the_deadline():
    debts = (
        debt("全额", 100_000_000, repaid_fen=100_000_000, repaid_on=date(2022, 5, 3)),
        debt("部分", 100_000_000, repaid_fen=99_999_999),  # one fen short
    )
    early = graded(XISHAN, date(2022, 6, 30), *debts)
    assert early["住建局/全额"]["level"] == "green"
    assert early["住建局/全额"]["done_at"].date() == date(2022, 5, 3)
    assert early["住建局/全额"]["reasons"] == ["已清偿 100.00 万元（应清偿 100.00 万元），已完成"]
    part = early["住建局/部分"]
    assert (part["level"], part["done_fen"], part["done_at"]) == ("yellow", 99_999_999, None)
    assert part["reasons"][0].endswith("已清偿 100.00 万元，尚欠 0.00 万元")
    late = graded(XISHAN, date(2023, 1, 1), *debts)
    assert (late["住建局/全额"]["level"], late["住建局/部分"]["level"]) == ("green", "red")


def test_a_disputed_debt_is_listed_apart_and_not_graded():
    items = graded(XISHAN, date(2023, 3, 1), debt("争议", 50_000_000, disputed=True))
    item = items["住建局/争议"]
    assert (item["disputed"], item["level"], item["overdue"]) == (True, "green", False)
    assert item["reasons"] == ["有分歧，单列管理，不按无分歧欠款的规则考核（金额 50.00 万元）"]


def test_altay_a_debt_with_neither_repayment_nor_plan_after_june_is_red():
    debts = (
        debt("无计划", 500_000_000, region="654301"),
        debt("有计划", 500_000_000, region="654301", plan=date(2022, 9, 30)),
        debt("未说明", 500_000_000, region="654300", disputed=None),  # blank: undisputed
    )
    june = graded(ALTAY, date(2022, 6, 30), *debts)
    assert {k: v["level"] for k, v in june.items()} == {
        "住建局/无计划": "yellow",
        "住建局/有计划": "green",
        "住建局/未说明": "yellow",
    }
    july = graded(ALTAY, date(2022, 7, 1), *debts)
    assert july["住建局/无计划"]["level"] == july["住建局/未说明"]["level"] == "red"
    assert july["住建局/有计划"]["level"] == "green"
    assert july["住建局/有计划"]["deadline"] == date(2022, 9, 30)  # its plan is its deadline
    assert july["住建局/有计划"]["reasons"][0].startswith("还款计划日期 2022-09-30，还有 91 天")
    assert july["住建局/未说明"]["disputed"] is False


def test_altay_a_plan_date_passed_unpaid_is_red():
    plan = date(2022, 8, 15)
    on_plan = graded(ALTAY, plan, debt("甲", 300_000_000, region="654301", plan=plan))
    assert on_plan["住建局/甲"]["level"] == "yellow"
    after = graded(
        ALTAY, plan + timedelta(days=1), debt("甲", 300_000_000, region="654301", plan=plan)
    )["住建局/甲"]
    assert (after["level"], after["overdue"]) == ("red", True)
    assert after["reasons"][0].startswith(
        "还款计划日期 2022-08-15 已过，逾期 1 天，尚欠 300.00 万元"
    )


def test_two_debts_of_one_debtor_to_one_creditor_are_two_items():
    items = graded(FUKANG, date(2024, 6, 1), *(debt("甲", 100, region="652302") for _ in range(2)))
    assert list(items) == ["住建局/甲", "住建局/甲#2"]


def test_a_rule_grades_nothing_outside_its_effective_range():
    assert graded(FUKANG, date(2023, 12, 31), debt("甲", 100, region="652302")) == {}


def test_arrears_are_stored_alerted_summarised_and_escalated(db: Path):
    """The shipped rules through run_evaluation (the ledger given as frames until S's SQL)."""
    ledger = frames(
        debt("甲公司", 199_999_999),
        debt("乙公司", 200_000_000),
        debt("争议", 10_000_000, disputed=True),
        debt("丁公司", 50_000_000, region="654301", debtor="交通局"),
    )

    def evaluate(rules, inputs, as_of):
        return evaluate_rules(rules, inputs | {"arrears": ledger["arrears"]}, as_of)

    rules = [XISHAN, ALTAY, RULES["altay-bonds-2022"]]  # a bond ladder too: its letters unchanged
    run_evaluation(db, date(2022, 7, 1), rules, evaluate=evaluate)
    run_evaluation(db, date(2023, 1, 1), rules, evaluate=evaluate)
    with connect(db, read_only=True) as con:
        items = query_commitments(con, scope=None)
        alerts = query_alerts(con, scope=None)
        region = query_commitment_summary(con, scope=None, by="region")
        letters = con.execute(
            "SELECT rule_id, subject, step_name, document, text FROM escalations ORDER BY step_on"
        ).fetchall()
    assert sorted(items["item"].to_list()) == ["交通局/丁公司", "住建局/甲公司"]
    red = alerts.filter(pl.col("rule_id") == "xishan-arrears-2022")
    assert red["subject"].to_list() == ["530112/住建局/甲公司"]
    assert red["message"][0].startswith("西山区「住建局 → 甲公司」红灯：截止日 2022-12-31 已过")
    xishan = region.filter(pl.col("region_code") == "530112").row(0, named=True)
    assert xishan["overdue_yuan"] == Decimal("1999999.99")
    # 阿勒泰's ladder: 告知 on the first red day, 提醒 7 days later (西山区's rule has none)
    assert [(r, s, n) for r, s, n, _, _ in letters] == [
        ("altay-arrears-2022", "654301/交通局/丁公司", "告知"),
        ("altay-arrears-2022", "654301/交通局/丁公司", "提醒"),
    ]
    assert letters[0][4].startswith(
        "阿勒泰市交通局：「交通局 → 丁公司」欠款 50.00 万元，截至 2022-07-01 已清偿 0.00 万元，"
        "尚欠 50.00 万元（2022-06-30 后既未清偿也未制定还款计划"
    )
    assert "牵头单位：地区财政局" in letters[1][4]
