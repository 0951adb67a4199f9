"""The dashboard in Debian's Chromium against the real server and a real warehouse."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from typer.testing import CliRunner

from policy_monitor.cli import app
from tests.browser import build_warehouse, log_in, served, shot


@pytest.fixture(scope="module")
def site(samples, tmp_path_factory):
    db = build_warehouse(tmp_path_factory.mktemp("browser") / "warehouse.duckdb", samples)
    with served(db) as url:
        yield url, db


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    yield page
    context.close()


def _cli_json(db: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(app, ["--db", str(db), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_wrong_password_is_refused(site, page):
    url, _ = site
    log_in(page, url, "lead", "not the password")
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
    page.goto(f"{url}/")
    assert page.url.endswith("/login")


@pytest.mark.parametrize("user", ["lead", "staff", "burqin"])
def test_each_role_sees_the_overview(site, page, user):
    url, db = site
    log_in(page, url, user)
    expect(page.locator("#overview")).to_be_visible()
    scope = {"burqin": "654321"}.get(user)
    warnings = _cli_json(db, "warnings", *(["--region", scope] if scope else []))
    red = sum(w["level"] == "red" for w in warnings)
    yellow = sum(w["level"] == "yellow" for w in warnings)
    expect(page.locator("#overview")).to_contain_text(f"红灯 {red} · 黄灯 {yellow}")
    expect(page.get_by_text("数据更新于")).to_be_visible()
    shot(page, f"overview-{user}")
    page.click("#logout")
    page.wait_for_url("**/login")


def test_the_overview_prints_on_one_a4_page(site, page, tmp_path):
    url, _ = site
    log_in(page, url, "lead")
    expect(page.locator("#overview-bonds")).to_be_visible()
    page.wait_for_timeout(500)
    pdf = tmp_path / "overview.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes())
    assert len(pages) == 1


def test_a_county_user_is_refused_other_counties(site, page):
    url, db = site
    log_in(page, url, "burqin")
    alerts = _cli_json(db, "alerts")
    others = {a["region_code"] for a in alerts} - {"654321"}
    assert others, "the test needs alerts of other counties"
    for name in ("阿勒泰市", "富蕴县", "哈巴河县"):
        expect(page.locator("#overview")).not_to_contain_text(name)


def _first_row(page, grid_id: str):
    row = page.locator(f"#{grid_id} .ag-center-cols-container .ag-row").first
    expect(row).to_be_visible()
    return row


def test_staff_acknowledge_an_alert_with_a_note(site, page):
    url, db = site
    log_in(page, url, "staff")
    page.goto(f"{url}/alerts")
    row = _first_row(page, "alerts-grid")
    alert_id = int(row.locator("[col-id=alert_id]").inner_text())
    row.click()
    page.fill("#alerts-note", "已通知民政局 8 月发放")
    page.click("#alerts-ack")
    expect(page.locator("#alerts-message")).to_contain_text("已保存")
    expect(page.locator("#alerts-history")).to_contain_text("已通知民政局 8 月发放")
    shot(page, "alerts-acknowledged")
    detail = _cli_json(db, "alerts", "--id", str(alert_id))[0]
    assert detail["status"] == "acknowledged" and detail["acknowledged_by"] == "staff"
    assert detail["events"][-1]["note"] == "已通知民政局 8 月发放"


def test_filter_and_export_the_fund_warnings(site, page, tmp_path):
    from python_calamine import CalamineWorkbook

    url, db = site
    log_in(page, url, "staff")
    page.goto(f"{url}/funds")
    _first_row(page, "funds-grid")
    page.locator("#funds-level").click()
    page.get_by_role("option", name="红灯").click()
    red = [w for w in _cli_json(db, "warnings", "--level", "red")]
    expect(page.locator("#funds-summary")).to_contain_text(f"共 {len(red)} 项")
    shot(page, "funds-red")
    with page.expect_download() as download:
        page.click("#funds-export")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("直达资金预警_") and saved.suffix == ".xlsx"
    rows = CalamineWorkbook.from_path(str(saved)).get_sheet_by_index(0).to_python()
    assert rows[0][:2] == ["地区编码", "地区"]
    assert sorted(r[3] for r in rows[1:]) == sorted(w["fund_code"] for w in red)
    assert {r[-2] for r in rows[1:]} == {"红灯"}


def test_a_county_user_gets_nothing_of_another_county_even_by_url(site, page):
    url, _ = site
    log_in(page, url, "burqin")
    page.goto(f"{url}/funds?region=654301")
    expect(page.locator("#funds-summary")).to_contain_text("共 0 项")
    page.goto(f"{url}/funds")
    _first_row(page, "funds-grid")
    regions = page.locator("#funds-grid [col-id=region_name].ag-cell").all_inner_texts()
    assert regions and set(regions) == {"布尔津县"}
    shot(page, "funds-county")


def test_every_page_renders_for_staff(site, page):
    url, _ = site
    log_in(page, url, "staff")
    for path, title in (("/prices", "物价联动"), ("/bonds", "专项债券"), ("/data", "数据")):
        page.goto(f"{url}{path}")
        expect(page.locator("h2.page-title").first).to_contain_text(title)
        page.wait_for_timeout(800)
        shot(page, f"page{path.replace('/', '-')}")
