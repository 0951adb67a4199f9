"""Civil-affairs table: counts per county and group, standards converted to per month."""

from decimal import Decimal

import pytest

from flows.errors import SourceRejected
from flows.sources.beneficiaries import plan_beneficiaries
from tests.helpers import count, load_file, rows, write_csv


def test_counts_and_standards_load_with_totals_skipped(db, fixture_path):
    account = load_file(db, "beneficiaries", fixture_path("beneficiaries_2022-09.xlsx"))
    # 7 counties × 7 groups + 7 × 3 standards; the 合计 column (7) and row (8) are skipped
    assert (account.rows_read, account.rows_loaded, account.rows_skipped) == (85, 70, 15)
    assert account.period == "2022-09-01"
    assert count(db, "SELECT sum(persons) FROM beneficiary_counts") == 64851  # the file's 合计
    assert (
        count(
            db,
            "SELECT persons FROM beneficiary_counts WHERE region_code = '654322' "
            "AND group_code = 'hiv_child'",
        )
        == 3
    )
    standard = rows(
        db,
        "SELECT stated_yuan, stated_per, yuan_per_month FROM benefit_standards "
        "WHERE region_code = '654301' AND standard_code = 'rural_dibao'",
    )
    assert standard == [(Decimal("5290.00"), "year", Decimal("440.8333"))]


def test_bad_counts_are_quarantined_and_blank_cells_skipped(db, tmp_path):
    path = write_csv(
        tmp_path / "b.csv",
        [
            "2022年10月保障对象人数统计表",
            "县市,城市低保,农村低保,特困供养人员,合计",
            "阿勒泰市,100,200,,300",
            "布尔津县,-3,2.5,x,0",
            "合计,97,202.5,0,300",
        ],
    )
    account = load_file(db, "beneficiaries", path)
    assert (account.rows_read, account.rows_loaded) == (12, 2)
    assert (account.rows_quarantined, account.rows_skipped) == (3, 7)
    columns = sorted(e["column"] for e in account.errors)
    assert columns == ["农村低保", "城市低保", "特困供养人员"]


def test_a_table_without_its_month_is_rejected_unless_given(tmp_path, db):
    from datetime import date

    path = write_csv(tmp_path / "b.csv", ["县市,城市低保", "阿勒泰市,100"])
    with pytest.raises(SourceRejected, match="找不到统计月份"):
        plan_beneficiaries(path, {})
    account = load_file(db, "beneficiaries", path, period=date(2022, 10, 1))
    assert account.rows_loaded == 1


def test_a_plain_orphan_column_is_quarantined_with_its_reason(db, tmp_path):
    # 孤儿 is 集中供养孤儿 + 社会散居孤儿: its count cannot be given one code, and is not dropped
    path = write_csv(
        tmp_path / "b.csv",
        ["2022年10月保障对象人数统计表", "县市,城市低保,孤儿,合计", "阿勒泰市,100,7,107"],
    )
    account = load_file(db, "beneficiaries", path)
    assert (account.rows_read, account.rows_loaded) == (3, 1)
    assert (account.rows_quarantined, account.rows_skipped) == (1, 1)
    assert account.warnings == []
    [error] = account.errors
    assert (error["row"], error["column"]) == (3, "孤儿")
    assert error["message"].startswith("该列合并了多个保障对象类别（如「孤儿」含集中供养孤儿")
    quarantined = rows(db, "SELECT file_name, source_row, column_name FROM quarantine")
    assert quarantined == [("b.csv", 3, "孤儿")]


def test_a_combined_column_beside_its_parts_is_a_subtotal(db, tmp_path):
    path = write_csv(
        tmp_path / "b.csv",
        [
            "2022年10月保障对象人数统计表",
            "县市,集中供养孤儿,社会散居孤儿,孤儿,城乡低保对象",
            "阿勒泰市,2,5,7,9",
        ],
    )
    account = load_file(db, "beneficiaries", path)
    # 孤儿 = the two columns before it (skipped); 城乡低保对象 has no parts here (quarantined)
    assert (account.rows_read, account.rows_loaded) == (4, 2)
    assert (account.rows_quarantined, account.rows_skipped) == (1, 1)
    assert [e["column"] for e in account.errors] == ["城乡低保对象"]
    loaded = rows(db, "SELECT group_code, persons FROM beneficiary_counts ORDER BY group_code")
    assert loaded == [("orphan_dispersed", 5), ("orphan_institutional", 2)]
