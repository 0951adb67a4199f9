"""The NBS data-portal client and the `fetch-national-cpi` flow against a local HTTP server.

The server answers with responses recorded in the portal's shape (tests/fixtures/nbs_portal/),
chosen by the indicator code in the request's `dfwds`, so every test makes real HTTP round trips.
"""

import json
import threading
import time
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from flows import fetch_cpi
from flows.sources import nbs_portal
from flows.sources.nbs_portal import NotYetPublished, SourceUnavailable
from tests.conftest import FIXTURES
from tests.helpers import load_file, rows

RECORDED = FIXTURES / "nbs_portal"
# the published national 2022 indices (上年同月=100), Jan..Dec
CPI_2022 = [
    "100.9",
    "100.9",
    "101.5",
    "102.1",
    "102.1",
    "102.5",
    "102.7",
    "102.5",
    "102.8",
    "102.1",
    "101.6",
    "101.8",
]
FOOD_2022 = [
    "96.2",
    "96.1",
    "98.5",
    "101.9",
    "102.3",
    "102.9",
    "106.3",
    "106.1",
    "108.8",
    "107.0",
    "103.7",
    "104.8",
]
SERIES = (
    "SELECT strftime(period, '%Y-%m'), value_pct FROM cpi_current "
    "WHERE region_code = '000000' AND indicator = ? AND measure = 'yoy' ORDER BY period"
)


class Portal:
    """A local stand-in for easyquery.htm: recorded answers, optional failures, a request log."""

    def __init__(self, fail=0, status=500, body: bytes | None = None, delay: float = 0):
        self.fail, self.status, self.body, self.delay, self.requests = fail, status, body, delay, []
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                portal.requests.append(form)
                status, body = portal.answer(form)
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/easyquery.htm"

    def answer(self, form: dict) -> tuple[int, bytes]:
        time.sleep(self.delay)
        if len(self.requests) <= self.fail:
            return self.status, b"<html>Internal Server Error</html>"
        if self.body is not None:
            return 200, self.body
        code = json.loads(form["dfwds"][0])[0]["valuecode"]
        recorded = RECORDED / f"{code}.json"
        return 200, (recorded if recorded.exists() else RECORDED / "no_data.json").read_bytes()

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _series(db: Path, indicator: str) -> list[tuple[str, Decimal]]:
    return rows(db, SERIES, indicator)


def _pct(indices: list[str]) -> list[Decimal]:
    return [Decimal(i) - 100 for i in indices]


def test_fetched_indices_are_ingested_by_the_cpi_reader_with_the_published_values(db, tmp_path):
    with Portal() as portal:
        indices = nbs_portal.fetch_indices(portal.url, months=13, expect="2022-12")
    # one request per code, in the portal's form; 2026+ code answers "no data" for 2022
    assert [json.loads(r["dfwds"][0])[0]["valuecode"] for r in portal.requests] == [
        "A01010J01",
        "A01010G01",
        "A01010301",
    ]
    first = portal.requests[0]
    assert (first["m"], first["dbcode"], first["rowcode"], first["colcode"], first["wds"]) == (
        ["QueryData"],
        ["hgyd"],
        ["zb"],
        ["sj"],
        ["[]"],
    )
    assert json.loads(first["dfwds"][0])[1] == {"wdcode": "sj", "valuecode": "LAST13"}
    assert indices.codes == {"cpi": ["A01010G01"], "food": ["A01010301"]}
    assert indices.months[0] == "2022-12" and indices.months[-1] == "2022-01"  # 2023-01 unpublished
    assert indices.published_on is None  # the query API carries no release date

    stored = nbs_portal.save_to_inbox(tmp_path / "inbox", indices)
    path = tmp_path / "inbox" / "cpi" / stored
    assert stored.endswith("cpi_nbs_national_portal_2022-01_2022-12.csv")
    text = path.read_bytes().decode("utf-8-sig").splitlines()
    assert text[3].startswith("指标,2022年12月,2022年11月,") and text[3].endswith(",2022年1月")
    assert text[4] == "居民消费价格指数(上年同月=100)," + ",".join(reversed(CPI_2022))
    assert text[5] == "食品类居民消费价格指数(上年同月=100)," + ",".join(reversed(FOOD_2022))
    assert not list((tmp_path / "inbox" / "cpi").glob(".*"))  # no partial file left behind

    account = load_file(db, "cpi", path)
    assert account.layout == "cpi_nbs_wide" and account.rows_loaded == 24
    months = [f"2022-{m:02d}" for m in range(1, 13)]
    assert _series(db, "cpi") == list(zip(months, _pct(CPI_2022), strict=True))
    assert _series(db, "food") == list(zip(months, _pct(FOOD_2022), strict=True))
    assert _series(db, "food_tobacco_liquor") == []  # food is 食品, not 食品烟酒


def test_a_month_not_yet_published_is_reported_as_such(db):
    with Portal() as portal, pytest.raises(NotYetPublished, match=r"尚未发布 2023-01 的 cpi、food"):
        nbs_portal.fetch_indices(portal.url, expect="2023-01")


def test_the_published_text_is_used_not_the_unrounded_float(db):
    payload = json.loads((RECORDED / "A01010G01.json").read_text(encoding="utf-8"))
    node = payload["returndata"]["datanodes"][1]["data"]
    node["data"] = 101.77315  # the portal keeps more digits than it publishes
    name, values = nbs_portal.parse(payload, "A01010G01", "cpi")
    assert name == "居民消费价格指数(上年同月=100)" and values["2022-12"] == "101.8"


def test_food_tobacco_liquor_under_the_food_code_is_refused():
    payload = json.loads((RECORDED / "A01010301.json").read_text(encoding="utf-8"))
    (node,) = payload["returndata"]["wdnodes"][0]["nodes"]
    node["cname"] = node["name"] = "食品烟酒类居民消费价格指数(上年同月=100)"
    with pytest.raises(SourceUnavailable, match="食品烟酒类"):
        nbs_portal.parse(payload, "A01010301", "food")


def test_an_http_error_raises_source_unavailable_naming_the_status():
    with Portal(fail=99, status=500) as portal, pytest.raises(SourceUnavailable) as caught:
        nbs_portal.fetch_indices(portal.url)
    assert "HTTP 500" in str(caught.value) and "A01010J01" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"returncode":200,"returndata":{"datanodes":[{"code"', "不是 JSON"),
        (b"<html><body>waf</body></html>", "不是 JSON"),
        (b'{"returncode":200,"returndata":{"wdnodes":[]}}', "结构不符"),
        (b'{"returncode":500,"returndata":"error"}', "returncode 为 500"),
    ],
)
def test_malformed_answers_raise_source_unavailable_saying_what_was_wrong(body, says):
    with Portal(body=body) as portal, pytest.raises(SourceUnavailable, match=says):
        nbs_portal.fetch_indices(portal.url)


def test_a_slow_portal_times_out_with_source_unavailable():
    with Portal(delay=2) as portal, pytest.raises(SourceUnavailable, match="超时未响应"):
        nbs_portal.fetch_indices(portal.url, timeout=0.3)


def test_an_unreachable_portal_raises_source_unavailable():
    with Portal() as portal:
        url = portal.url
    with pytest.raises(SourceUnavailable, match="无法连接"):
        nbs_portal.fetch_indices(url, timeout=2)


def test_expected_month_waits_for_the_release_day():
    assert fetch_cpi.expected_month(date(2023, 1, 8)) == "2022-11"
    assert fetch_cpi.expected_month(date(2023, 1, 9)) == "2022-12"
    assert fetch_cpi.expected_month(date(2023, 3, 15)) == "2023-02"


def test_the_fetch_task_retries_for_hours():
    assert fetch_cpi.fetch_task.retries == 6
    assert fetch_cpi.fetch_task.retry_delay_seconds == [60, 300, 900, 1800, 3600, 7200]


def test_the_flow_retries_a_failed_request_then_saves_to_the_inbox(
    db, tmp_path, prefect_harness, monkeypatch
):
    quick = fetch_cpi.fetch_task.with_options(retries=2, retry_delay_seconds=0)
    monkeypatch.setattr(fetch_cpi, "fetch_task", quick)
    inbox = tmp_path / "inbox"
    with Portal(fail=1) as portal:
        result = fetch_cpi.fetch_national_cpi(
            db=str(db),
            inbox_dir=str(inbox),
            as_of=date(2023, 1, 15),
            enabled=True,
            base_url=portal.url,
        )
    assert len(portal.requests) == 4  # the failed one, then the three of the retry
    assert result["status"] == "saved" and result["newest"] == "2022-12"
    assert result["published_on"] is None
    (path,) = (inbox / "cpi").iterdir()
    assert path.name == result["file"]
    load_file(db, "cpi", path)
    assert _series(db, "cpi")[-1] == ("2022-12", Decimal("1.80"))

    # the month is in the warehouse now: no request, no file
    with Portal() as portal:
        again = fetch_cpi.fetch_national_cpi(
            db=str(db),
            inbox_dir=str(inbox),
            as_of=date(2023, 1, 20),
            enabled=True,
            base_url=portal.url,
        )
    assert again == {"status": "current", "expected": "2022-12", "newest": "2022-12"}
    assert portal.requests == [] and len(list((inbox / "cpi").iterdir())) == 1


def test_the_flow_is_off_by_default(db, tmp_path, prefect_harness, monkeypatch):
    monkeypatch.delenv("POLICY_MONITOR_CPI_PORTAL", raising=False)
    with Portal() as portal:
        result = fetch_cpi.fetch_national_cpi(db=str(db), inbox_dir=str(tmp_path / "inbox"))
    assert result == {"status": "disabled"} and portal.requests == []
    assert not (tmp_path / "inbox").exists()
