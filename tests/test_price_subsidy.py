"""Price-subsidy linkage, tested as data (tests/cases/price_subsidy.yaml) and on real CPI."""

from datetime import date
from pathlib import Path

import polars as pl
import pytest
import yaml

from flows.rule_files import load_rules
from tests.helpers import load_file
from triggers.engine import evaluate_rules
from triggers.frames import INPUTS, empty
from triggers.price_subsidy import evaluate_price_subsidy
from triggers.rules import parse_rule_texts
from warehouse.connection import connect
from warehouse.trigger_inputs import query_trigger_inputs

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "price_subsidy.yaml").read_text("utf-8"))
DEFAULTS = {rule.id: rule for rule in load_rules(None)}


def _month(text) -> date:
    return date.fromisoformat(f"{text}-01")


def _frames(case: dict) -> dict[str, pl.LazyFrame]:
    # [region, month, indicator, value, published_on, (vintage, loaded_on)]
    cpi = [
        {
            "region_code": f"{r[0]:06d}" if isinstance(r[0], int) else r[0],
            "period": _month(r[1]),
            "indicator": r[2],
            "value_bp": round(r[3] * 100),
            "published_on": r[4],
            "vintage": r[5] if len(r) > 5 else 1,
            "loaded_on": r[6] if len(r) > 6 else r[4],
        }
        for r in case.get("cpi", [])
    ]
    counts = [
        {"region_code": str(r), "period": _month(p), "group_code": g, "persons": n}
        for r, p, g, n in case.get("beneficiaries", [])
    ]
    standards = [
        {
            "region_code": str(r),
            "period": _month(p),
            "standard_code": s,
            "yuan_per_month_e4": round(y * 10_000),
        }
        for r, p, s, y in case.get("standards", [])
    ]
    payments = [
        {
            "region_code": str(r),
            "period": _month(p),
            "group_code": g,
            "persons": n,
            "paid_fen": round(y * 100),
            "paid_on": on,
        }
        for r, p, g, n, y, on in case.get("payments", [])
    ]
    frames = {}
    inputs = (
        ("cpi", cpi),
        ("beneficiaries", counts),
        ("standards", standards),
        ("subsidy_payments", payments),
    )
    for name, rows in inputs:
        frames[name] = pl.LazyFrame(rows, schema=INPUTS[name]) if rows else empty(name)
    return frames


def _rule(case: dict):
    if "rule" in case:
        return DEFAULTS[case["rule"]]
    return parse_rule_texts(
        {"case.yaml": yaml.safe_dump({"rules": [yaml.safe_load(case["rule_yaml"])]})}
    )[0]


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_price_rule_case(case):
    found = evaluate_price_subsidy(_rule(case), _frames(case), case["as_of"])
    by_month = {row["period"].strftime("%Y-%m"): row for row in found.iter_rows(named=True)}
    assert sorted(by_month) == sorted(e["period"] for e in case["expect"])
    for expected in case["expect"]:
        row = by_month[expected["period"]]
        for key, value in expected.items():
            if key != "period":
                assert row[key] == value, f"{expected['period']} {key}"


def test_every_finding_says_why():
    case = CASES["cases"][0]
    found = evaluate_price_subsidy(_rule(case), _frames(case), case["as_of"])
    reasons = dict(
        zip(found["period"].dt.strftime("%Y-%m"), found["reasons"].to_list(), strict=True)
    )
    assert reasons["2022-03"][0] == "CPI 同比 3.5% ≥ 3.5%（654300 数据）"
    assert reasons["2022-04"][1] == "食品价格 同比 6.0% ≥ 6.0%（654300 数据）"
    assert reasons["2022-05"] == [
        "CPI 同比 3.4% < 3.5%（654300 数据）",
        "食品价格 同比 5.9% < 6.0%（654300 数据）",
    ]


def test_real_2022_national_cpi(samples, db):
    """Published 2022 figures: food reached 6 % in Jul (6.3), Aug (6.1), Sep (8.8), Oct (7.0)."""
    load_file(db, "cpi", samples / "cpi_nbs_national_2022.csv")
    with connect(db, read_only=True) as con:
        frames = query_trigger_inputs(con, date(2023, 1, 31))
    national = [r for r in DEFAULTS.values() if r.jurisdiction == "000000"]
    found = evaluate_rules(national, frames, date(2023, 1, 31)).findings["subsidies"]
    rows = {r["period"].strftime("%Y-%m"): r for r in found.iter_rows(named=True)}
    assert sorted(rows) == [f"2022-{m:02d}" for m in range(1, 13)]  # one rule per month
    triggered = {m: r["rule_version"] for m, r in rows.items() if r["triggered"]}
    assert triggered == {
        "2022-07": "national-2021",
        "2022-08": "national-2022-temporary",
        "2022-09": "national-2022-temporary",
        "2022-10": "national-2022-temporary",
    }
    assert [rows[m]["food_bp"] for m in ("2022-07", "2022-08", "2022-09", "2022-10")] == [
        630,
        610,
        880,
        700,
    ]
    assert rows["2022-09"]["cpi_bp"] == 280 and rows["2022-09"]["cpi_threshold_bp"] == 300
    assert rows["2022-12"]["cpi_bp"] == 180 and not rows["2022-12"]["triggered"]


def test_twenty_yuan_against_the_beneficiary_table(samples, db):
    """654300, index month 2022-07: 20 yuan × the persons of the rule's groups in the table."""
    for path in sorted(samples.glob("cpi_bulletin_altay_2022-0[6-7].xlsx")):
        load_file(db, "cpi", path)
    load_file(db, "beneficiaries", samples / "beneficiaries_2022-07.xlsx")
    rule = DEFAULTS["altay-price"]
    with connect(db, read_only=True) as con:
        frames = query_trigger_inputs(con, date(2022, 8, 31))
        persons = con.execute(
            "SELECT sum(persons) FROM beneficiary_counts WHERE period = '2022-07-01' "
            "AND list_contains(?, group_code) AND region_code LIKE '6543%'",
            [rule.groups],
        ).fetchone()[0]
    found = evaluate_price_subsidy(rule, frames, date(2022, 8, 31)).filter(pl.col("triggered"))
    assert found["period"].to_list() == [date(2022, 7, 1)]
    assert found["persons"][0] == persons > 0
    assert found["per_person_yuan"][0] == 20
    assert found["total_yuan"][0] == 20 * persons
    groups = found["groups"][0]
    assert {g["group_code"] for g in groups} <= set(rule.groups)
    assert sum(g["total_yuan"] for g in groups) == 20 * persons
