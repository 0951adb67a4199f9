"""The engine: rules run in isolation, overridden months drop out, carry-over recall, storage."""

from datetime import date

import polars as pl

from flows.evaluate import run_evaluation
from flows.rule_files import load_rules
from tests.helpers import count, load_file, rows
from triggers.carryover import evaluate_carryover
from triggers.engine import evaluate_rules
from triggers.frames import INPUTS, empty

RULES = load_rules(None)


def _frames(**given: pl.LazyFrame) -> dict[str, pl.LazyFrame]:
    return {name: given.get(name, empty(name)) for name in INPUTS}


def test_a_rule_that_fails_is_unhealthy_and_the_others_still_run():
    frames = _frames()
    frames["bonds"] = frames["bonds"].drop("previous_spent_fen")  # an input bond rules need
    result = evaluate_rules(RULES, frames, date(2022, 9, 30))
    unhealthy = {h["rule_id"] for h in result.health if not h["healthy"]}
    assert unhealthy == {r.id for r in RULES if r.kind == "bond_deadline"}
    assert all("previous_spent_fen" in h["error"] for h in result.health if not h["healthy"])
    assert {h["rule_id"] for h in result.health if h["healthy"]} == {
        r.id for r in RULES if r.kind != "bond_deadline"
    }
    assert "bond_projects" not in result.findings


def test_months_of_an_overridden_rule_drop_out():
    cpi = pl.LazyFrame(
        [
            {
                "region_code": "000000",
                "period": date(2022, m, 1),
                "indicator": "cpi",
                "value_bp": 300,
                "published_on": None,
            }
            for m in range(6, 11)
        ],
        schema=INPUTS["cpi"],
    )
    found = evaluate_rules(RULES, _frames(cpi=cpi), date(2022, 11, 30)).findings["subsidies"]
    national = found.filter(pl.col("region_code") == "000000").sort("period")
    assert national.select("period", "rule_id", "triggered").rows() == [
        (date(2022, 6, 1), "national-price-2021", False),
        (date(2022, 7, 1), "national-price-2021", False),
        (date(2022, 8, 1), "national-price-2022-temporary", True),  # 3.0 % reaches 3.0 %
        (date(2022, 9, 1), "national-price-2022-temporary", True),
        (date(2022, 10, 1), "national-price-2022-temporary", True),
    ]


def test_carryover_is_recalled_at_the_end_of_the_year_after_budgeting():
    rule = next(r for r in RULES if r.kind == "carryover_recall")
    funds = pl.LazyFrame(
        [
            {
                "as_of": date(2022, 10, 31),
                "region_code": "654301",
                "region_name": "阿勒泰市",
                "parent_code": "654300",
                "fund_code": code,
                "fund_name": code,
                "department": "",
                "received_fen": 1_000_000,
                "allocated_fen": 1_000_000,
                "paid_fen": paid,
                "release_date": released,
                "own_funds_payments": 0,
                "own_funds_fen": 0,
            }
            for code, paid, released in (
                ("OLD", 600_000, date(2021, 3, 1)),
                ("DONE", 1_000_000, date(2021, 3, 1)),
                ("NEW", 0, date(2022, 3, 1)),
            )
        ],
        schema=INPUTS["funds"],
    )
    soon = evaluate_carryover(rule, [rule], {"funds": funds}, date(2022, 11, 15))
    assert soon.select("fund_code", "level", "recall_on", "balance_fen").rows() == [
        ("OLD", "yellow", date(2022, 12, 31), 400_000)
    ]
    late = evaluate_carryover(rule, [rule], {"funds": funds}, date(2023, 1, 1))
    assert late.select("fund_code", "level").rows() == [("OLD", "red")]
    assert late["reason"][0] == "2021 年安排的资金至 2022-12-31 仍有 0.4 万元未支出，应收回统筹"


def test_an_evaluation_is_stored_and_alerts_follow_the_data(samples, db):
    for pattern in ("special_bonds_*", "direct_funds_*", "payments_*"):
        for path in sorted(samples.glob(pattern)):
            load_file(
                db,
                {"special_bonds_*": "bonds", "direct_funds_*": "funds"}.get(pattern, "payments"),
                path,
            )
    first = run_evaluation(db, date(2022, 6, 30), RULES)
    red_bonds = count(db, "SELECT count(*) FROM bond_projects WHERE level = 'red'")
    assert first.counts["bond_projects"]["red"] == red_bonds > 0
    assert (
        count(db, "SELECT count(*) FROM alerts WHERE kind = 'bond_deadline' AND status = 'firing'")
        == red_bonds
    )
    assert count(db, "SELECT count(*) FROM escalations WHERE step_name = '告知'") == red_bonds
    # every alert event waits in the outbox once
    assert count(db, "SELECT count(*) FROM notifications") == count(
        db, "SELECT count(*) FROM alert_events"
    )
    run_evaluation(db, date(2022, 12, 31), RULES)
    # a project that reached its target resolves on its own, with the event recorded
    resolved = rows(
        db,
        "SELECT a.subject FROM alerts a JOIN bond_projects b "
        "ON a.subject = b.region_code || '/' || b.project "
        "WHERE a.status = 'resolved' AND b.reached",
    )
    assert resolved
    assert count(
        db, "SELECT count(*) FROM alert_events WHERE to_status = 'resolved' AND actor = 'system'"
    ) >= len(resolved)
    assert count(db, "SELECT count(DISTINCT evaluation_id) FROM bond_projects") == 1


def test_a_failed_store_leaves_the_warehouse_as_it_was(samples, db):
    from datetime import UTC, datetime

    import duckdb
    import pytest

    from warehouse.connection import connect
    from warehouse.evaluations import EvaluationRecord, store_evaluation

    for path in sorted(samples.glob("special_bonds_*")):
        load_file(db, "bonds", path)
    run_evaluation(db, date(2022, 6, 30), RULES)
    before = rows(db, "SELECT count(*), max(evaluation_id) FROM bond_projects")
    alerts = rows(db, "SELECT alert_id, status FROM alerts ORDER BY 1")
    now = datetime.now(UTC)
    broken = EvaluationRecord(
        as_of=date(2022, 7, 31),
        started_at=now,
        finished_at=now,
        cause="test",
        findings={"bond_projects": pl.DataFrame({"rule_id": ["x"], "no_such_column": [1]})},
        health=[],
        alerts=pl.DataFrame(),
        events=pl.DataFrame(),
    )
    with connect(db) as con, pytest.raises(duckdb.Error):
        store_evaluation(con, broken)
    assert rows(db, "SELECT count(*), max(evaluation_id) FROM bond_projects") == before
    assert rows(db, "SELECT alert_id, status FROM alerts ORDER BY 1") == alerts
    assert count(db, "SELECT count(*) FROM evaluations") == 1
