"""`target_by_date` per region: 西山区's issuance target, counts and shares, the window, the
jurisdiction without rows; the same findings in-process and partitioned."""

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from flows.rule_files import load_rules
from triggers.engine import evaluate_rules
from triggers.frames import INPUTS
from triggers.partitions import evaluate_partitioned, partition
from triggers.rules import parse_rule_texts
from triggers.target_by_date import evaluate_target_by_date

ISSUANCE = next(r for r in load_rules(None) if r.id == "xishan-bond-issuance-2022")
TARGET_FEN = 300_000_000_000  # 3,000,000,000 yuan


def issue(fen, on, region="530112", code="b1"):
    return {
        "region_code": region,
        "region_name": {"530112": "西山区", "530111": "官渡区"}[region],
        "bond_name": f"债券{code}",
        "bond_code": code,
        "issued_fen": fen,
        "issued_on": on,
    }


def frames(**ledgers) -> dict[str, pl.LazyFrame]:
    out = {name: pl.LazyFrame(schema=INPUTS[name]) for name in INPUTS}
    return out | {name: pl.LazyFrame(rows, schema=INPUTS[name]) for name, rows in ledgers.items()}


def one(rule, as_of, **ledgers) -> dict:
    found = evaluate_target_by_date(rule, [rule], frames(**ledgers), as_of)
    assert found.height == 1
    return found.row(0, named=True)


@pytest.mark.parametrize(
    ("second_fen", "level", "reason"),
    [
        (
            TARGET_FEN // 2,
            "green",
            "发行金额合计 300000.00 万元，已达到目标 300000.00 万元",
        ),
        (
            TARGET_FEN // 2 - 1,  # one fen short
            "red",
            "截止日 2022-12-31 已过 1 天，发行金额合计 300000.00 万元，未达到目标 300000.00 万元",
        ),
    ],
)
def test_the_issuance_target_just_met_or_missed_by_one_fen(second_fen, level, reason):
    rows = [
        issue(TARGET_FEN // 2, date(2022, 3, 1)),
        issue(second_fen, date(2022, 12, 31), code="b2"),  # the window's last day counts
        issue(TARGET_FEN, date(2023, 1, 5), code="b3"),  # outside the window
        issue(TARGET_FEN, date(2022, 5, 5), region="530111", code="b4"),  # another district
    ]
    item = one(ISSUANCE, date(2023, 1, 1), bond_issues=rows)
    assert (item["level"], item["reasons"]) == (level, [reason])
    assert (item["region_code"], item["item"], item["subject"]) == (
        "530112",
        "xishan-bond-issuance-2022",
        "西山区 2022 年专项债券发行",
    )
    assert (item["unit"], item["target"]) == ("yuan", Decimal("3000000000"))
    assert item["actual"] == Decimal(TARGET_FEN // 2 + second_fen) / 100
    assert (item["amount_fen"], item["done_fen"]) == (TARGET_FEN, TARGET_FEN // 2 + second_fen)
    assert item["overdue"] is (level == "red")


@pytest.mark.parametrize(
    ("as_of", "level"),
    [(date(2022, 11, 30), "green"), (date(2022, 12, 1), "yellow"), (date(2022, 12, 31), "yellow")],
)
def test_short_of_the_target_near_the_deadline_is_yellow(as_of, level):
    item = one(ISSUANCE, as_of, bond_issues=[issue(100, date(2022, 3, 1))])
    assert item["level"] == level
    days = (date(2022, 12, 31) - as_of).days
    assert item["reasons"][0].startswith(
        f"距截止日 2022-12-31 还有 {days} 天，发行金额合计 0.00 万元"
    )


def test_a_jurisdiction_with_no_rows_has_reached_nothing():
    item = one(ISSUANCE, date(2023, 1, 1))
    assert (item["region_code"], item["level"], item["actual"]) == ("530112", "red", 0)
    assert item["region_name"] == "530112"


SHARE_AND_COUNT = """
rules:
  - id: ledger-cleared
    kind: target_by_date
    title: 台账清偿比例达到 90%
    source: 测试
    jurisdiction: "650000"
    effective: {from: 2022-01-01}
    lead_units: [财政厅]
    ledger: arrears
    measure: share
    done: repaid
    amount: owed
    target: 90
    deadline: 2022-12-31
  - id: enough-debts-listed
    kind: target_by_date
    title: 台账至少登记 2 笔
    source: 测试
    jurisdiction: "650000"
    effective: {from: 2022-01-01}
    lead_units: [财政厅]
    ledger: arrears
    where: [{column: disputed, op: "!=", value: true}]
    measure: count
    target: 2
    deadline: 2022-12-31
"""


def _debt(region, owed, repaid, disputed=False):
    return {
        "as_of": date(2022, 12, 31),
        "region_code": region,
        "region_name": region,
        "debtor": "住建局",
        "creditor": f"公司{owed}",
        "department": "",
        "owed_fen": owed,
        "disputed": disputed,
        "plan_due_on": None,
        "repaid_fen": repaid,
        "repaid_on": None,
    }


def test_a_share_and_a_count_per_region_are_exact():
    share, count = parse_rule_texts({"t.yaml": SHARE_AND_COUNT})
    debts = [
        _debt("654301", 1_000, 900),  # exactly 90 %
        _debt("654302", 1_000, 899),  # 89.9 %
        _debt("654302", 3, 0, disputed=True),
    ]
    found = evaluate_rules([share, count], frames(arrears=debts), date(2023, 1, 1))
    rows = {(r["rule_id"], r["region_code"]): r for r in found.findings["commitments"].to_dicts()}
    met, short = rows[("ledger-cleared", "654301")], rows[("ledger-cleared", "654302")]
    assert (met["level"], met["unit"], met["actual"]) == ("green", "percent", Decimal("90"))
    assert (short["level"], short["actual"]) == ("red", Decimal("89.6311"))
    assert short["reasons"] == [
        "截止日 2022-12-31 已过 1 天，已清偿金额占欠款金额 89.6311%，未达到目标 90%"
    ]
    assert (short["amount_fen"], short["done_fen"]) == (1_003, 899)
    assert rows[("enough-debts-listed", "654301")]["level"] == "red"
    assert rows[("enough-debts-listed", "654302")]["actual"] == 1


def test_the_same_findings_in_process_and_partitioned():
    share, count = parse_rule_texts({"t.yaml": SHARE_AND_COUNT})
    rules = [
        ISSUANCE,
        share,
        count,
        share.model_copy(update={"id": "wide", "jurisdiction": "000000"}),
    ]
    inputs = frames(
        arrears=[_debt("654301", 1_000, 900), _debt("530112", 10, 0)],
        bond_issues=[issue(5, date(2022, 3, 1), region="530111")],  # none in 西山区
    )
    for level in (2, 4):
        plan = {p.key: p.rule_ids for p in partition(rules, inputs, level)}
        province = ("ledger-cleared", "enough-debts-listed")  # 650000: one partition at level 2
        assert plan["whole"] == ("wide",) if level == 2 else (*province, "wide")
        assert level == 4 or plan["65"] == province
        assert plan["53" if level == 2 else "5301"] == ("xishan-bond-issuance-2022",)
        local = evaluate_rules(rules, inputs, date(2023, 1, 1))
        merged = evaluate_partitioned(rules, inputs, date(2023, 1, 1), level)
        assert merged.health == local.health
        key = ["rule_id", "region_code", "item"]
        assert (
            merged.findings["commitments"].sort(key).equals(local.findings["commitments"].sort(key))
        )
        placeholders = merged.findings["commitments"].filter(pl.col("region_code") == "530112")
        assert placeholders["rule_id"].to_list().count("xishan-bond-issuance-2022") == 1
