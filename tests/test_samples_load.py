"""Every file `sample-data` writes loads cleanly: the generator and the readers agree."""

from datetime import date
from decimal import Decimal

import pytest

from tests.helpers import count, load_file, rows

PATTERNS = {
    "cpi": "cpi_*",
    "funds": "direct_funds_*",
    "payments": "payments_*",
    "bonds": "special_bonds_*",
    "beneficiaries": "beneficiaries_*",
    "subsidy_payments": "subsidy_payments_*",
    "arrears": "arrears_*",
    "measures": "measures_*",
    "daily_reports": "daily_reports_*",
    "bond_issuance": "bond_issuance_*",
    "guarantees": "guarantees_*",
    "procurement": "procurement_*",
}


@pytest.fixture(scope="module")
def loaded(samples, tmp_path_factory):
    from warehouse.connection import connect

    db = tmp_path_factory.mktemp("w") / "w.duckdb"
    with connect(db):
        pass
    accounts = [
        load_file(db, kind, path)
        for kind, pattern in PATTERNS.items()
        for path in sorted(samples.glob(pattern))
    ]
    return db, accounts


def test_all_sample_files_load_without_quarantine(loaded):
    _, accounts = loaded
    assert len(accounts) >= 50
    assert [a.file for a in accounts if a.status != "loaded"] == []
    for a in accounts:
        assert a.rows_read == a.rows_loaded + a.rows_quarantined + a.rows_skipped


def test_sample_year_covers_every_dataset_to_december(loaded):
    db, _ = loaded
    assert count(db, "SELECT max(as_of) FROM fund_snapshots").isoformat() == "2022-12-31"
    assert count(db, "SELECT max(as_of) FROM bond_snapshots").isoformat() == "2022-12-31"
    assert count(db, "SELECT count(DISTINCT period) FROM beneficiary_counts") == 12
    assert count(db, "SELECT count(*) FROM fund_payments WHERE own_funds_account") > 0
    # the 2022 national food CPI rose 8.8 % in September (NBS, published October 2022)
    assert (
        str(
            count(
                db,
                "SELECT value_pct FROM cpi_current WHERE region_code = '000000' "
                "AND indicator = 'food' AND period = '2022-09-01' AND measure = 'yoy'",
            )
        )
        == "8.80"
    )


def test_sample_subsidy_payments_show_follow_through(loaded):
    db, accounts = loaded
    ledgers = [a for a in accounts if a.kind == "subsidy_payments"]
    assert [(a.rows_loaded, a.rows_skipped) for a in ledgers] == [
        (14, 1),
        (13, 1),
        (14, 1),
        (14, 1),
    ]
    # paid after the end of the month after the index month: 富蕴县's July, nothing else
    late = rows(
        db,
        "SELECT DISTINCT strftime(period, '%Y-%m'), region_name FROM subsidy_payments "
        "WHERE paid_on > last_day(period + INTERVAL 1 MONTH)",
    )
    assert late == [("2022-07", "富蕴县")]
    # 青河县's August ledger pays 城乡低保 only: less than 20 yuan for everyone it counted
    paid, due = rows(
        db,
        "SELECT (SELECT sum(paid_yuan) FROM subsidy_payments WHERE region_code = '654325' "
        "AND period = '2022-08-01'), (SELECT 20 * sum(persons) FROM beneficiary_counts "
        "WHERE region_code = '654325' AND period = '2022-08-01')",
    )[0]
    assert 0 < paid < due


@pytest.mark.parametrize(
    ("as_of", "statuses"),
    [
        ("2022-08-31", {"2022-07": "not_due"}),
        # July's deadline passed with 富蕴县 unpaid; August is due on the day itself
        ("2022-09-30", {"2022-07": "partly_paid", "2022-08": "not_due"}),
        # 富蕴县 paid on 12 October (late); 青河县 still owes August's 特困 and children's rows
        ("2022-10-31", {"2022-07": "paid", "2022-08": "partly_paid", "2022-09": "paid"}),
    ],
)
def test_the_prefecture_follows_its_sample_months_until_paid(loaded, as_of, statuses):
    import polars as pl

    from flows.rule_files import load_rules
    from triggers.engine import evaluate_rules
    from warehouse.connection import connect
    from warehouse.trigger_inputs import query_trigger_inputs

    db, _ = loaded
    day = date.fromisoformat(as_of)
    with connect(db, read_only=True) as con:
        frames = query_trigger_inputs(con, day)
    found = evaluate_rules(load_rules(None), frames, day).findings["subsidies"]
    altay = found.filter(pl.col("region_code") == "654300", pl.col("triggered"))
    got = {p.strftime("%Y-%m"): s for p, s in altay.select("period", "payment_status").rows()}
    assert got == statuses
    paid = altay.filter(pl.col("payment_status") == "paid")
    assert (paid["paid_fen"] == paid["total_yuan"] * 100).all()  # 20 yuan a person, exactly


def test_sample_commitment_sources_load_and_agree_with_the_bond_ledger(loaded):
    db, accounts = loaded
    by_kind = {}
    for a in accounts:
        by_kind.setdefault(a.kind, []).append(a)
    altay = [a for a in by_kind["arrears"] if a.file.startswith("arrears_654300_")]
    assert [a.rows_loaded for a in altay] == [7, 7, 7]
    assert [a.as_of for a in altay] == ["2022-06-30", "2022-09-30", "2022-12-31"]
    in_altay = "region_code LIKE '6543%'"
    disputed = f"SELECT count(*) FROM arrears_current WHERE disputed AND {in_altay}"
    assert count(db, disputed) == 3  # one per ledger
    assert count(
        db,
        "SELECT sum(owed_yuan - repaid_yuan) FROM arrears_current "
        f"WHERE as_of = '2022-12-31' AND {in_altay}",
    ) == Decimal("752000.00")  # 45.20 disputed + 30.00 still on plan, in 万元
    # 福海县's debt: its plan date (31 August) passed, unpaid at the September ledger
    assert rows(
        db,
        "SELECT plan_due_on, repaid_yuan FROM arrears_current "
        "WHERE region_code = '654323' AND as_of = '2022-09-30'",
    ) == [(date(2022, 8, 31), Decimal("0.00"))]
    by_region = "SELECT count(*) FROM measures_current WHERE region_code = '654300'"
    assert count(db, by_region) == 5
    assert count(db, by_region + " AND report_cadence = 'daily'") == 3
    altay_reports = "SELECT count(*) FROM daily_reports_current WHERE report_date < '2022-09-01'"
    assert count(db, altay_reports) == 11
    late = (
        "SELECT count(DISTINCT (unit, report_date)) FROM daily_reports_current "
        "WHERE report_date < '2022-09-01' AND "
    )
    assert count(db, late + "submitted_at::TIME > '17:00'") == 2  # 25th 17:01, 26th 17:20
    # the tranches issued to each county add up to its quota in the December bond ledger
    issued = f"SELECT sum(issued_yuan) FROM bond_issues_current WHERE {in_altay}"
    quota = "SELECT sum(quota_yuan) FROM bond_snapshots_current WHERE as_of = '2022-12-31'"
    assert count(db, issued) == count(db, quota) > 0


def test_sample_ledgers_of_the_other_regions_sit_on_the_lines_the_rules_check(loaded):
    db, accounts = loaded
    assert {a.kind for a in accounts if a.kind in ("guarantees", "procurement")} == {
        "guarantees",
        "procurement",
    }
    # 西山区: 1,999,999.99 yuan (under the 2 M line) and exactly 2,000,000.00 (on it), in 元
    assert rows(
        db,
        "SELECT as_of, owed_yuan, repaid_yuan FROM arrears_current WHERE region_code = '530112' "
        "AND owed_yuan >= 1999999.99 AND owed_yuan <= 2000000 ORDER BY as_of, owed_yuan",
    ) == [
        (date(2022, 9, 30), Decimal("1999999.99"), Decimal("0.00")),
        (date(2022, 9, 30), Decimal("2000000.00"), Decimal("500000.00")),
        (date(2022, 12, 31), Decimal("1999999.99"), Decimal("1999999.99")),
        (date(2022, 12, 31), Decimal("2000000.00"), Decimal("1000000.00")),
    ]
    # under the line and not repaid in full at the year end: 850,000 unpaid, 1,200,000 in part
    assert (
        count(
            db,
            "SELECT count(*) FROM arrears_current WHERE region_code = '530112' AND NOT disputed "
            "AND as_of = '2022-12-31' AND owed_yuan < 2000000 AND repaid_yuan < owed_yuan",
        )
        == 2
    )
    # 西山区 issued 29.995 亿元: just under its 3,000,000,000-yuan target
    issued = "SELECT sum(issued_yuan) FROM bond_issues_current WHERE region_code = '530112'"
    assert count(db, issued) == Decimal("2999500000.00")
    assert count(db, "SELECT count(*) FROM arrears_current WHERE region_code = '652302'") == 3
    # 克州: 17:01 on the 29th, 16:59 on time; 工信局 missing on the 30th
    kizilsu = "SELECT count(*) FROM measures_current WHERE region_code = '653000'"
    assert count(db, kizilsu + " AND report_cadence = 'daily' AND report_by = '17:00'") == 3
    assert rows(
        db,
        "SELECT report_date, unit, strftime(submitted_at, '%H:%M') FROM daily_reports_current "
        "WHERE report_date >= '2022-09-29' AND measure_no IN ('1', '3') ORDER BY 1, 2",
    ) == [
        (date(2022, 9, 29), "自治州工信局", "17:01"),
        (date(2022, 9, 29), "自治州财政局", "16:59"),
        (date(2022, 9, 30), "自治州财政局", "16:20"),
    ]
    # fees: 阿勒泰 exactly 0.8 % and one 1.2 %; 克州 exactly 1 % and one 1.5 %; 阜康 exactly 1 %
    assert rows(
        db,
        "SELECT region_code, fee_rate_pct FROM guarantees_current "
        "WHERE fee_rate_pct IN (0.8, 1.2, 1, 1.5) ORDER BY 1, 2",
    ) == [
        ("652302", Decimal("1.0000")),
        ("653001", Decimal("1.0000")),
        ("653024", Decimal("1.5000")),
        ("654301", Decimal("0.8000")),
        ("654322", Decimal("1.2000")),
        ("654324", Decimal("0.8000")),
    ]
    # SME share above the lines (2 M goods/services, 4 M works): exactly 40 % and one 35 %
    assert rows(
        db,
        "SELECT project, round(100 * sme_reserved_yuan / budget_yuan, 2) FROM procurement_current "
        "WHERE budget_yuan > CASE category WHEN 'works' THEN 4000000 ELSE 2000000 END "
        "ORDER BY 2",
    ) == [
        ("物业管理服务项目", Decimal("35.00")),
        ("办公设备采购项目", Decimal("40.00")),
        ("道路维修改造工程", Decimal("45.00")),
        ("信息化运维服务", Decimal("50.00")),
    ]
    # one bond project holds quota without a tender notice: the stalled one
    assert rows(
        db,
        "SELECT count(*), count(DISTINCT project) FROM bond_snapshots_current "
        "WHERE tender_notice_on IS NULL AND quota_yuan > 0",
    ) == [(9, 1)]
