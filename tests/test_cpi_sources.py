"""CPI in every layout: NBS wide export (CSV with BOM, GBK, XLS), bulletin, long CSV; vintages."""

from decimal import Decimal

import pytest

from flows.errors import SourceRejected
from flows.sources.cpi import indicator, plan_cpi
from tests.helpers import count, load_file, rows, write_csv

SERIES = (
    "SELECT strftime(period, '%Y-%m'), indicator, value_pct FROM cpi_current "
    "WHERE region_code = ? AND measure = 'yoy' ORDER BY ALL"
)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("居民消费价格指数(上年同月=100)", "cpi"),
        ("居民消费价格总指数", "cpi"),
        ("食品类居民消费价格指数(上年同月=100)", "food"),
        ("食品烟酒类居民消费价格指数(上年同月=100)", "food_tobacco_liquor"),
        ("    食品", "food"),
        ("  食品烟酒", "food_tobacco_liquor"),
        ("鲜菜", "fresh_vegetables"),
        ("某新指标", "某新指标"),
    ],
)
def test_indicator_names_keep_food_apart_from_food_tobacco_liquor(name, code):
    assert indicator(name)[0] == code


def test_nbs_export_converts_index_to_percent_change(db, fixture_path):
    account = load_file(db, "cpi", fixture_path("cpi_nbs_export_2016-2018.csv"))
    # 3 indicators × 36 months, 4 cells not yet published, 2 note lines
    assert (account.rows_read, account.rows_loaded, account.rows_skipped) == (110, 104, 6)
    series = {(p, i): v for p, i, v in rows(db, SERIES, "000000")}
    assert series[("2016-05", "cpi")] == Decimal("2.00")
    assert series[("2016-04", "food")] == Decimal("7.40")
    assert series[("2016-04", "food_tobacco_liquor")] == Decimal("4.50")
    assert series[("2017-03", "food")] == Decimal("-4.40")  # published as 95.6
    assert ("2018-01", "food") not in series  # the empty cell stays empty


@pytest.mark.parametrize("name", ["cpi_nbs_export_2016_gbk.csv", "cpi_nbs_export_2016-2018.xls"])
def test_gbk_and_xls_exports_read_the_same_as_the_utf8_csv(db, tmp_path, fixture_path, name):
    load_file(db, "cpi", fixture_path(name))
    other = tmp_path / "reference.duckdb"
    from warehouse.connection import connect

    with connect(other):
        pass
    load_file(other, "cpi", fixture_path("cpi_nbs_export_2016-2018.csv"))
    mine = set(rows(db, SERIES, "000000"))
    assert mine and mine <= set(rows(other, SERIES, "000000"))


def test_prefecture_bulletin_reads_region_and_month_from_its_title(db, fixture_path):
    account = load_file(db, "cpi", fixture_path("cpi_bulletin_altay_2022-09.xlsx"))
    assert account.period == "2022-09-01" and account.rows_loaded == 10
    values = {
        (i, m): v
        for i, m, v in rows(
            db, "SELECT indicator, measure, value_pct FROM cpi_current WHERE region_code = '654300'"
        )
    }
    assert values[("cpi", "yoy")] == Decimal("2.60")
    assert values[("food", "yoy")] == Decimal("7.40")
    assert values[("food_tobacco_liquor", "yoy")] == Decimal("4.40")
    assert values[("cpi", "ytd_yoy")] == Decimal("2.10")


def test_long_csv_takes_percent_or_index_per_row(db, tmp_path):
    path = write_csv(
        tmp_path / "long.csv",
        [
            "period,region_code,indicator,value,basis",
            "2022-09,650000,cpi,3.1,pct",
            "2022-09,650000,food,106.0,index",
            "2022年10月,650000,cpi,2.9,pct",
            "2022-11,650000,cpi,2.5,guess",
            "2022-13,650000,cpi,2.5,pct",
        ],
    )
    account = load_file(db, "cpi", path)
    assert (account.rows_loaded, account.rows_quarantined) == (3, 2)
    assert set(rows(db, SERIES, "650000")) == {
        ("2022-09", "cpi", Decimal("3.10")),
        ("2022-09", "food", Decimal("6.00")),
        ("2022-10", "cpi", Decimal("2.90")),
    }
    messages = " ".join(e["message"] for e in account.errors)
    assert "未说明数值是指数" in messages and "不是有效的月份" in messages


def test_long_csv_without_a_basis_is_rejected(tmp_path):
    path = write_csv(
        tmp_path / "long.csv", ["period,region_code,indicator,value", "2022-09,650000,cpi,3.1"]
    )
    with pytest.raises(SourceRejected, match="长表需说明数值口径"):
        plan_cpi(path, {})


def test_a_revised_value_is_a_new_vintage_and_history_stays(db, tmp_path):
    head = "period,region_code,indicator,value_pct"
    first = write_csv(
        tmp_path / "a.csv", [head, "2022-09,654300,cpi,3.4", "2022-09,654300,food,6.0"]
    )
    second = write_csv(
        tmp_path / "b.csv", [head, "2022-09,654300,cpi,3.5", "2022-09,654300,food,6.0"]
    )
    load_file(db, "cpi", first)
    account = load_file(db, "cpi", second)
    assert (account.rows_loaded, account.rows_unchanged) == (2, 1)
    assert count(db, "SELECT count(*) FROM cpi_observations WHERE indicator = 'cpi'") == 2
    assert count(db, "SELECT value_pct FROM cpi_current WHERE indicator = 'cpi'") == Decimal("3.50")
    assert count(db, "SELECT count(*) FROM cpi_observations WHERE indicator = 'food'") == 1


def test_unknown_layout_is_rejected(tmp_path):
    path = write_csv(tmp_path / "x.csv", ["foo,bar", "1,2"])
    with pytest.raises(SourceRejected, match="无法识别的 CPI 文件格式"):
        plan_cpi(path, {})
