"""Named read queries returning plain values or frames."""

from pathlib import Path

import duckdb

from warehouse.connection import connect

# dataset → (table, latest-expression)
_STATUS = {
    "cpi": ("cpi_observations", "strftime(max(period), '%Y-%m')"),
    "funds": ("fund_snapshots", "strftime(max(as_of), '%Y-%m-%d')"),
    "payments": ("fund_payments", "strftime(max(payment_date), '%Y-%m-%d')"),
    "bonds": ("bond_snapshots", "strftime(max(as_of), '%Y-%m-%d')"),
    "beneficiaries": ("beneficiary_counts", "strftime(max(period), '%Y-%m')"),
}


def query_status(con: duckdb.DuckDBPyConnection) -> dict:
    """Return rows stored and the latest period per dataset, and the number of ingests."""
    datasets = {}
    for name, (table, latest) in _STATUS.items():
        rows, last = con.execute(f"SELECT count(*), {latest} FROM {table}").fetchone()
        datasets[name] = {"rows": rows, "latest": last}
    ingests = con.execute("SELECT count(*) FROM ingests").fetchone()[0]
    return {"datasets": datasets, "ingests": ingests}


def status(db: Path) -> dict:
    """Return `query_status` for the warehouse at `db` (empty counts if it does not exist yet)."""
    if not db.exists():
        return {
            "datasets": {name: {"rows": 0, "latest": None} for name in _STATUS},
            "ingests": 0,
        }
    with connect(db, read_only=True) as con:
        return query_status(con)


def query_quarantine(con: duckdb.DuckDBPyConnection, ingest_id: int | None = None) -> list[dict]:
    """Return quarantined rows (of one ingest, or all), oldest first."""
    cur = con.execute(
        "SELECT ingest_id, file_name, source_row, column_name, reason, raw_row FROM quarantine "
        "WHERE $id IS NULL OR ingest_id = $id ORDER BY ingest_id, source_row",
        {"id": ingest_id},
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def latest_national_cpi_month(
    db: Path, indicators: tuple[str, ...] = ("cpi", "food")
) -> str | None:
    """Return the newest month (YYYY-MM) with a national year-on-year value for every indicator."""
    if not db.exists():
        return None
    with connect(db, read_only=True) as con:
        return con.execute(
            "SELECT strftime(max(period), '%Y-%m') FROM ("
            "SELECT period FROM cpi_current WHERE region_code = '000000' AND measure = 'yoy' "
            "AND indicator IN (SELECT unnest($indicators)) GROUP BY period "
            "HAVING count(DISTINCT indicator) = len($indicators))",
            {"indicators": list(indicators)},
        ).fetchone()[0]
