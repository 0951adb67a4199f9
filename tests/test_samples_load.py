"""Every file `sample-data` writes loads cleanly: the generator and the readers agree."""

import pytest

from tests.helpers import count, load_file, rows

PATTERNS = {
    "cpi": "cpi_*",
    "funds": "direct_funds_*",
    "payments": "payments_*",
    "bonds": "special_bonds_*",
    "beneficiaries": "beneficiaries_*",
    "subsidy_payments": "subsidy_payments_*",
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
