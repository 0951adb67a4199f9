"""等保 2.0 level 2 in the dashboard, through Flask's test client against a real state database:
login locks, equal work for unknown users, sessions (idle, lifetime, logout, replay), cookies,
headers, the audit trail, and exports that keep text from ledgers as text."""

import base64
import io
import re
import sys
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from xml.etree import ElementTree

import dash
import flask_login
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from appstate import audit
from appstate.store import open_state
from appstate.users import add_user, hash_password
from dashboard import auth
from tests.conftest import FIXTURES
from tests.helpers import load_file

PASSWORD = "correct horse"
FORMULA = '=HYPERLINK("http://x","y")'


def _app(db: Path, monkeypatch, **settings):
    from dashboard.app import create_app

    monkeypatch.setenv("POLICY_MONITOR_SECRET_KEY", "test-only-secret")
    for name, value in settings.items():
        monkeypatch.setenv(f"POLICY_MONITOR_{name.upper()}", str(value))
    with open_state(db) as con:
        for name, role in (("lead", "leader"), ("staff", "staff")):
            add_user(con, name, role, None, hash_password(PASSWORD))
    return create_app(db)


@pytest.fixture
def client(db, monkeypatch):
    return _app(db, monkeypatch).server.test_client()


def _login(client, name, password=PASSWORD):
    return client.post("/login", data={"username": name, "password": password})


def _actions(db: Path, actor: str | None = None) -> list[str]:
    with open_state(db) as con:
        return [row["action"] for row in audit.entries(con, actor=actor)]


def test_five_wrong_passwords_lock_the_name_even_for_the_right_password(client, db):
    for _ in range(4):
        refused = _login(client, "lead", "wrong password")
        assert refused.status_code == 401 and "用户名或密码错误" in refused.get_data(as_text=True)
    fifth = _login(client, "lead", "wrong password")
    assert fifth.status_code == 429 and "登录失败次数过多" in fifth.get_data(as_text=True)
    right = _login(client, "lead")  # the right password is refused while locked
    assert right.status_code == 429 and "已暂时锁定" in right.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # the fifth failure locks the name and (all five came from 127.0.0.1) the address
    assert _actions(db, "lead") == ["login_failed"] * 5 + ["login_lock"] * 2 + ["login_locked"]
    with open_state(db) as con:
        lock = audit.entries(con, actor="lead")[5]
    assert (lock["source"], lock["detail"]["lock"], lock["detail"]["value"]) == (
        "127.0.0.1",
        "user",
        "lead",
    )


def test_the_lock_threshold_is_a_setting(db, monkeypatch):
    client = _app(db, monkeypatch, login_max_failures=2).server.test_client()
    assert _login(client, "staff", "wrong password").status_code == 401
    assert _login(client, "staff", "wrong password").status_code == 429


def test_one_address_trying_many_names_is_locked(client, db):
    for name in ("a", "b", "c", "d"):
        assert _login(client, name, "guess").status_code == 401
    assert _login(client, "e", "guess").status_code == 429
    assert _login(client, "staff").status_code == 429  # a real user from that address, too
    assert "login_lock" in _actions(db, "e")


def test_unknown_users_cost_the_same_scrypt_check(db, monkeypatch):
    assert auth.DUMMY_HASH.split("$")[0] == hash_password("x").split("$")[0]  # same method, cost
    _app(db, monkeypatch)

    def median(name: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            assert auth.check_login(db, name, "wrong password") is None
            times.append(time.perf_counter() - start)
        return sorted(times)[2]

    known, unknown = median("lead"), median("nobody-at-all")
    assert 0.5 < unknown / known < 2.0


def test_a_successful_login_opens_a_server_side_session_and_logout_ends_it(client, db):
    signed_in = _login(client, "lead")
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    cookie = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    client.get("/logout")
    assert client.get("/").status_code == 302
    # replaying the cookie from before the logout signs nobody in
    replay = _app(db, pytest.MonkeyPatch()).server.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/").status_code == 302
    assert replay.post("/_dash-update-component", json={}).status_code == 401
    assert _actions(db, "lead") == ["login_ok", "logout"]


def test_an_idle_session_ends_after_the_idle_time(db, monkeypatch):
    client = _app(db, monkeypatch, session_idle_minutes=0.05).server.test_client()  # 3 s
    _login(client, "lead")
    assert client.get("/").status_code == 200
    time.sleep(1.5)
    assert client.get("/").status_code == 200  # activity keeps it alive
    time.sleep(3.5)
    expired = client.get("/")
    assert expired.status_code == 302 and expired.headers["Location"] == "/login?timeout=1"
    assert "会话已超时" in client.get("/login?timeout=1").get_data(as_text=True)
    assert client.get("/").status_code == 302  # and stays ended
    assert _actions(db, "lead") == ["login_ok", "session_timeout"]


def test_a_busy_session_still_ends_at_its_absolute_lifetime(db, monkeypatch):
    client = _app(db, monkeypatch, session_max_hours=0.001).server.test_client()  # 3.6 s
    _login(client, "lead")
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        assert client.get("/").status_code == 200
        time.sleep(0.3)
    time.sleep(1.5)
    assert client.get("/").status_code == 302


def test_a_disabled_user_cannot_sign_in_and_keeps_the_history(client, db):
    from appstate.sessions import end_user_sessions
    from appstate.users import find_user, set_disabled

    _login(client, "staff")
    assert client.get("/").status_code == 200
    with open_state(db) as con:
        set_disabled(con, "staff", True)
        end_user_sessions(con, "staff", datetime.now(UTC), "disabled")
    assert client.get("/").status_code == 302
    refused = _login(client, "staff")
    assert refused.status_code == 401 and "用户名或密码错误" in refused.get_data(as_text=True)
    with open_state(db) as con:
        assert find_user(con, "staff")["disabled_at"] is not None
    assert _actions(db, "staff") == ["login_ok", "login_failed"]


def test_cookies_are_secure_behind_https_when_the_setting_says_so(db, monkeypatch):
    client = _app(db, monkeypatch, secure_cookies="true").server.test_client()
    response = _login(client, "lead")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_plain_http_cookies_are_not_marked_secure(client):
    assert "Secure" not in _login(client, "lead").headers["Set-Cookie"]


def test_every_response_forbids_framing_and_sniffing_and_limits_scripts(client):
    _login(client, "lead")
    for path in ("/login", "/", "/_dash-layout", "/assets/login.css"):
        headers = client.get(path).headers
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        script_src = re.search(r"script-src ([^;]+)", csp)[1].split()
        assert script_src[0] == "'self'" and all(s.startswith("'sha256-") for s in script_src[1:])
        assert "unsafe-eval" not in csp and "Server" not in headers


# --- exports: a ledger's project name "=HYPERLINK(...)" stays a string cell everywhere ---------


def _cells(workbook: bytes) -> list[tuple[str, str | None, bool, str]]:
    """Return (sheet file, cell type, has a formula, text) of every cell of an xlsx."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(workbook)) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            root = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")) for si in root]
        cells = []
        for name in sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet")):
            for c in ElementTree.fromstring(z.read(name)).iter(f"{{{ns['m']}}}c"):
                kind, v = c.get("t"), c.find("m:v", ns)
                text = "".join(t.text or "" for t in c.iter(f"{{{ns['m']}}}t"))
                if kind == "s" and v is not None:
                    text = shared[int(v.text)]
                cells.append((name, kind, c.find("m:f", ns) is not None, text))
    return cells


def assert_text_is_text(workbook: bytes, expect_formula_text: bool = True) -> None:
    cells = _cells(workbook)
    assert not [c for c in cells if c[2]], "a cell holds a formula"
    hits = [c for c in cells if FORMULA in c[3]]
    if expect_formula_text:
        assert hits, "the project name is not in the export"
    assert all(kind in ("s", "inlineStr") for _, kind, _, _ in hits)


def _hostile_ledger(source: Path, target: Path) -> Path:
    rows = CalamineWorkbook.from_path(str(source)).get_sheet_by_index(0).to_python()
    rows[3][2], rows[3][3] = FORMULA, "-1+2 阿勒泰市发改委"  # project name, project unit
    with xlsxwriter.Workbook(str(target), {"strings_to_formulas": False}) as book:
        sheet = book.add_worksheet("专项债券")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
    return target


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from flows.evaluate import run_evaluation
    from flows.rule_files import load_rules
    from warehouse.connection import connect

    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "warehouse.duckdb"
    with connect(db):
        pass
    ledger = _hostile_ledger(
        FIXTURES / "special_bonds_2022-06-30.xlsx", folder / "special_bonds_2022-06-30.xlsx"
    )
    assert load_file(db, "bonds", ledger).rows_loaded > 0
    load_file(db, "funds", FIXTURES / "direct_funds_2022-06-30.xlsx")
    run_evaluation(db, date(2022, 9, 30), load_rules(None))
    return db


def test_the_hostile_name_is_stored_as_given(hostile):
    from tests.helpers import rows

    stored = rows(hostile, "SELECT project_unit FROM bond_snapshots WHERE project = ?", FORMULA)
    assert stored == [("-1+2 阿勒泰市发改委",)]


def _module(path: str):
    return next(sys.modules[p["module"]] for p in dash.page_registry.values() if p["path"] == path)


def test_every_dashboard_export_keeps_the_hostile_name_a_string_cell(hostile, monkeypatch):
    app = _app(hostile, monkeypatch)
    bonds, funds = _module("/bonds"), _module("/funds")
    prices, alerts = _module("/prices"), _module("/alerts")
    with app.server.test_request_context(
        "/", headers={"Referer": "http://h/bonds"}, environ_base={"REMOTE_ADDR": "10.1.2.3"}
    ):
        flask_login.login_user(auth.User("lead", "leader", None))
        exports = {
            "bonds": bonds.excel_download(1, None, None, None)[0],
            "funds": funds.excel_download(1, None, None, None)[0],
            "prices": prices.prices_export_download(1, "654300"),
            "alerts": alerts.alerts_export_download(1, True),
        }
    for name, download in exports.items():
        workbook = base64.b64decode(download["content"])
        assert_text_is_text(workbook, expect_formula_text=name in ("bonds", "alerts"))
    with open_state(hostile) as con:
        logged = [r for r in audit.entries(con, actor="lead") if r["action"] == "export"]
    assert len(logged) == 4 and logged[0]["detail"]["page"] == "/bonds"
    assert logged[0]["detail"]["rows"] > 0 and logged[0]["source"] == "10.1.2.3"


def test_the_brief_workbook_keeps_the_hostile_name_a_string_cell(hostile):
    from brief.model import read_brief
    from brief.xlsx import render_xlsx

    brief = read_brief(hostile, date(2022, 9, 1), "654300")
    assert_text_is_text(render_xlsx(brief))  # in the escalations of both sheets


def test_alert_actions_and_uploads_in_the_dashboard_are_audited(hostile, monkeypatch):
    from dashboard import actions
    from warehouse import reads
    from warehouse.replica import read_connection

    app = _app(hostile, monkeypatch)
    cursor = read_connection(hostile)
    alert_id = int(reads.query_alerts(cursor, None)["alert_id"][0])
    cursor.close()
    data_page = _module("/data")
    csv = "data:text/csv;base64," + base64.b64encode("县市,金额\n".encode()).decode()
    with app.server.test_request_context("/", environ_base={"REMOTE_ADDR": "10.1.2.4"}):
        flask_login.login_user(auth.User("staff", "staff", None))
        assert actions.act("ack", {"note": "已安排"}, alert_id) == "已保存"
        stored = data_page.upload_status(csv, "直达资金.csv", "funds")[0]
    with app.server.test_request_context("/", environ_base={"REMOTE_ADDR": "10.1.2.5"}):
        flask_login.login_user(auth.User("lead", "leader", None))
        with pytest.raises(actions.NotAllowed):
            actions.act("ack", {"note": None}, alert_id)
    with open_state(hostile) as con:
        rows = [r for r in audit.entries(con) if r["action"] in ("ack", "ack_refused", "upload")]
    assert [(r["action"], r["actor"], r["source"]) for r in rows] == [
        ("ack", "staff", "10.1.2.4"),
        ("upload", "staff", "10.1.2.4"),
        ("ack_refused", "lead", "10.1.2.5"),
    ]
    assert rows[0]["detail"]["alert_id"] == alert_id and rows[0]["detail"]["note"] == "已安排"
    assert rows[1]["detail"] == {"kind": "funds", "file": "直达资金.csv", "stored": stored}
