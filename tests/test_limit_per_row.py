"""`limit_per_row`: guarantee fee caps, SME procurement shares, bond projects without a tender
notice, on in-memory frames with the shipped rules."""

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from flows.rule_files import load_rules
from triggers.frames import INPUTS
from triggers.limit_per_row import evaluate_limit_per_row
from triggers.rules import RuleError, parse_rule_texts

RULES = {r.id: r for r in load_rules(None)}
AS_OF = date(2022, 9, 30)


def frames(name, rows) -> dict[str, pl.LazyFrame]:
    return {name: pl.LazyFrame(rows, schema=INPUTS[name])}


def graded(rule_id, name, rows) -> dict[str, dict]:
    rule = RULES[rule_id]
    found = evaluate_limit_per_row(rule, [rule], frames(name, rows), AS_OF)
    return {row["item"]: row for row in found.iter_rows(named=True)}


def guarantee(borrower, rate_bp, region="654300"):
    return {
        "as_of": AS_OF,
        "region_code": region,
        "region_name": "阿勒泰地区",
        "guarantor": "地区融资担保公司",
        "borrower": borrower,
        "amount_fen": 500_000_000,
        "fee_rate_bp": rate_bp,
        "started_on": date(2022, 5, 1),
    }


def test_a_fee_of_exactly_the_cap_is_within_it_and_a_hundredth_more_is_red():
    items = graded(
        "altay-guarantee-fee",
        "guarantees",
        [
            guarantee("甲", 80),
            guarantee("乙", 81),
            guarantee("丙", None),
            guarantee("丁", 90, "652302"),
        ],
    )
    assert list(items) == ["地区融资担保公司/甲", "地区融资担保公司/乙", "地区融资担保公司/丙"]
    ok, over, blank = items.values()
    assert (ok["level"], ok["unit"], ok["target"], ok["actual"]) == (
        "green",
        "percent",
        Decimal("0.8"),
        Decimal("0.8"),
    )
    assert ok["reasons"] == ["担保费率 0.8%，符合不高于 0.8%"]
    assert (over["level"], over["actual"], over["reasons"]) == (
        "red",
        Decimal("0.81"),
        ["担保费率 0.81%，高于上限 0.8%"],
    )
    assert (over["subject"], over["party"], over["lead_unit"]) == (
        "地区融资担保公司 → 乙",
        "地区融资担保公司",
        "地区财政局",
    )
    assert (over["amount_fen"], over["deadline"]) == (500_000_000, None)
    assert (blank["level"], blank["reasons"]) == (
        "yellow",
        ["担保费率无法计算（未填报或分母为 0）"],
    )


def test_fukang_and_kizilsu_cap_fees_at_one_percent():
    fukang = graded("fukang-guarantee-fee", "guarantees", [guarantee("甲", 100, "652302")])
    assert fukang["地区融资担保公司/甲"]["level"] == "green"
    kizilsu = graded("kizilsu-guarantee-fee", "guarantees", [guarantee("甲", 101, "653022")])
    assert kizilsu["地区融资担保公司/甲"]["level"] == "red"


def purchase(project, category, budget_fen, sme_fen, region="654300"):
    return {
        "as_of": AS_OF,
        "region_code": region,
        "region_name": "阿勒泰地区",
        "project": project,
        "purchaser": "地区教育局",
        "category": category,
        "budget_fen": budget_fen,
        "sme_reserved_fen": sme_fen,
        "announced_on": date(2022, 6, 1),
    }


def test_sme_share_exactly_forty_percent_is_met_and_only_projects_above_the_line_count():
    rows = [
        purchase("恰好 40%", "goods", 300_000_000, 120_000_000),
        purchase("差 1 分", "services", 300_000_000, 119_999_999),
        purchase("恰为 200 万元", "goods", 200_000_000, 0),  # not above 2,000,000 yuan
        purchase("200 万元零 1 分", "goods", 200_000_001, 0),
        purchase("工程 300 万元", "works", 300_000_000, 0),  # works: the line is 4,000,000
    ]
    goods = graded("altay-sme-procurement-goods-services", "procurement", rows)
    assert {k: v["level"] for k, v in goods.items()} == {
        "恰好 40%": "green",
        "差 1 分": "red",
        "200 万元零 1 分": "red",
    }
    assert goods["差 1 分"]["actual"] == Decimal("39.9999")  # truncated: never shown as 40
    assert goods["差 1 分"]["reasons"] == [
        "面向中小企业预留金额占采购预算比例 39.9999%，低于下限 40%"
    ]
    assert goods["恰好 40%"]["reasons"] == [
        "面向中小企业预留金额占采购预算比例 40%，符合不低于 40%"
    ]
    assert (goods["差 1 分"]["amount_fen"], goods["差 1 分"]["done_fen"]) == (
        300_000_000,
        119_999_999,
    )
    works = graded(
        "altay-sme-procurement-works",
        "procurement",
        [*rows, purchase("工程 400 万元零 1 分", "works", 400_000_001, 160_000_001)],
    )
    assert {k: v["level"] for k, v in works.items()} == {"工程 400 万元零 1 分": "green"}


def readiness(project, quota_fen, notice):
    return {
        "as_of": AS_OF,
        "region_code": "654301",
        "region_name": "阿勒泰市",
        "project": project,
        "project_unit": "市住建局",
        "quota_fen": quota_fen,
        "tender_notice_on": notice,
    }


def test_a_project_holding_quota_without_a_tender_notice_is_red():
    items = graded(
        "altay-bond-readiness",
        "bond_readiness",
        [
            readiness("未发布", 1_000_000_000, None),
            readiness("已发布", 1_000_000_000, date(2022, 4, 1)),
            readiness("无额度", 0, None),
        ],
    )
    assert list(items) == ["未发布", "已发布"]
    missing, ready = items["未发布"], items["已发布"]
    assert (missing["level"], missing["party"], missing["done_at"]) == ("red", "市住建局", None)
    assert missing["reasons"] == ["未填报招标公告发布日期（债券额度 1000.00 万元）"]
    assert (ready["level"], ready["done_at"].date()) == ("green", date(2022, 4, 1))
    assert ready["reasons"] == ["招标公告发布日期：2022-04-01"]


CAP = """
rules:
  - id: cap
    kind: limit_per_row
    title: 上限
    source: 测试
    jurisdiction: "654300"
    effective: {{from: 2022-01-01}}
    lead_units: [地区财政局]
    ledger: guarantees
    {body}
"""


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("value: fee_rate\n    max: 0.805", "cap: max: 0.805 不能精确到0.01%"),
        ("value: fee_rate", "cap: max: 须写上限 max 或下限 min"),
        (
            "value: guarantor\n    max: 1",
            "cap: value: 列 guarantor 的单位是 text，此处须为 yuan/percent/count",
        ),
        ("present: tender_notice_on", "cap: present: 台账 guarantees 没有列 'tender_notice_on'"),
        ("value: fee_rate\n    max: 1\n    min: 2", "cap: (整条): Value error, min 不能大于 max"),
    ],
)
def test_a_bad_limit_names_file_rule_and_field(body, error):
    with pytest.raises(RuleError) as info:
        parse_rule_texts({"cap.yaml": CAP.format(body=body)})
    assert info.value.errors[0].startswith(f"cap.yaml: 规则 {error}")
