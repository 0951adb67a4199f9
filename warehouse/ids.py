"""Ids from DuckDB sequences (migration 8), never `max(id) + 1`.

A block of ids for several new rows comes from one sequence call per id: with one writer per
warehouse file (DuckDB's rule) the block is consecutive.
"""

import duckdb

SEQUENCES = {  # sequence → (table, column) it numbers
    "evaluation_id_seq": ("evaluations", "evaluation_id"),
    "alert_id_seq": ("alerts", "alert_id"),
    "event_id_seq": ("alert_events", "event_id"),
    "silence_id_seq": ("silences", "silence_id"),
}


def next_id(con: duckdb.DuckDBPyConnection, sequence: str) -> int:
    """Return the next id of `sequence`."""
    return con.execute(f"SELECT nextval('{_known(sequence)}')").fetchone()[0]


def next_ids(con: duckdb.DuckDBPyConnection, sequence: str, count: int) -> int:
    """Take `count` consecutive ids of `sequence`; return the first (the next one if count is 0)."""
    if count <= 1:
        return next_id(con, sequence)
    taken = con.execute(
        f"SELECT min(nextval('{_known(sequence)}')) FROM range($n)", {"n": count}
    ).fetchone()[0]
    return taken


def create_sequences(con: duckdb.DuckDBPyConnection) -> None:
    """Create every sequence, starting after the ids a warehouse already has."""
    for sequence, (table, column) in SEQUENCES.items():
        start = con.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchone()[0]
        con.execute(f"CREATE SEQUENCE {sequence} START {int(start)}")


def _known(sequence: str) -> str:
    if sequence not in SEQUENCES:
        raise ValueError(f"unknown sequence {sequence!r}")
    return sequence
