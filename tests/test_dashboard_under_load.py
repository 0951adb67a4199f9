"""The dashboard keeps answering, and keeps acknowledgments, while another process loads 5 million rows."""

import re
import subprocess
import sys
import time
from datetime import date

import duckdb
import pytest
from playwright.sync_api import expect, sync_playwright

from flows.evaluate import run_evaluation
from flows.rule_files import load_rules
from tests.browser import CHROMIUM, build_warehouse, log_in, served, shot
from warehouse.alerts import query_alert
from warehouse.connection import connect

LOADER = """
import sys
from pathlib import Path
from tests.helpers import load_file
account = load_file(Path(sys.argv[1]), "payments", Path(sys.argv[2]))
print("RESULT", account.status, account.rows_loaded, flush=True)
"""


def _payments_csv(path, rows: int):
    con = duckdb.connect()
    con.execute(f"""
        COPY (SELECT '2022-10-' || lpad((1 + i % 28)::VARCHAR, 2, '0') AS "支付日期",
                     'ZD2022' || lpad((i % 40)::VARCHAR, 4, '0') AS "资金编码", '阿勒泰市' AS "地区",
                     '某单位' AS "预算单位", '收款单位' || i AS "收款人", '零余额账户' AS "收款账户类型",
                     (i % 100000) / 100 AS "金额（元）"
              FROM range({int(rows)}) t(i)) TO '{path}' (HEADER)
    """)
    con.close()
    return path


def _writer_active(db) -> bool:
    try:
        duckdb.connect(str(db), read_only=True).close()
    except duckdb.IOException:
        return True
    return False


@pytest.mark.slow
def test_pages_answer_during_a_five_million_row_load(samples, tmp_path):
    db = build_warehouse(tmp_path / "warehouse.duckdb", samples)
    big = _payments_csv(tmp_path / "payments_big.csv", 5_000_000)
    with served(db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        log_in(page, url, "staff")
        output = (tmp_path / "loader.log").open("w+")
        loader = subprocess.Popen(
            [sys.executable, "-c", LOADER, str(db), str(big)],
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        while not _writer_active(db):
            assert loader.poll() is None and time.monotonic() < deadline, "the load never started"
            time.sleep(0.05)
        timings = {}
        for path, marker in (
            ("/", "#overview"),
            ("/funds", "text=直达资金"),
            ("/bonds", "text=专项债券"),
        ):
            started = time.monotonic()
            page.goto(f"{url}{path}")
            expect(page.locator(marker).first).to_be_visible(timeout=10_000)
            timings[path] = time.monotonic() - started
        # an acknowledgment while the warehouse is held is kept, then applied by the next writer
        page.goto(f"{url}/alerts")
        row = page.locator("#alerts-grid .ag-center-cols-container .ag-row").first
        cell = row.locator("[col-id=alert_id]")
        expect(cell).to_have_text(re.compile(r"\d+"))
        # the grid may redraw its rows between the check and the read: read until it holds a number
        first_id = """() => {
            const el = document.querySelector(
                '#alerts-grid .ag-center-cols-container .ag-row [col-id=alert_id]');
            const text = el ? el.innerText.trim() : '';
            return /^[0-9]+$/.test(text) ? text : null;
        }"""
        alert_id = int(page.wait_for_function(first_id, timeout=10_000).json_value())
        row.click()
        page.fill("#alerts-note", "导入期间确认")
        page.click("#alerts-ack")
        expect(page.locator("#alerts-message")).to_contain_text(
            "导入结束后自动生效", timeout=15_000
        )
        still_loading = _writer_active(db)
        shot(page, "during-load-acknowledged")
        assert loader.wait(timeout=300) == 0
        output.seek(0)
        output = output.read()
        _, status, loaded = next(
            line for line in output.splitlines() if line.startswith("RESULT")
        ).split()
        browser.close()
    assert (status, int(loaded)) == ("loaded", 5_000_000)
    run_evaluation(db, date(2022, 9, 30), load_rules(None))
    with connect(db, read_only=True) as con:
        alert = query_alert(con, alert_id)
    assert (alert["status"], alert["acknowledged_by"], alert["ack_note"]) == (
        "acknowledged",
        "staff",
        "导入期间确认",
    )
    assert still_loading, f"the pages were checked after the load ended ({timings})"
    assert all(seconds < 10 for seconds in timings.values()), timings
