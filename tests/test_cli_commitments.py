"""`policy-monitor commitments` and the Python API on commitment findings stored by a real
evaluation (tests/commitment_items.py): JSON fields and types, scoping, totals, no evaluation."""

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import policy_monitor as pm
from policy_monitor.cli import app
from tests.commitment_items import store_items
from warehouse import reads
from warehouse.replica import read_connection

FIELDS = {"rule_id", "kind", "region_code", "subject", "lead_unit", "deadline", "target"}
FIELDS |= {"actual", "level", "reasons", "region_name", "commitment", "source", "party"}
FIELDS |= {"responsible_units", "unit", "due_at", "done_at", "amount_yuan", "done_yuan"}
FIELDS |= {"overdue", "outstanding_yuan", "disputed", "item", "as_of"}


def invoke(db: Path, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), "commitments", *args])


def json_of(db: Path, *args: str) -> list[dict]:
    result = invoke(db, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def stored(db: Path) -> Path:
    store_items(db)
    return db


def test_json_has_every_field_with_decimal_strings_iso_dates_red_first(stored):
    items = json_of(stored)
    assert [(i["rule_id"], i["item"], i["level"]) for i in items] == [
        ("altay.guarantee-fee", "G-001", "red"),
        ("kizilsu.daily-report", "州发改委/2022-12-31", "red"),
        ("xishan.arrears", "住建局/甲公司", "red"),
        ("altay.arrears", "县住建局/丙公司", "yellow"),
        ("xishan.arrears", "住建局/乙公司", "green"),
    ]  # the disputed debt is not graded, so not listed
    assert all(set(i) == FIELDS for i in items)
    debt = items[2]
    assert debt["subject"] == "住建局 → 甲公司" and debt["party"] == "住建局"
    assert (debt["amount_yuan"], debt["done_yuan"], debt["outstanding_yuan"]) == (
        "1999999.99",
        "0.00",
        "1999999.99",
    )
    assert (debt["unit"], debt["target"], debt["actual"]) == ("yuan", "1999999.99", "0.00")
    assert (debt["deadline"], debt["as_of"], debt["lead_unit"]) == (
        "2022-12-31",
        "2022-12-31",
        "区财政局",
    )
    assert debt["overdue"] is True and debt["disputed"] is False
    assert debt["reasons"] == ["截至 2022-12-31 未清偿"]
    assert debt["responsible_units"] == ["各县市"]
    fee = items[0]
    assert (fee["unit"], fee["target"], fee["actual"]) == ("percent", "0.80", "1.00")
    assert fee["deadline"] is None and fee["amount_yuan"] == "1000000.00"
    assert fee["outstanding_yuan"] is None  # a cap's guaranteed sum is nothing to clear
    report = items[1]
    assert (report["unit"], report["due_at"], report["done_at"]) == (
        "time",
        "2022-12-31T17:00:00",
        None,
    )
    assert report["target"] is None and report["amount_yuan"] is None
    assert Decimal(items[4]["target"]) == Decimal("2000000")  # 2,000,000 vs 1,999,999.99 above


def test_region_covers_its_counties_and_filters_combine(stored):
    altay = json_of(stored, "--region", "654300")
    assert [(i["region_code"], i["item"]) for i in altay] == [
        ("654300", "G-001"),
        ("654321", "县住建局/丙公司"),
    ]
    assert [i["item"] for i in json_of(stored, "--region", "654321")] == ["县住建局/丙公司"]
    kinds = json_of(stored, "--kind", "target_by_date")
    assert {i["kind"] for i in kinds} == {"target_by_date"} and len(kinds) == 3
    assert [i["level"] for i in json_of(stored, "--kind", "target_by_date", "--level", "red")] == [
        "red"
    ]
    assert [i["item"] for i in json_of(stored, "--lead-unit", "县财政局")] == ["县住建局/丙公司"]
    assert len(json_of(stored, "--rule", "xishan.arrears")) == 2
    assert json_of(stored, "--region", "652302") == []
    assert invoke(stored, "--region", "652302").output.startswith("没有符合条件的承诺事项")


def test_disputed_items_are_listed_apart(stored):
    (disputed,) = json_of(stored, "--disputed")
    assert (disputed["item"], disputed["disputed"], disputed["amount_yuan"]) == (
        "县交通局/丁公司",
        True,
        "300000.00",
    )
    result = invoke(stored, "--region", "654300")
    assert result.exit_code == 0, result.output
    assert "另有有争议事项 1 项未评级，用 --disputed 查看" in result.output
    result = invoke(stored, "--disputed")
    assert result.output.splitlines()[1].startswith("有争议  布尔津县  县交通局 → 丁公司")
    assert "有争议事项共 1 项（不评级）：金额 30.00 万元" in result.output


def test_by_party_gives_outstanding_cleared_and_overdue_yuan(stored):
    groups = {(g["rule_id"], g["party"]): g for g in json_of(stored, "--by", "party")}
    xishan = groups["xishan.arrears", "住建局"]
    assert (xishan["items"], xishan["red"], xishan["yellow"], xishan["green"]) == (2, 1, 0, 1)
    assert xishan["amount_yuan"] == "3999999.99" and xishan["done_yuan"] == "2000000.00"
    assert xishan["outstanding_yuan"] == xishan["overdue_yuan"] == "1999999.99"
    county = groups["altay.arrears", "县住建局"]
    assert (county["outstanding_yuan"], county["overdue_yuan"]) == ("400000.50", "0.00")
    assert county["region_code"] == "654321" and county["region_name"] == "布尔津县"
    apart = groups["altay.arrears", "县交通局"]
    assert (apart["items"], apart["disputed_items"], apart["disputed_yuan"]) == (
        0,
        1,
        "300000.00",
    )
    leads = json_of(stored, "--by", "lead_unit", "--region", "654300")
    assert [g["lead_unit"] for g in leads] == ["地区财政局", "县财政局"]
    result = invoke(stored, "--by", "party", "--level", "red")
    assert result.exit_code == 2 and "--by" in result.output


def test_the_table_is_red_first_in_chinese_with_wan_yuan_and_a_total(stored):
    result = invoke(stored)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:5] == ["灯", "地区", "事项", "规则", "牵头单位"]
    assert [line.split()[0] for line in lines[1:6]] == ["红灯"] * 3 + ["黄灯", "绿灯"]
    assert "199.999999 万元" in lines[3] and "住建局 → 甲公司" in lines[3]  # never rounded to 200
    assert "200.00 万元" in lines[5] and "50.00005 万元" in lines[4]
    assert "0.80%" in lines[1] and "未报送" in lines[2]
    assert lines[-1] == (
        "共 5 项：红灯 3，黄灯 1，绿灯 1；金额 550.000049 万元，已完成 210.00 万元，未完成 "
        "240.000049 万元（其中逾期 199.999999 万元）；另有有争议事项 1 项未评级，用 --disputed 查看"
    )
    by_rule = invoke(stored, "--by", "rule")
    assert by_rule.exit_code == 0 and by_rule.output.splitlines()[0].split()[:3] == [
        "规则",
        "承诺",
        "事项",
    ]
    assert by_rule.output.splitlines()[-1] == (
        "共 4 组，5 项：红灯 3，未完成 240.000049 万元（其中逾期 199.999999 万元）"
    )


def test_without_an_evaluation_it_says_to_run_evaluate(db, tmp_path):
    result = invoke(db)
    assert result.exit_code == 2
    assert "还没有评估结果：请先运行 policy-monitor evaluate" in result.output
    missing = invoke(tmp_path / "none.duckdb", "--json")
    assert missing.exit_code == 2 and "请先导入数据并运行 policy-monitor evaluate" in missing.output
    assert invoke(db, "--level", "orange").exit_code == 2
    assert invoke(db, "--by", "county").exit_code == 2


def test_the_api_returns_pandas_with_exact_money(stored):
    monitor = pm.open(stored)
    items = monitor.commitments(region="654300")
    cur = read_connection(stored)
    try:
        expected = reads.query_commitments(cur, None, "654300", limit=None)
    finally:
        cur.close()
    pd.testing.assert_frame_equal(items, expected.to_pandas(use_pyarrow_extension_array=True))
    assert list(items["item"]) == ["G-001", "县住建局/丙公司"]
    assert str(items["amount_yuan"].dtype).startswith("decimal128")
    assert list(items["amount_yuan"]) == [Decimal("1000000.00"), Decimal("500000.50")]
    assert items["target"][0] == Decimal("0.8")
    red = monitor.commitments(level="red", kind="target_by_date")
    assert list(red["amount_yuan"]) == [Decimal("1999999.99")]
    assert list(monitor.commitments(lead_unit="县财政局")["subject"]) == ["县住建局 → 丙公司"]
    assert list(monitor.commitments(disputed=True)["item"]) == ["县交通局/丁公司"]
    parties = monitor.commitment_summary(by="party", region="530112")
    assert list(parties["party"]) == ["住建局"]
    assert parties["outstanding_yuan"][0] == Decimal("1999999.99")
    assert parties["done_yuan"][0] == Decimal("2000000.00")
    with pytest.raises(ValueError, match="by"):
        monitor.commitment_summary(by="county")
