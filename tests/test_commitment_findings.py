"""The commitments findings contract: validation of a rule's return, storage, alerts, reads."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from flows.evaluate import run_evaluation
from triggers.commitment_findings import (
    COMMITMENT_SCHEMA,
    FindingsError,
    check_findings,
    conform,
)
from triggers.engine import Evaluation
from warehouse.connection import connect
from warehouse.reads import query_alerts, query_commitment_summary, query_commitments

AS_OF = date(2022, 12, 31)


def _items() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "rule_id": ["xishan.arrears", "xishan.arrears"],
            "kind": ["target_by_date", "target_by_date"],
            "region_code": ["530112", "530112"],
            "region_name": ["西山区", "西山区"],
            "item": ["住建局/甲公司", "住建局/乙公司"],
            "subject": ["住建局 → 甲公司", "住建局 → 乙公司"],
            "party": ["住建局", "住建局"],
            "lead_unit": ["区财政局", "区财政局"],
            "deadline": [date(2022, 12, 31)] * 2,
            "unit": ["yuan", "yuan"],
            "target": ["1999999.99", "500000"],
            "actual": ["0", "500000"],
            "amount_fen": [199_999_999, 50_000_000],
            "done_fen": [0, 50_000_000],
            "level": ["red", "green"],
            "reasons": [["截至 2022-12-31 未清偿"], ["已全额清偿"]],
        }
    ).with_columns(pl.col("target", "actual").str.to_decimal(scale=4))


def test_a_conforming_frame_gets_every_column_in_order_and_type():
    out = conform(_items(), AS_OF)
    assert out.schema == pl.Schema(COMMITMENT_SCHEMA)
    assert out["as_of"].to_list() == [AS_OF, AS_OF]
    assert out["disputed"].to_list() == [False, False]
    assert out["target"][0] == Decimal("1999999.99")


def test_every_problem_of_a_bad_return_is_named_at_once():
    bad = _items().drop("item").with_columns(level=pl.lit("orange"))
    with pytest.raises(FindingsError) as missing:
        check_findings(bad)
    assert missing.value.problems == ["缺少列 item"]

    bad = _items().with_columns(level=pl.Series(["orange", None]), amount_fen=pl.lit("many"))
    with pytest.raises(FindingsError) as typed:
        check_findings(bad)
    assert typed.value.problems == ["列 amount_fen 应为 Int64，实为 String"]

    bad = _items().with_columns(level=pl.Series(["orange", None]), item=pl.lit("same"))
    with pytest.raises(FindingsError) as values:
        check_findings(bad)
    assert values.value.problems == [
        "列 level 有 1 个空值",
        "level 只能是 red、yellow 或 green，出现了 orange",
        "同一规则同一地区的 item 重复 1 处（例如 xishan.arrears 530112 same）",
    ]


def test_commitment_findings_are_stored_alerted_and_read_with_exact_money(db: Path):
    def evaluate(rules, frames, as_of):
        result = Evaluation(as_of=as_of, findings={"commitments": conform(_items(), as_of)})
        result.health.append(
            {
                "rule_id": "xishan.arrears",
                "kind": "target_by_date",
                "healthy": True,
                "error": None,
                "findings": 2,
            }
        )
        return result

    run_evaluation(db, AS_OF, [], evaluate=evaluate)
    with connect(db, read_only=True) as con:
        items = query_commitments(con, scope=None)
        alerts = query_alerts(con, scope=None)
    assert items["level"].to_list() == ["red", "green"]
    assert items["amount_yuan"].to_list() == [Decimal("1999999.99"), Decimal("500000.00")]
    assert items["target"][0] == Decimal("1999999.99")
    red = alerts.filter(pl.col("rule_id") == "xishan.arrears")
    assert red["subject"].to_list() == ["530112/住建局/甲公司"]
    assert red["kind"].to_list() == ["target_by_date"]
    assert (
        red["message"][0]
        == "西山区「住建局 → 甲公司」红灯：截至 2022-12-31 未清偿（牵头单位：区财政局）"
    )


def test_the_summary_counts_levels_and_money_per_party_and_lead_unit(db: Path):
    def evaluate(rules, frames, as_of):
        items = _items().with_columns(overdue=pl.Series([True, False]))
        disputed = (
            _items()
            .head(1)
            .with_columns(
                item=pl.lit("住建局/丙公司"), disputed=pl.lit(True), amount_fen=pl.lit(30_000_000)
            )
        )
        found = conform(pl.concat([items, disputed], how="diagonal_relaxed"), as_of)
        return Evaluation(as_of=as_of, findings={"commitments": found})

    run_evaluation(db, AS_OF, [], evaluate=evaluate)
    with connect(db, read_only=True) as con:
        party = query_commitment_summary(con, scope=None, by="party").row(0, named=True)
        lead = query_commitment_summary(con, scope="530100", by="lead_unit")
        outside = query_commitment_summary(con, scope="654300", by="lead_unit")
    assert (party["party"], party["items"], party["red"], party["green"]) == ("住建局", 2, 1, 1)
    assert party["amount_yuan"] == Decimal("2499999.99")
    assert party["done_yuan"] == Decimal("500000.00")
    assert party["outstanding_yuan"] == party["overdue_yuan"] == Decimal("1999999.99")
    assert (party["disputed_items"], party["disputed_yuan"]) == (1, Decimal("300000.00"))
    assert lead["lead_unit"].to_list() == ["区财政局"]
    assert outside.height == 0
