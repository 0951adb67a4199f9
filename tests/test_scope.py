"""The SQL fragments of `warehouse.scope` give the same answers as `triggers.jurisdictions`."""

import itertools

import duckdb
import pytest

from triggers.jurisdictions import is_under, prefix
from warehouse.scope import matches, related, under

CODES = [
    "000000",
    "650000",
    "654300",
    "654300-KNS",
    "654321",
    "654322",
    "654121",
    "110100",
    "110101",
]


@pytest.fixture
def con(db):
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TEMP TABLE r AS SELECT unnest($codes) AS region_code", {"codes": CODES})
        yield con


def _codes(con, sql: str, params: dict) -> set[str]:
    return {r[0] for r in con.execute(f"SELECT region_code FROM r WHERE {sql}", params).fetchall()}


@pytest.mark.parametrize("scope", CODES)
def test_under_is_is_under(con, scope):
    assert _codes(con, under("region_code", "scope"), {"scope": scope}) == {
        c for c in CODES if is_under(c, scope)
    }


def test_under_null_is_everything(con):
    assert _codes(con, under("region_code", "scope"), {"scope": None}) == set(CODES)


@pytest.mark.parametrize("scope", CODES)
def test_related_is_under_or_containing(con, scope):
    assert _codes(con, related("region_code", "scope"), {"scope": scope}) == {
        c for c in CODES if is_under(c, scope) or is_under(scope, c)
    }


@pytest.mark.parametrize(
    ("stored", "code"), list(itertools.product(["654300", "6543", "654321", "65"], CODES))
)
def test_matches_a_stored_code_or_prefix(con, stored, code):
    sql = f"SELECT {matches('$code', '$stored')}"
    assert con.execute(sql, {"code": code, "stored": stored}).fetchone()[0] is is_under(
        code, stored
    )
    assert is_under(code, stored) is is_under(
        code, prefix(stored)
    )  # storing the prefix is the same
