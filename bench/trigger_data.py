"""Synthetic national-scale warehouse for the evaluate benchmark, generated with DuckDB SQL.

`ensure_warehouse(out, divisor)` returns a cached, migrated warehouse file holding the inputs of
every trigger rule; `divisor` 1 is the full national size, 10 keeps every 10th region, fund and
project (1/10 of the data). Values come from an integer PRNG of the row number, so every build
holds the same rows whatever DuckDB's thread count.

Full size (divisor 1):
  cpi_observations    3,006 regions (first 3,000 by code + nation + provinces) × 120 months
                      (2013-01..2022-12) × {cpi, food}, yoy, −3.0..9.0 %, 5 % without published_on
  beneficiary_counts  the same regions × 12 months of 2022 × 4 groups
  benefit_standards   the same regions × 12 months of 2022 × {urban_dibao, rural_dibao}
  fund_snapshots      100,000 funds (county × fund code) × 10 month-ends (2022-03..12)
  fund_payments       200,000 payments, ~1 % into own-funds accounts
  bond_snapshots      10,000 projects × 10 month-ends (2022-03..12), spending grows
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb

DATA_VERSION = 1  # part of the cached file names: bump when the generated data changes
SEED = 20221231
CPI_REGIONS = 3_000
FUNDS = 100_000
PAYMENTS = 200_000
PROJECTS = 10_000
GROUPS = {
    "urban_dibao": "城市低保",
    "rural_dibao": "农村低保",
    "tekun": "特困人员",
    "orphan_dispersed": "散居孤儿",
}
STANDARDS = {"urban_dibao": "城市低保标准", "rural_dibao": "农村低保标准"}
DEPARTMENTS = ["财政局", "民政局", "教育局", "卫健委", "农业农村局", "人社局"]
UNITS = ["发改局", "交通运输局", "住建局", "水利局"]
TABLES = {  # table → ingest id, kind
    "cpi_observations": (1, "cpi"),
    "beneficiary_counts": (2, "beneficiaries"),
    "benefit_standards": (3, "standards"),
    "fund_snapshots": (4, "funds"),
    "fund_payments": (5, "payments"),
    "bond_snapshots": (6, "bonds"),
}

_MACROS = f"""
CREATE OR REPLACE TEMP MACRO prng(i, k) AS
    ((((i + 1) * 1103515245 + k * 2654435761 + {SEED}) % 2147483647)
      * 48271 % 2147483647) * 16807 % 2147483647;
CREATE OR REPLACE TEMP MACRO yuan(cents) AS CAST(cents / 100 AS DECIMAL(18, 2));
"""

# Regions: the CPI/beneficiary regions and the counties that hold funds and projects.
_REGIONS = """
CREATE OR REPLACE TEMP TABLE bench_regions AS
SELECT region_code, name, row_number() OVER (ORDER BY region_code) - 1 AS idx
FROM (SELECT region_code, name, level, row_number() OVER (ORDER BY region_code) - 1 AS rn
      FROM regions WHERE official)
WHERE (rn < $cpi_regions AND rn % $div = 0) OR level IN ('nation', 'province');
CREATE OR REPLACE TEMP TABLE bench_counties AS
SELECT region_code, name, row_number() OVER (ORDER BY region_code) - 1 AS idx
FROM (SELECT region_code, name, row_number() OVER (ORDER BY region_code) - 1 AS rn
      FROM regions WHERE official AND level = 'county')
WHERE rn % $div = 0;
CREATE OR REPLACE TEMP TABLE bench_snapshots AS
SELECT m, last_day(make_date(2022, m, 1)) AS as_of FROM range(3, 13) t(m);
"""

_CPI = """
INSERT INTO cpi_observations
SELECT 1, region_code, period, indicator, indicator_name, 'yoy',
       CAST(CASE indicator
            WHEN 'cpi' THEN (prng(n, 1) % 61 + prng(n, 2) % 61 - 30) / 10
            ELSE (prng(n, 3) % 121 - 30) / 10 END AS DECIMAL(7, 2)),
       CASE WHEN prng(n, 4) % 20 <> 0
            THEN CAST(period + INTERVAL 1 MONTH + to_days(CAST(8 + prng(n, 5) % 10 AS INTEGER))
                      AS DATE) END,
       'bench', n, now()
FROM (SELECT *, row_number() OVER (ORDER BY r.idx, p.period, i.indicator) AS n
      FROM bench_regions r
      CROSS JOIN (SELECT CAST(range AS DATE) AS period
                  FROM range(DATE '2013-01-01', DATE '2023-01-01', INTERVAL 1 MONTH)) p
      CROSS JOIN (VALUES ('cpi', 'CPI'), ('food', '食品')) i(indicator, indicator_name))
"""

_BENEFICIARIES = """
INSERT INTO beneficiary_counts
SELECT 2, period, region_code, name, group_code, group_name,
       CAST(100 + prng(n, 6) % 50000 AS INTEGER), n
FROM (SELECT r.*, p.period, g.*, row_number() OVER (ORDER BY r.idx, p.period, g.group_code) AS n
      FROM bench_regions r
      CROSS JOIN (SELECT make_date(2022, m, 1) AS period FROM range(1, 13) t(m)) p
      CROSS JOIN (SELECT unnest($codes) AS group_code, unnest($labels) AS group_name) g)
"""

_STANDARDS = """
INSERT INTO benefit_standards
SELECT 3, period, region_code, name, code, label, amount, 'month', amount, n
FROM (SELECT *, CAST((50000 + prng(n, 7) % 70000) / 100 AS DECIMAL(14, 2)) AS amount
      FROM (SELECT r.*, p.period, s.*, row_number() OVER (ORDER BY r.idx, p.period, s.code) AS n
            FROM bench_regions r
            CROSS JOIN (SELECT make_date(2022, m, 1) AS period FROM range(1, 13) t(m)) p
            CROSS JOIN (SELECT unnest($codes) AS code, unnest($labels) AS label) s))
"""

# One fund per (county, fund number); allocation completes by month `am` except for ~8 % of
# funds; spending reaches m/12 × u of the money received, u in 0.70..1.30 per fund.
_FUNDS = """
CREATE OR REPLACE TEMP TABLE bench_funds AS
SELECT f.range AS f, c.region_code, c.name AS region_name,
       'ZD2022' || lpad(CAST(f.range // $counties AS VARCHAR), 4, '0') AS fund_code,
       '中央直达资金' || CAST(f.range // $counties AS VARCHAR) AS fund_name,
       $departments[prng(f.range, 10) % 6 + 1] AS department,
       100000000 + prng(f.range, 11) % 2500000000 AS received_cents,
       3 + prng(f.range, 12) % 4 AS am,
       CASE WHEN prng(f.range, 13) % 100 < 8 THEN (50 + prng(f.range, 14) % 50) / 100 ELSE 1 END
           AS alloc_cap,
       (700 + prng(f.range, 15) % 601) / 1000 AS u,
       DATE '2022-01-01' + CAST(prng(f.range, 16) % 75 AS INTEGER) AS release_date
FROM range($funds) f JOIN bench_counties c ON c.idx = f.range % $counties;
INSERT INTO fund_snapshots
SELECT 4, s.as_of, region_code, region_name, fund_code, fund_name, department,
       yuan(received_cents),
       yuan(floor(received_cents * least(alloc_cap, s.m / am))),
       yuan(floor(received_cents * least(1, s.m / 12 * u))),
       release_date, row_number() OVER (ORDER BY s.m, f)
FROM bench_funds CROSS JOIN bench_snapshots s;
INSERT INTO fund_payments
SELECT 5, DATE '2022-01-01' + CAST(prng(p.range, 21) % 365 AS INTEGER), b.fund_code,
       b.region_code, b.region_name, b.region_name || b.department, '收款单位' || CAST(p.range % 5000 AS VARCHAR),
       CASE WHEN prng(p.range, 22) % 100 = 0 THEN '实有资金账户' ELSE '零余额账户' END,
       prng(p.range, 22) % 100 = 0, yuan(100 + prng(p.range, 23) % 50000000), p.range + 1
FROM range($payments) p JOIN bench_funds b ON b.f = prng(p.range, 20) % $funds;
"""

# One project per number, in county number % counties; spending reaches m/12 × u of the quota.
_BONDS = """
INSERT INTO bond_snapshots
SELECT 6, s.as_of, c.region_code, c.name,
       '专项债券项目' || lpad(CAST(p.range AS VARCHAR), 6, '0'),
       c.name || $units[prng(p.range, 30) % 4 + 1], '发展改革委',
       yuan(q.quota), yuan(floor(q.quota * least(1, s.m / 12 * q.u))),
       DATE '2022-01-10' + CAST(prng(p.range, 31) % 50 AS INTEGER), NULL,
       row_number() OVER (ORDER BY s.m, p.range)
FROM range($projects) p
JOIN bench_counties c ON c.idx = p.range % $counties
CROSS JOIN LATERAL (SELECT 100000000 + prng(p.range, 32) % 9900000000 AS quota,
                           (600 + prng(p.range, 33) % 801) / 1000 AS u) q
CROSS JOIN bench_snapshots s
"""

_INGEST = """
INSERT INTO ingests (ingest_id, kind, layout, file_name, file_path, sha256, status, rows_read,
                     rows_loaded, rows_quarantined, rows_skipped, started_at, finished_at,
                     duration_ms)
VALUES ($id, $kind, 'bench', $name, $name, $name, 'loaded', $rows, $rows, 0, 0, now(), now(), 0)
"""


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> None:
    """Run each statement of `sql` with the parameters it names."""
    for statement in filter(str.strip, sql.split(";\n")):
        used = {k: v for k, v in params.items() if f"${k}" in statement}
        con.execute(statement, used)


def warehouse_path(out: Path, divisor: int) -> Path:
    return Path(out) / "data" / f"evaluate_div{divisor}.v{DATA_VERSION}.duckdb"


def generate(path: Path, divisor: int) -> dict[str, int]:
    """Create a migrated warehouse at `path` with 1/divisor of the full data; return row counts."""
    from warehouse.connection import connect

    with connect(path) as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(_MACROS)
        _run(con, _REGIONS, {"cpi_regions": CPI_REGIONS, "div": divisor})
        (counties,) = con.execute("SELECT count(*) FROM bench_counties").fetchone()
        con.execute(_CPI)
        _run(con, _BENEFICIARIES, {"codes": list(GROUPS), "labels": list(GROUPS.values())})
        _run(con, _STANDARDS, {"codes": list(STANDARDS), "labels": list(STANDARDS.values())})
        fund_args = {"counties": counties, "departments": DEPARTMENTS}
        fund_args |= {"funds": FUNDS // divisor, "payments": PAYMENTS // divisor}
        _run(con, _FUNDS, fund_args)
        bond_args = {"counties": counties, "units": UNITS, "projects": PROJECTS // divisor}
        _run(con, _BONDS, bond_args)
        counts = row_counts(con)
        for table, (ingest_id, kind) in TABLES.items():
            con.execute(
                _INGEST,
                {"id": ingest_id, "kind": kind, "name": f"bench-{kind}", "rows": counts[table]},
            )
        con.execute("CHECKPOINT")
    return counts


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def ensure_warehouse(out: Path, divisor: int, rebuild: bool = False) -> Path:
    """Return the cached warehouse of 1/divisor of the data, generating it when missing."""
    path = warehouse_path(out, divisor)
    if path.exists() and not rebuild:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".part.duckdb")
    drop(tmp)
    drop(path)
    clock = time.perf_counter()
    counts = generate(tmp, divisor)
    tmp.rename(path)
    sizes = ", ".join(f"{t} {n:,}" for t, n in counts.items())
    print(f"generated {path.name} in {time.perf_counter() - clock:.1f}s: {sizes}", flush=True)
    return path


def fresh_copy(source: Path, work: Path, name: str) -> Path:
    """Return a new copy of the warehouse `source` as work/<name>.duckdb."""
    target = work / f"{name}.duckdb"
    drop(target)
    shutil.copy(source, target)
    return target


def drop(db: Path) -> None:
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)


def table_sizes(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return row_counts(con)
