"""The data page: uploads land in the inbox and report their account; ingest and quarantine grids."""

import base64
import sys
from contextlib import contextmanager

import dash
import flask_login
import pytest

from appstate import inbox
from dashboard.app import create_app
from dashboard.auth import User
from tests.helpers import load_file, write_csv
from tests.test_ledgers import BAD_FUNDS
from warehouse.connection import connect
from warehouse.loads import Account
from warehouse.replica import publish

CSV = "支付日期,资金编码,地区,预算单位,收款人,收款账户类型,金额（元）\r\n".encode()


@pytest.fixture
def app(db, monkeypatch):
    monkeypatch.setenv("POLICY_MONITOR_SECRET_KEY", "test-only-secret")
    return create_app(db)


@pytest.fixture
def page(app):
    """Return the page module as Dash loaded it."""
    return sys.modules["pages.data"]


@contextmanager
def signed_in(app, role="staff", region=None):
    with app.server.test_request_context("/"):
        flask_login.login_user(User("s", role, region))
        yield


def text(component) -> str:
    """Return all the text a component tree shows."""
    if component is None or isinstance(component, bool):
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text(c) for c in component)
    return text(getattr(component, "children", None))


def find(component, component_id):
    """Return the component with `component_id` in a tree, or None."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        hit = None if child is None or isinstance(child, str) else find(child, component_id)
        if hit is not None:  # a component without children has len 0, so test for None
            return hit
    return None


def upload(page, content: bytes, filename="payments_2022-03.csv", kind="payments"):
    contents = "data:text/csv;base64," + base64.b64encode(content).decode()
    return page.upload_status(contents, filename, kind)


def test_the_page_is_registered_for_staff_as_data(app):
    (entry,) = [p for p in dash.page_registry.values() if p["path"] == "/data"]
    assert (entry["name"], entry["order"]) == ("数据", 5)


def test_an_upload_is_stored_and_says_plainly_that_no_ingest_service_runs(app, page, db):
    folder = inbox.inbox_path(db)
    with signed_in(app):
        stored, poll_disabled, status, cleared = upload(page, CSV)
        assert not poll_disabled and cleared is None
        assert (folder / "payments" / stored).read_bytes() == CSV
        assert "没有运行中的导入服务" in text(status) and str(folder.resolve()) in text(status)
        assert "policy-monitor watch" in text(status)
        inbox.beat(folder, 10)
        status, poll_disabled = page.poll_status(1, stored)
        assert text(status) == "已收到，等待导入服务处理…" and not poll_disabled


def test_the_account_shows_once_the_file_is_processed(app, page, db):
    folder = inbox.inbox_path(db)
    with signed_in(app, "admin"):
        stored = upload(page, CSV)[0]
        account = Account(
            file=stored,
            kind="funds",
            sha256="x",
            status="partial",
            rows_read=12,
            rows_loaded=3,
            rows_quarantined=7,
            rows_skipped=2,
            errors_total=7,
            errors=[{"row": 5, "column": "地区", "message": "未知地区「火星县」"}],
        )
        inbox.write_account(folder, stored, account.to_dict())
        status, poll_disabled = page.poll_status(2, stored)
    assert poll_disabled
    shown = text(status)
    assert f"部分导入，有隔离行：{stored}" in shown
    assert "读取 12 行，导入 3，隔离 7，跳过 2" in shown
    assert "第 5 行「地区」：未知地区「火星县」" in shown


def test_a_rejected_file_shows_why(app, page, db):
    folder = inbox.inbox_path(db)
    with signed_in(app):
        stored = upload(page, b"\x00garbage", "x.csv", "funds")[0]
        message = "不是表格文件：含有二进制内容"
        rejected = Account(
            file=stored,
            kind="funds",
            sha256="x",
            status="rejected",
            message=message,
            errors=[{"row": None, "column": None, "message": message}],
            errors_total=1,
        )
        inbox.write_account(folder, stored, rejected.to_dict())
        shown = text(page.poll_status(3, stored)[0])
    assert shown.startswith(f"拒收：{stored}") and shown.count(message) == 1 and "读取" not in shown


@pytest.mark.parametrize(
    ("content", "kind", "says"),
    [(b"", "payments", "是空的"), (b"a,b", None, "请先选择文件类型")],
)
def test_an_empty_file_or_a_missing_kind_is_refused_plainly(app, page, db, content, kind, says):
    with signed_in(app):
        stored, poll_disabled, status, _cleared = upload(page, content, kind=kind)
    assert stored is None and poll_disabled and says in text(status)
    assert inbox.pending_files(inbox.inbox_path(db)) == []
    assert page.upload_disabled(None) and not page.upload_disabled("cpi")


def test_the_grids_show_the_ingest_log_and_quarantined_rows(app, db, tmp_path):
    account = load_file(db, "funds", write_csv(tmp_path / "funds.csv", BAD_FUNDS))
    with connect(db) as con:
        publish(con, db)
    with signed_in(app):
        layout = dash.page_registry["pages.data"]["layout"]()
    ingests = find(layout, "data-ingests").rowData
    assert len(ingests) == 1
    row = ingests[0]
    assert (row["ingest_id"], row["kind"], row["file_name"], row["status"]) == (
        account.ingest_id,
        "直达资金",
        "funds.csv",
        "部分导入",
    )
    assert (row["rows_read"], row["rows_loaded"], row["rows_quarantined"], row["rows_skipped"]) == (
        12,
        3,
        7,
        2,
    )
    assert len(row["finished_at"]) == len("2024-01-01 12:00:00")
    quarantined = find(layout, "data-quarantine").rowData
    assert len(quarantined) == 7 and {q["file_name"] for q in quarantined} == {"funds.csv"}
    mars = [q for q in quarantined if q["source_row"] == 5]
    assert mars[0]["column_name"] == "地区" and "火星县" in mars[0]["reason"]
    assert "火星县" in mars[0]["raw_row"]
    headers = [c["headerName"] for c in find(layout, "data-quarantine").columnDefs]
    assert headers == ["导入编号", "文件", "行", "列", "原因", "原始内容"]


def test_an_unpublished_warehouse_shows_a_message_not_an_empty_grid(app, tmp_path):
    empty = create_app(tmp_path / "nothing" / "warehouse.duckdb")
    with signed_in(empty):
        layout = dash.page_registry["pages.data"]["layout"]()
    assert "数据尚未发布" in text(layout) and find(layout, "data-ingests") is None
    assert find(layout, "data-upload") is not None  # uploading still works


@pytest.mark.parametrize(("role", "region"), [("leader", None), ("county", "654321")])
def test_leaders_and_county_users_are_refused(app, page, db, role, region):
    with signed_in(app, role, region):
        layout = dash.page_registry["pages.data"]["layout"]()
        stored, poll_disabled, status, _cleared = upload(page, CSV)
        polled, _disabled = page.poll_status(1, "anything.csv")
    assert "仅限财政干部和管理员" in text(layout) and find(layout, "data-upload") is None
    assert stored is None and poll_disabled and "仅限财政干部和管理员" in text(status)
    assert "仅限财政干部和管理员" in text(polled)
    assert inbox.pending_files(inbox.inbox_path(db)) == []
