"""The 承诺事项 page in Debian's Chromium against the real server: red first, the drill-down to a
commitment's items and its disputed debts, a county user's scope, the Excel of the rows shown,
and no console errors (the page runs under the dashboard's Content-Security-Policy)."""

import re

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from appstate.store import open_state
from appstate.users import add_user, hash_password
from tests.browser import PASSWORD, log_in, served, shot
from tests.test_dashboard_commitments import ALTAY, BURQIN, store_commitments
from warehouse.connection import connect

USERS = (("staff", "staff", None), ("burqin", "county", BURQIN), ("altay", "county", ALTAY))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = tmp_path_factory.mktemp("commitments_browser") / "warehouse.duckdb"
    with connect(db):
        pass
    store_commitments(db)
    with open_state(db) as con:
        for name, role, region in USERS:
            add_user(con, name, role, region, hash_password(PASSWORD))
    with served(db) as url:
        yield url


@pytest.fixture
def watched(browser):
    """Yield a page and the list its console errors and uncaught exceptions go to."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True
    )
    page, errors = context.new_page(), []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, errors
    context.close()


def _cells(page, grid: str, column: str) -> list[str]:
    rows = page.locator(f"#{grid} .ag-center-cols-container .ag-row")
    expect(rows.first).to_be_visible()
    return page.locator(
        f"#{grid} .ag-center-cols-container [col-id={column}].ag-cell"
    ).all_inner_texts()


def _row_with(page, grid: str, text: str):
    row = page.locator(f"#{grid} .ag-center-cols-container .ag-row", has_text=text)
    expect(row).to_be_visible()
    return row


def test_a_prefecture_user_sees_its_counties_red_first(site, watched):
    page, errors = watched
    log_in(page, site, "altay")
    page.goto(f"{site}/commitments")
    expect(page.locator("h2.page-title")).to_have_text("承诺事项")
    levels = _cells(page, "commitments-items", "level_word")
    assert levels[:2] == ["红灯", "红灯"] and set(levels) <= {"红灯", "黄灯", "绿灯"}
    assert levels == sorted(levels, key=["红灯", "黄灯", "绿灯"].index)
    assert set(_cells(page, "commitments-items", "region_name")) == {"布尔津县", "富蕴县"}
    assert _cells(page, "commitments-rules", "commitment")[0] == "无分歧欠款应付尽付"
    expect(page.locator("#commitments")).not_to_contain_text("西山区")
    assert errors == []


def test_choosing_a_commitment_drills_down_to_its_items_and_disputed_debts(site, watched, tmp_path):
    page, errors = watched
    log_in(page, site, "staff")
    page.goto(f"{site}/commitments")
    _row_with(page, "commitments-rules", "200 万元以下欠款").click()
    expect(page.locator("#commitments-detail-title")).to_contain_text("200 万元以下欠款")
    expect(page.locator("#commitments-items [col-id=subject].ag-cell")).to_have_count(2)
    subjects = _cells(page, "commitments-items", "subject")
    assert subjects == ["住建局 → 甲公司", "住建局 → 乙公司"]
    assert _cells(page, "commitments-items", "target_text")[0] == "199.999999 万元"
    shot(page, "page-commitments")
    with page.expect_download() as download:
        page.click("#commitments-export")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("承诺事项明细_") and saved.suffix == ".xlsx"
    book = CalamineWorkbook.from_path(str(saved))
    rows = book.get_sheet_by_name("承诺事项明细").to_python()
    column = rows[0].index("事项")
    assert [r[column] for r in rows[1:]] == subjects
    disputed = book.get_sheet_by_name("有分歧欠款").to_python()
    assert [r[column] for r in disputed[1:]] == ["交通局 → 丙公司"]
    page.get_by_role("tab", name="有分歧欠款（1）").click()
    assert _cells(page, "commitments-disputed", "subject") == ["交通局 → 丙公司"]
    page.get_by_role("tab", name="按欠款单位").click()
    assert set(_cells(page, "commitments-parties", "party")) == {"住建局", "交通局"}
    _row_with(page, "commitments-leads", "州财政局").click()
    expect(page.locator("#commitments-detail-title")).to_contain_text("州财政局")
    assert _cells(page, "commitments-items", "actual_text") == ["17:01", "16:59"]
    page.click("#commitments-clear")
    expect(page.locator("#commitments-detail-title")).to_have_text("全部事项（红灯优先）")
    expect(page.locator("#commitments-items [col-id=subject].ag-cell")).to_have_count(8)
    assert errors == []


def test_the_overview_shows_the_commitments_and_still_prints_on_one_a4_page(
    site, watched, tmp_path
):
    page, errors = watched
    log_in(page, site, "staff")
    section = page.locator("#overview-commitments")
    expect(section).to_contain_text("红灯 1 · 黄灯 1无分歧欠款应付尽付")
    expect(page.locator("#overview-commitment-items .list-group-item")).to_have_count(3)
    pdf = tmp_path / "overview.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes())) == 1
    section.get_by_role("link", name="查看全部承诺事项 →").click()
    expect(page.locator("h2.page-title")).to_have_text("承诺事项")
    assert errors == []


def test_a_county_user_sees_only_its_county_and_exports_the_same_rows(site, watched, tmp_path):
    page, errors = watched
    log_in(page, site, "burqin")
    page.goto(f"{site}/commitments")
    assert set(_cells(page, "commitments-items", "region_name")) == {"布尔津县"}
    for other in ("富蕴县", "西山区", "克孜勒苏"):
        expect(page.locator("#commitments")).not_to_contain_text(other)
    page.goto(f"{site}/commitments?region=654322")
    expect(page.locator("#commitments-detail-count")).to_contain_text("0 个事项")
    page.goto(f"{site}/commitments")
    subjects = _cells(page, "commitments-items", "subject")
    with page.expect_download() as download:
        page.click("#commitments-export")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = CalamineWorkbook.from_path(str(saved)).get_sheet_by_name("承诺事项明细").to_python()
    assert [r[rows[0].index("事项")] for r in rows[1:]] == subjects
    assert {r[rows[0].index("地区编码")] for r in rows[1:]} == {BURQIN}
    shot(page, "page-commitments-county")
    assert errors == []
