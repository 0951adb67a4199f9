"""等保 2.0 level 2 in Debian's Chromium against the real waitress server: every page works under
the Content-Security-Policy (no console errors), the headers and no server banner, the lockout
message, the idle timeout, logout ending the session for a replayed cookie, and an export."""

import os
import urllib.request
import zipfile
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from appstate import audit
from appstate.store import open_state
from appstate.users import add_user, hash_password
from tests.browser import PASSWORD, build_warehouse, log_in, served

PAGES = (
    ("/", "#overview"),
    ("/prices", "h2.page-title"),
    ("/funds", "h2.page-title"),
    ("/bonds", "h2.page-title"),
    ("/commitments", "h2.page-title"),
    ("/alerts", "h2.page-title"),
    ("/data", "h2.page-title"),
)


@contextmanager
def settings(**values):
    """Set POLICY_MONITOR_* variables for a server started inside the block."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in values.items():
            mp.setenv(f"POLICY_MONITOR_{name.upper()}", str(value))
        yield


@pytest.fixture(scope="module")
def site(samples, tmp_path_factory):
    db = build_warehouse(tmp_path_factory.mktemp("security") / "warehouse.duckdb", samples)
    with served(db) as url:
        yield url, db


@pytest.fixture
def context(browser):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True
    )
    yield context
    context.close()


def _watched(context):
    """Return a new page and the list its console errors and uncaught exceptions go to."""
    page, errors = context.new_page(), []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


def test_every_page_works_under_the_csp_without_console_errors(site, context):
    url, _ = site
    page, errors = _watched(context)
    log_in(page, url, "staff")
    for path, marker in PAGES:
        page.goto(f"{url}{path}")
        expect(page.locator(marker).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
    page.goto(f"{url}/funds")
    row = page.locator("#funds-grid .ag-center-cols-container .ag-row").first
    expect(row).to_be_visible()  # AG Grid drew its rows
    row.click()  # and Plotly draws the history chart of the selected row
    expect(page.locator("#funds-history .js-plotly-plot .main-svg").first).to_be_visible()
    assert errors == []


def test_headers_on_the_real_server_and_no_banner(site):
    url, _ = site
    with urllib.request.urlopen(f"{url}/login") as response:
        headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Server"] is None and headers["Via"] is None


def test_the_page_cannot_be_framed(site, context):
    url, _ = site
    page, errors = _watched(context)
    page.set_content(f'<iframe id="f" src="{url}/login"></iframe>')
    page.wait_for_timeout(1500)
    frame = page.frame_locator("#f")
    expect(frame.locator("input[name=username]")).to_have_count(0)
    assert any("frame-ancestors 'none'" in error and "blocked" in error for error in errors), errors


def test_logout_ends_the_session_even_for_a_copied_cookie(site, context, browser):
    url, _ = site
    page, _ = _watched(context)
    log_in(page, url, "lead")
    expect(page.locator("#overview")).to_be_visible()
    copied = context.cookies()
    page.click("#logout")
    page.wait_for_url("**/login")
    thief = browser.new_context()
    thief.add_cookies(copied)
    other = thief.new_page()
    other.goto(f"{url}/")
    assert other.url.endswith("/login")
    response = other.request.post(f"{url}/_dash-update-component", data="{}")
    assert response.status == 401
    thief.close()


def test_an_export_downloaded_in_the_browser_has_no_formula_and_is_audited(site, context, tmp_path):
    url, db = site
    page, errors = _watched(context)
    log_in(page, url, "lead")
    page.goto(f"{url}/bonds")
    expect(page.locator("#bonds-grid .ag-center-cols-container .ag-row").first).to_be_visible()
    with page.expect_download() as download:
        page.click("#bonds-export")
    saved = tmp_path / "bonds.xlsx"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any(b"<f>" in s for s in sheets)
    assert errors == []
    with open_state(db) as con:
        export = [r for r in audit.entries(con, actor="lead") if r["action"] == "export"][-1]
    assert (export["source"], export["detail"]["page"], export["detail"]["sheet"]) == (
        "127.0.0.1",
        "/bonds",
        "专项债券项目",
    )
    assert set(export["detail"]["filters"]) == {"bonds-region", "bonds-level", "bonds-department"}
    assert export["detail"]["rows"] > 0


@pytest.fixture
def small_site(tmp_path):
    """A dashboard on an empty warehouse of its own (its locks touch no other test)."""
    from warehouse.connection import connect

    db = tmp_path / "warehouse.duckdb"
    with connect(db):
        pass
    with open_state(db) as con:
        add_user(con, "lead", "leader", None, hash_password(PASSWORD))
    return db


def test_five_wrong_passwords_show_the_lock_message(small_site, context):
    with served(small_site) as url:
        page, _ = _watched(context)
        for _ in range(4):
            log_in(page, url, "lead", "not the password")
            expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
        log_in(page, url, "lead", "not the password")
        expect(page.get_by_role("alert")).to_contain_text("登录失败次数过多")
        log_in(page, url, "lead")  # the right password, still locked
        expect(page.get_by_role("alert")).to_contain_text("已暂时锁定")
        assert page.url.endswith("/login")


def test_an_idle_session_ends_and_says_so(small_site, context):
    with settings(session_idle_minutes=0.1), served(small_site) as url:  # 6 seconds
        assert os.environ["POLICY_MONITOR_SESSION_IDLE_MINUTES"] == "0.1"
        page, _ = _watched(context)
        log_in(page, url, "lead")
        assert not page.url.endswith("/login")
        page.goto("about:blank")  # the user walks away: no page of ours asks anything meanwhile
        page.wait_for_timeout(7000)
        page.goto(f"{url}/funds")
        page.wait_for_url("**/login?timeout=1")
        expect(page.get_by_role("alert")).to_have_text("会话已超时，请重新登录")
