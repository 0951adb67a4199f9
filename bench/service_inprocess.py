"""The in-process side of the service benchmark, and its 10-row direct-fund ledgers.

    python3 -m uv run python -m bench.service_inprocess OUT_DIR DROPS

With Prefect warm (one `prefect_test_harness` for the process, a warm-up ledger first), calls the
fund ingest flow and the evaluation after it directly, DROPS times, and prints the seconds from
each call to its red alert in the published replica as a JSON list on the last line.
"""

import json
import sys
import time
import zlib
from pathlib import Path

import duckdb

from samples.direct_funds import HEADER  # the sample ledger's layout


def ledger(folder: Path, tag: str) -> tuple[Path, str]:
    """Write a 10-row direct-fund ledger (as of 2022-09-30); return it and its red fund's code.

    Nine funds are allocated and 95 % spent; the tenth is half allocated eight months after its
    release and 1 % spent (red). Codes carry `tag`, so every ledger is a new file.
    """
    import xlsxwriter

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"direct_funds_{tag}_2022-09-30.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("直达资金")
    sheet.write_string(0, 0, "直达资金分配支出情况表")
    sheet.write_string(1, 0, "单位：万元")
    sheet.write_string(1, 8, "统计截止日期：2022年9月30日")
    for col, name in enumerate(HEADER):
        sheet.write_string(2, col, name)
    code = ""
    for i in range(10):
        red = i == 9
        code = f"ZD{zlib.crc32(tag.encode()) % 10**4:04d}{i:04d}"
        received, allocated = 1000_00, (500_00 if red else 1000_00)
        paid = 10_00 if red else 950_00
        values = [
            "阿勒泰市",
            "就业补助资金",
            code,
            "人社局",
            f"{received / 100:,.2f}",
            f"{allocated / 100:,.2f}",
            f"{100 * allocated / received:.2f}%",
            f"{paid / 100:,.2f}",
            f"{100 * paid / received:.2f}%",
            "2022-01-05",
        ]
        sheet.write_number(3 + i, 0, i + 1)
        for col, value in enumerate(values, start=1):
            sheet.write_string(3 + i, col, value)
    workbook.close()
    return path, code


def red_alert_seen(replica: Path, code: str | None) -> bool:
    """Return whether the published replica has a red alert (for fund `code`, if given)."""
    if not replica.exists():
        return False
    sql = "SELECT count(*) FROM alerts WHERE status = 'firing'"
    params: list = []
    if code:
        sql += " AND level = 'red' AND (subject LIKE ? OR message LIKE ?)"
        params = [f"%{code}%", f"%{code}%"]
    try:
        with duckdb.connect(str(replica), read_only=True) as con:
            return con.execute(sql, params).fetchone()[0] > 0
    except duckdb.Error:  # being replaced at this moment
        return False


def main(out: Path, drops: int) -> list[float]:
    from prefect.testing.utilities import prefect_test_harness

    from flows.ingest import INGEST_FLOWS, evaluate_after_ingest
    from warehouse.replica import replica_path

    db = out / "warehouse.duckdb"
    out.mkdir(parents=True, exist_ok=True)
    times = []
    with prefect_test_harness(server_startup_timeout=120):
        for n in range(drops + 1):  # the first one warms Prefect up
            path, code = ledger(out / "ledgers", f"p{n}")
            started = time.monotonic()
            accounts = INGEST_FLOWS["funds"](paths=[str(path)], db=str(db))
            evaluate_after_ingest(accounts, str(db), "funds")
            while not red_alert_seen(replica_path(db), code):
                if time.monotonic() - started > 120:
                    raise RuntimeError(f"no red alert for {code}: {accounts}")
                time.sleep(0.05)
            if n:
                times.append(time.monotonic() - started)
    return times


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]))))
