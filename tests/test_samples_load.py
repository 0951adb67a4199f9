"""Every file `sample-data` writes loads cleanly: the generator and the readers agree."""

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
    from datetime import date

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
    assert [a.rows_loaded for a in by_kind["arrears"]] == [6, 6, 6]
    assert [a.as_of for a in by_kind["arrears"]] == ["2022-06-30", "2022-09-30", "2022-12-31"]
    assert count(db, "SELECT count(*) FROM arrears_current WHERE disputed") == 3  # one per ledger
    assert count(
        db, "SELECT sum(owed_yuan - repaid_yuan) FROM arrears_current WHERE as_of = '2022-12-31'"
    ) == Decimal("752000.00")  # 45.20 disputed + 30.00 still on plan, in 万元
    assert count(db, "SELECT count(*) FROM measures_current") == 5
    assert count(db, "SELECT count(*) FROM measures_current WHERE report_cadence = 'daily'") == 3
    assert count(db, "SELECT count(*) FROM daily_reports_current") == 11
    late = "SELECT count(DISTINCT (unit, report_date)) FROM daily_reports_current "
    assert count(db, late + "WHERE submitted_at::TIME > '17:00'") == 2  # 25th 17:01, 26th 17:20
    # the tranches issued to each county add up to its quota in the December bond ledger
    issued = "SELECT sum(issued_yuan) FROM bond_issues_current"
    quota = "SELECT sum(quota_yuan) FROM bond_snapshots_current WHERE as_of = '2022-12-31'"
    assert count(db, issued) == count(db, quota) > 0
