"""Ids come from sequences that continue after the ids a warehouse already holds."""

from datetime import UTC, datetime

import duckdb

from warehouse import migrations
from warehouse.ids import next_id, next_ids


def test_an_upgraded_warehouse_continues_its_ids(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    migrations.pending(con)  # the bookkeeping table
    for version, name, fn in migrations.MIGRATIONS[:7]:  # a warehouse from before migration 8
        fn(con)
        con.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, datetime.now(UTC)]
        )
    now = datetime.now(UTC)
    con.execute(
        "INSERT INTO evaluations VALUES (41, DATE '2022-09-30', ?, ?, 1, 0, 'x')", [now, now]
    )
    assert migrations.migrate(con) == [v for v, _, _ in migrations.MIGRATIONS[7:]]  # 8 …
    assert next_id(con, "evaluation_id_seq") == 42
    assert next_id(con, "alert_id_seq") == 1


def test_a_block_of_ids_is_consecutive(db):
    con = duckdb.connect(str(db))
    first = next_ids(con, "event_id_seq", 5)
    assert next_id(con, "event_id_seq") == first + 5
    assert next_ids(con, "event_id_seq", 0) == first + 6  # no block: the next id all the same
