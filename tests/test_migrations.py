"""Migrations are ordered, recorded once, and seed the GB/T 2260 regions."""

from tests.helpers import count, rows
from warehouse import migrations
from warehouse.connection import connect


def test_migrations_are_recorded_in_order_and_applied_once(db):
    versions = [v for v, _, _ in migrations.MIGRATIONS]
    assert versions == sorted(versions) == list(range(1, len(versions) + 1))
    assert [r[0] for r in rows(db, "SELECT version FROM schema_migrations ORDER BY 1")] == versions
    with connect(db) as con:
        assert migrations.migrate(con) == []


def test_regions_hold_the_nation_provinces_and_the_prefecture(db):
    assert count(db, "SELECT count(*) FROM regions WHERE level = 'province'") == 34
    assert count(db, "SELECT count(*) FROM regions WHERE level = 'county'") > 2800
    assert rows(db, "SELECT name FROM regions WHERE region_code = '000000'") == [("全国",)]
    assert rows(db, "SELECT parent_code FROM regions WHERE region_code = '654321'") == [("654300",)]
    assert rows(
        db,
        "SELECT r.parent_code, r.official FROM region_aliases a "
        "JOIN regions r USING (region_code) WHERE alias = '喀纳斯景区'",
    ) == [("654300", False)]


def test_a_users_alias_file_adds_units_without_a_code(tmp_path):
    from warehouse.settings import WarehouseSettings

    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        "alias,region_code,parent_code,level,note\n"
        "可可托海景区,654322-KKTH,654322,county,景区管委会\n"
        "阿勒泰,654301,,,简称\n",
        encoding="utf-8",
    )
    settings = WarehouseSettings(db=tmp_path / "w.duckdb", region_file=aliases)
    with connect(settings=settings) as con:
        found = con.execute(
            "SELECT alias, region_code FROM region_aliases WHERE note IS NOT NULL ORDER BY 1"
        ).fetchall()
    assert ("可可托海景区", "654322-KKTH") in found and ("阿勒泰", "654301") in found


def test_a_bad_alias_file_is_refused_with_its_line(tmp_path):
    import pytest

    from warehouse.errors import RegionConfigError
    from warehouse.settings import WarehouseSettings

    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,region_code\n某景区,XYZ\n", encoding="utf-8")
    settings = WarehouseSettings(db=tmp_path / "w.duckdb", region_file=aliases)
    with pytest.raises(RegionConfigError, match="not a GB/T 2260 code"), connect(settings=settings):
        pass
