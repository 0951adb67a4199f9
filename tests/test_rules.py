"""Rule files: the shipped defaults load; every error is reported at once with its location."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from flows.rule_files import DEFAULTS, load_rules, read_rule_texts
from triggers.rules import RuleError, parse_rule_texts

LOCAL = """
rules:
  - id: city-price
    kind: price_subsidy
    title: 某市
    version: city
    jurisdiction: "654301"
    effective: {{from: 2022-01}}
    cpi_threshold_pct: {cpi}
    food_threshold_pct: {food}
    cpi_regions: ["654301"]
    groups: [urban_dibao]
    amount: {{method: fixed, yuan: 20}}
    pay_by: {{method: end_of_publication_month}}
"""


def _with_defaults(extra: str) -> dict[str, str]:
    return read_rule_texts(None) | {"local.yaml": extra}


def test_defaults_cover_the_seed_documents():
    rules = {r.id: r for r in load_rules(None)}
    altay = rules["altay-price"]
    assert (altay.jurisdiction, str(altay.cpi_threshold_pct), str(altay.food_threshold_pct)) == (
        "654300",
        "3.5",
        "6.0",
    )
    assert altay.amount.method == "fixed" and altay.amount.yuan == 20
    assert altay.cpi_regions == ["654300", "650000", "000000"]
    temporary = rules["national-price-2022-temporary"]
    assert str(temporary.cpi_threshold_pct) == "3.0"
    assert {"unemployment_allowance", "near_dibao"} <= set(temporary.groups)
    assert str(rules["altay-bonds-2022"].deadline) == "2022-08-31"
    assert str(rules["xishan-bonds-2022"].deadline) == "2022-09-30"
    assert rules["xishan-bonds-2022"].jurisdiction == "530112"
    assert [s.name for s in rules["altay-bonds-2022"].escalation] == [
        "告知",
        "提醒",
        "约谈",
        "移交问题线索",
    ]
    assert rules["national-price-2016"].pay_by.method == "working_days_after_publication"
    assert rules["national-price-2021"].pay_by.method == "end_of_publication_month"
    assert sorted(p.name for p in DEFAULTS.glob("*.yaml")) == [
        "kunming_xishan.yaml",
        "national.yaml",
        "xinjiang_altay.yaml",
        "xinjiang_fukang.yaml",
        "xinjiang_kizilsu.yaml",
        "xinjiang_kizilsu_reports.yaml",
    ]
    kizilsu = rules["kizilsu-daily-reports"]
    assert (kizilsu.jurisdiction, kizilsu.units_from, kizilsu.cadence) == (
        "653000",
        "measures",
        "daily",
    )
    assert str(kizilsu.due_time) == "17:00:00" and kizilsu.working_days_only
    assert "责任分解表" in kizilsu.source


def test_a_lower_local_threshold_is_allowed():
    rules = parse_rule_texts(_with_defaults(LOCAL.format(cpi=3.0, food=5.5)))
    assert "city-price" in {r.id for r in rules}


def test_a_raised_local_threshold_is_rejected_for_the_months_it_exceeds():
    with pytest.raises(RuleError) as info:
        parse_rule_texts(_with_defaults(LOCAL.format(cpi=3.5, food=6.0)))
    # 3.5 % is the national threshold except in the temporary window, where it is 3.0 %
    assert info.value.errors == [
        "local.yaml: 规则 city-price: cpi_threshold_pct: 3.5 高于全国规则 "
        "national-price-2022-temporary 的 3.0（2022-08 至 2023-02）；地方标准只能低于或等于全国标准"
    ]


def test_every_error_is_reported_at_once_with_file_rule_and_field():
    bad = """
rules:
  - id: broken
    kind: price_subsidy
    title: t
    version: v
    jurisdiction: 654301
    effective: {from: 2022-01}
    cpi_threshold_pct: 3.0
    food_threshold_pct: 6.0
    cpi_regions: ["654301"]
    groups: [tekun]
    amount: {method: fixed, yuan: 0}
    pay_by: {method: end_of_publication_month}
    colour: red
  - id: nameless-kind
    kind: weather
"""
    with pytest.raises(RuleError) as info:
        parse_rule_texts({"a.yaml": bad, "b.yaml": "rules: [\n"})
    errors = info.value.errors
    assert errors[0].startswith("a.yaml: 规则 broken: jurisdiction: ")
    assert "加引号" in errors[0]
    assert errors[1] == "a.yaml: 规则 broken: amount.yuan: Input should be greater than 0"
    assert errors[2] == "a.yaml: 规则 broken: colour: Extra inputs are not permitted"
    assert errors[3].startswith("a.yaml: 规则 nameless-kind: (整条): Input tag 'weather'")
    assert errors[4].startswith("b.yaml: 第 2 行 不是有效的 YAML")
    assert len(errors) == 5


def test_overlapping_rules_need_an_override():
    first = LOCAL.format(cpi=3.0, food=6.0)
    second = first.replace("city-price", "city-price-2").replace(
        "{from: 2022-01}", "{from: 2022-06}"
    )
    with pytest.raises(RuleError, match="与规则 city-price-2 的生效期重叠"):
        parse_rule_texts({"a.yaml": first, "b.yaml": second})
    fixed = second.replace("    pay_by:", "    overrides: [city-price]\n    pay_by:")
    assert len(parse_rule_texts({"a.yaml": first, "b.yaml": fixed})) == 2


def test_escalation_templates_may_use_known_fields_only():
    text = (
        (DEFAULTS / "kunming_xishan.yaml").read_text("utf-8").replace("{project}", "{projekt}", 1)
    )
    with pytest.raises(RuleError, match=r"xishan-bonds-2022: escalation.0.template: .*projekt"):
        parse_rule_texts({"kunming.yaml": text})


def test_users_add_a_jurisdiction_by_adding_a_file(tmp_path: Path):
    (tmp_path / "city.yaml").write_text(LOCAL.format(cpi=3.0, food=5.5), encoding="utf-8")
    assert "city-price" in {r.id for r in load_rules(tmp_path)}


def test_group_codes_come_from_the_one_vocabulary():
    # a typo, a Chinese column name and a group-keyed amount field, all reported at once
    text = (
        LOCAL.format(cpi=3.0, food=5.5)
        .replace("groups: [urban_dibao]", "groups: [urban_dibao, rural_dibo, 孤儿]")
        .replace(
            "{method: fixed, yuan: 20}",
            "{method: proportional, standards: {urban_dibao: urban_dibao, orphan: rural_dibao}}",
        )
    )
    other = LOCAL.format(cpi=3.0, food=5.5).replace("city-price", "town-price")
    other = other.replace('"654301"', '"654302"').replace("[urban_dibao]", "[tekun, tekun]")
    with pytest.raises(RuleError) as info:
        parse_rule_texts({"local.yaml": text, "other.yaml": other})
    errors = info.value.errors
    assert errors[0].startswith(
        "local.yaml: 规则 city-price: groups: Value error, 未知的保障对象类别 'rural_dibo', '孤儿'；"
        "可用：urban_dibao, rural_dibao, tekun,"
    )
    assert errors[1].startswith(
        "local.yaml: 规则 city-price: amount: Value error, standards 中有未知的保障对象类别 'orphan'"
    )
    assert errors[2] == "other.yaml: 规则 town-price: groups: Value error, 保障对象类别重复：tekun"
    assert len(errors) == 3


def test_the_2016_rule_lists_only_the_2016_groups_and_2021_adds_the_children():
    rules = {r.id: r for r in load_rules(None)}
    adults = {"urban_dibao", "rural_dibao", "tekun", "unemployment_insurance", "entitled_groups"}
    children = {"orphan_institutional", "orphan_dispersed", "de_facto_orphan", "hiv_child"}
    assert set(rules["national-price-2016"].groups) == adults
    assert set(rules["national-price-2021"].groups) == adults | children


def test_the_commitment_defaults_cite_their_documents_in_the_documents_units():
    rules = {r.id: r for r in load_rules(None)}
    xishan = rules["xishan-arrears-2022"]
    assert (xishan.ledger, xishan.where[0].op, xishan.where[0].value) == (
        "arrears",
        "<",
        Decimal("2000000"),
    )
    assert (xishan.deadline, xishan.lead_units, xishan.at_risk_days) == (
        date(2022, 12, 31),
        ["区财政局"],
        30,
    )
    altay = rules["altay-arrears-2022"]
    assert (altay.due, altay.plan_required_by) == ("plan_due_on", date(2022, 6, 30))
    assert [s.name for s in altay.escalation] == ["告知", "提醒", "约谈"]
    assert rules["fukang-arrears-2024"].deadline == date(2024, 12, 31)
    issuance = rules["xishan-bond-issuance-2022"]
    assert (issuance.measure, issuance.of, issuance.target) == ("sum", "issued", Decimal("3e9"))
    assert (issuance.window.start, issuance.window.end) == (date(2022, 1, 1), date(2022, 12, 31))
    caps = {i: rules[i].max for i in rules if i.endswith("guarantee-fee")}
    assert caps == {
        "altay-guarantee-fee": Decimal("0.8"),
        "fukang-guarantee-fee": Decimal("1"),
        "kizilsu-guarantee-fee": Decimal("1"),
    }
    assert {rules[i].jurisdiction for i in caps} == {"654300", "652302", "653000"}
    shares = [r for r in rules.values() if r.id.endswith(("-goods-services", "-works"))]
    assert {(r.jurisdiction, r.min, r.where[1].value) for r in shares} == {
        ("654300", Decimal("40"), Decimal("2000000")),
        ("654300", Decimal("40"), Decimal("4000000")),
        ("653000", Decimal("40"), Decimal("2000000")),
        ("653000", Decimal("40"), Decimal("4000000")),
    }
    assert rules["altay-bond-readiness"].present == "tender_notice_on"
    commitments = [r for r in rules.values() if r.kind in ("target_by_date", "limit_per_row")]
    assert all(r.source and r.lead_units for r in commitments)


TARGET = """
rules:
  - id: arrears-x
    kind: target_by_date
    title: 清欠
    source: 测试
    jurisdiction: "530112"
    effective: {from: 2022-01-01}
    lead_units: [区财政局]
    ledger: arrears
    where: [{column: owed, op: "<", value: 2000000}]
    measure: share
    per: item
    done: repaid
    amount: owed
    target: 100
    deadline: 2022-12-31
"""


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (
            "ledger: arrears",
            "ledger: arrear",
            "ledger: Value error, 未知的台账 'arrear'；可用：arrears",
        ),
        ("column: owed", "column: owing", "where.0.column: 台账 arrears 没有列 'owing'；可用："),
        ('op: "<"', 'op: "=<"', "where.0.op: Input should be '<'"),
        ("value: 2000000", "value: 2000000.001", "where.0.value: 2000000.001 不能精确到1 分"),
        ("value: 2000000", "value: 住建局", "where.0.value: 列 owed 须与 yuan 比较，收到 '住建局'"),
        ("done: repaid", "done: paid", "done: 台账 arrears 没有列 'paid'"),
        ("per: item", "per: region\n    due: plan_due_on", "(整条): Value error, due / plan_"),
        ("target: 100", "target: 101", "target: 比例不能超过 100（单位为 %）"),
        ('op: "<", value: 2000000', 'op: "<"', "where.0.value: 列 owed 须与 yuan 比较，收到 None"),
    ],
)
def test_a_bad_commitment_names_file_rule_and_field(old, new, error):
    assert old in TARGET
    with pytest.raises(RuleError) as info:
        parse_rule_texts({"c.yaml": TARGET.replace(old, new)})
    assert info.value.errors[0].startswith(f"c.yaml: 规则 arrears-x: {error}")


def test_two_commitments_of_one_kind_and_jurisdiction_are_two_promises_not_an_overlap():
    second = TARGET.replace("arrears-x", "arrears-y").replace("2022-12-31", "2023-06-30")
    assert len(parse_rule_texts({"a.yaml": TARGET, "b.yaml": second})) == 2
