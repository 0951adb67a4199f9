"""Regions: GB/T 2260 codes, aliases for units without a code, and name resolution."""

import csv
from importlib import resources
from pathlib import Path

import duckdb

from warehouse.errors import RegionConfigError

NATION = "000000"
ALIAS_COLUMNS = ("alias", "region_code", "parent_code", "level", "note")


def _data_file(name: str) -> Path:
    return Path(str(resources.files("warehouse") / "data" / name))


def seed(con: duckdb.DuckDBPyConnection) -> None:
    """Load the shipped GB/T 2260 table and the default aliases."""
    con.execute(
        "INSERT INTO regions SELECT code, name, level, NULLIF(parent_code, ''), TRUE "
        "FROM read_csv(?, header = true, all_varchar = true)",
        [str(_data_file("regions.csv"))],
    )
    apply_aliases(con, _data_file("region_aliases.csv"))


def read_alias_file(path: Path) -> list[dict[str, str]]:
    """Return the rows of an alias CSV, or raise RegionConfigError naming the bad line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = {"alias", "region_code"} - set(reader.fieldnames or [])
            if missing:
                raise RegionConfigError(f"{path}: missing columns {sorted(missing)}")
            rows = []
            for line, row in enumerate(reader, start=2):
                alias, code = (
                    (row.get("alias") or "").strip(),
                    (row.get("region_code") or "").strip(),
                )
                if not alias or not code:
                    raise RegionConfigError(
                        f"{path} line {line}: alias and region_code are required"
                    )
                rows.append({k: (row.get(k) or "").strip() for k in ALIAS_COLUMNS})
            return rows
    except OSError as exc:
        raise RegionConfigError(f"cannot read region file {path}: {exc}") from exc


def apply_aliases(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Upsert aliases (and the unofficial regions they introduce); return rows applied."""
    rows = read_alias_file(path)
    for row in rows:
        known = con.execute(
            "SELECT count(*) FROM regions WHERE region_code = ?", [row["region_code"]]
        ).fetchone()[0]
        if not known:
            if not row["parent_code"]:
                raise RegionConfigError(
                    f"{path}: region {row['region_code']} ({row['alias']}) is not a GB/T 2260 "
                    "code; give its parent_code to add it as a unit without a code"
                )
            con.execute(
                "INSERT INTO regions VALUES (?, ?, ?, ?, FALSE)",
                [row["region_code"], row["alias"], row["level"] or "county", row["parent_code"]],
            )
        con.execute(
            "INSERT OR REPLACE INTO region_aliases VALUES (?, ?, ?)",
            [row["alias"], row["region_code"], row["note"] or None],
        )
    return len(rows)


def build_lookup(con: duckdb.DuckDBPyConnection, home_region: str) -> None:
    """Create the temp table `region_lookup(name, region_code, candidates)` for this connection.

    A name is resolved when it is a code, an alias, or the name of exactly one region; a name
    shared by several regions is resolved inside `home_region` when exactly one lies there.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE region_lookup AS
        WITH RECURSIVE home(region_code) AS (
            SELECT region_code FROM regions WHERE region_code = $home
            UNION
            SELECT r.region_code FROM regions r JOIN home h ON r.parent_code = h.region_code
        ),
        named AS (
            SELECT name, region_code FROM regions
            UNION SELECT alias, region_code FROM region_aliases
            UNION SELECT region_code, region_code FROM regions
        ),
        ranked AS (
            SELECT n.name, n.region_code, h.region_code IS NOT NULL AS in_home,
                   count(*) OVER (PARTITION BY n.name) AS candidates,
                   count(h.region_code) OVER (PARTITION BY n.name) AS home_candidates
            FROM named n LEFT JOIN home h USING (region_code)
        )
        SELECT name,
               CASE WHEN candidates = 1 OR (home_candidates = 1 AND in_home)
                    THEN region_code END AS region_code,
               candidates
        FROM ranked
        QUALIFY row_number() OVER (
            PARTITION BY name ORDER BY (candidates = 1 OR (home_candidates = 1 AND in_home)) DESC
        ) = 1
        """,
        {"home": home_region},
    )
