"""The dashboard in Debian's Chromium against the real server and a real warehouse."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from typer.testing import CliRunner

from policy_monitor.cli import app
from tests.browser import CHROMIUM, build_warehouse, log_in, served, shot


@pytest.fixture(scope="module")
def site(samples, tmp_path_factory):
    db = build_warehouse(tmp_path_factory.mktemp("browser") / "warehouse.duckdb", samples)
    with served(db) as url:
        yield url, db


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                                  accept_downloads=True)  # fmt: skip
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
