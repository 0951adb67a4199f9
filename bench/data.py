"""Benchmark input files: a payment-detail CSV and a direct-fund XLSX of any size, cached."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from pathlib import Path

from samples._common import COUNTY_NAMES
from samples.direct_funds import FUND_TYPES as SAMPLE_FUND_TYPES
from samples.direct_funds import HEADER as SAMPLE_FUND_HEADER
from samples.payments import HEADER as SAMPLE_PAYMENT_HEADER

SEED = 20220630
AS_OF = date(2022, 6, 30)
DATA_VERSION = 2  # part of the cached file names: bump when the generated data changes

# the sample generator's vocabulary, so the benchmark writes the same layouts
COUNTIES = COUNTY_NAMES
FUND_TYPES = SAMPLE_FUND_TYPES
DEPARTMENTS = tuple(department for _, department in FUND_TYPES)
PAYMENT_HEADER = SAMPLE_PAYMENT_HEADER
FUND_HEADER = SAMPLE_FUND_HEADER


# --------------------------------------------------------------------------- data generation


def _sql_list(values) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def write_payments_csv(path: Path, rows: int) -> None:
    """Write `rows` payment-detail rows with DuckDB (deterministic: integer PRNG, ordered COPY)."""
    import duckdb

    tmp = path.with_suffix(".part")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect()
    # Lehmer-style integer mixing: the same bytes on every DuckDB version and thread count.
    con.execute(
        f"""
        CREATE MACRO prng(i, k) AS
            ((((i + 1) * 1103515245 + k * 2654435761 + {SEED}) % 2147483647)
              * 48271 % 2147483647) * 16807 % 2147483647
        """
    )
    header = PAYMENT_HEADER
    con.execute(
        f"""
        COPY (
            SELECT
                CAST(DATE '2022-01-01' + CAST(prng(range, 1) % 365 AS INTEGER) AS VARCHAR)
                    AS "{header[0]}",
                'ZD2022' || lpad(CAST(prng(range, 2) % 9999 + 1 AS VARCHAR), 4, '0')
                    AS "{header[1]}",
                {_sql_list(COUNTIES)}[prng(range, 3) % 7 + 1] AS "{header[2]}",
                {_sql_list(COUNTIES)}[prng(range, 3) % 7 + 1]
                    || {_sql_list(DEPARTMENTS)}[prng(range, 4) % 6 + 1] AS "{header[3]}",
                '收款单位' || CAST(prng(range, 5) % 5000 + 1 AS VARCHAR) AS "{header[4]}",
                CASE WHEN prng(range, 6) % 1000 < 5 THEN '实有资金账户'
                     WHEN prng(range, 6) % 1000 < 550 THEN '零余额账户'
                     WHEN prng(range, 6) % 1000 < 880 THEN '单位账户'
                     ELSE '个人账户' END AS "{header[5]}",
                CAST((prng(range, 7) % 50000000 + 100) // 100 AS VARCHAR) || '.'
                    || lpad(CAST((prng(range, 7) % 50000000 + 100) % 100 AS VARCHAR), 2, '0')
                    AS "{header[6]}"
            FROM range({int(rows)})
        ) TO '{tmp}' (FORMAT csv, HEADER, DELIMITER ',')
        """
    )
    con.close()
    tmp.rename(path)


def _money(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def _pct(part: int, whole: int) -> str:
    basis_points = (part * 10000 * 2 + whole) // (2 * whole)  # half up, two decimals
    return f"{basis_points // 100}.{basis_points % 100:02d}%"


def write_funds_xlsx(path: Path, rows: int) -> None:
    """Write the direct-fund export layout (amounts as 万元 text) with `rows` fund rows.

    Amounts are in the fixture's range (150-2,600 万元 a row). There is no 合计 row: the sum of
    200,000 rows (~2.7e8 万元) is no realistic total, so the file has fund rows only.
    """
    import xlsxwriter

    tmp = path.with_suffix(".part")
    tmp.unlink(missing_ok=True)
    rng = random.Random(f"bench:{SEED}:funds")
    workbook = xlsxwriter.Workbook(
        str(tmp), {"constant_memory": True, "strings_to_formulas": False}
    )
    workbook.set_properties({"created": __import__("datetime").datetime(2022, 1, 1)})
    sheet = workbook.add_worksheet("直达资金")
    bold = workbook.add_format({"bold": True, "align": "center"})
    sheet.merge_range(0, 0, 0, len(FUND_HEADER) - 1, "直达资金分配支出情况表", bold)
    sheet.write_string(1, 0, "单位：万元")
    sheet.write_string(1, 8, f"统计截止日期：{AS_OF.year}年{AS_OF.month}月{AS_OF.day}日")
    for col, name in enumerate(FUND_HEADER):
        sheet.write_string(2, col, name, bold)
    ws, wn = sheet.write_string, sheet.write_number
    first_release = date(2022, 1, 5)
    for i in range(rows):
        r = i + 3
        fund, department = FUND_TYPES[rng.randrange(6)]
        received = rng.randint(15_000, 260_000)  # cents of 万元: 150.00 … 2,600.00
        allocated = received * rng.choice((60, 90, 97, 100, 100, 100)) // 100
        paid = allocated * rng.randint(0, 100) // 100
        wn(r, 0, i + 1)
        ws(r, 1, COUNTIES[rng.randrange(7)])
        ws(r, 2, fund)
        ws(r, 3, f"ZD{i + 1:08d}")
        ws(r, 4, department)
        ws(r, 5, _money(received))
        ws(r, 6, _money(allocated))
        ws(r, 7, _pct(allocated, received))
        ws(r, 8, _money(paid))
        ws(r, 9, _pct(paid, received))
        ws(r, 10, (first_release + timedelta(days=rng.randrange(170))).isoformat())
    workbook.close()
    tmp.rename(path)


def ensure_inputs(out: Path, rows: int, xlsx_rows: int) -> dict[str, Path]:
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    files = {
        "csv": (data / f"payments_{rows}.v{DATA_VERSION}.csv", write_payments_csv, rows),
        "xlsx": (
            data / f"direct_funds_{xlsx_rows}.v{DATA_VERSION}.xlsx",
            write_funds_xlsx,
            xlsx_rows,
        ),
        "tiny_csv": (data / f"payments_10.v{DATA_VERSION}.csv", write_payments_csv, 10),
        "tiny_xlsx": (data / f"direct_funds_10.v{DATA_VERSION}.xlsx", write_funds_xlsx, 10),
    }
    paths = {}
    for name, (path, writer, n) in files.items():
        if not path.exists():
            clock = time.perf_counter()
            writer(path, n)
            size = path.stat().st_size / 2**20
            print(
                f"generated {path} ({n:,} rows, {size:,.1f} MiB) in "
                f"{time.perf_counter() - clock:.1f}s",
                flush=True,
            )
        paths[name] = path
    return paths
