"""The direct-fund and special-bond pages against a real evaluated warehouse: grid rows, filters,
history, Excel export, and a county user's scope on every one of them."""

import base64
import io
import sys
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import dash
import flask_login
import polars as pl
import pytest

from dashboard.auth import User
from dashboard.format import LEVELS, money
from tests.helpers import load_file
from warehouse import reads
from warehouse.replica import read_connection

AS_OF = date(2022, 9, 30)
COUNTY = "654321"
LEADER = User("u", "leader", None)
BURQIN = User("c", "county", COUNTY)
WORDS = {level: word for level, (word, _) in LEVELS.items()}
RANK = list(LEVELS)


@pytest.fixture(scope="module")
def warehouse(samples, tmp_path_factory) -> Path:
    """Return a warehouse of the sample funds, payments and bonds up to AS_OF, evaluated on AS_OF."""
    from flows.evaluate import run_evaluation
    from flows.rule_files import load_rules
    from warehouse.connection import connect

    db = tmp_path_factory.mktemp("funds_bonds") / "warehouse.duckdb"
    with connect(db):
        pass
    for kind, pattern in (
        ("funds", "direct_funds_*"),
        ("payments", "payments_*"),
        ("bonds", "special_bonds_*"),
    ):
        for path in sorted(samples.glob(pattern)):
            if path.stem.rsplit("_", 1)[-1] <= AS_OF.isoformat():
                load_file(db, kind, path)
    run_evaluation(db, AS_OF, load_rules(None))
    return db


@pytest.fixture(scope="module")
def app(warehouse):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICY_MONITOR_SECRET_KEY", "test-only-key")
        from dashboard.app import create_app

        yield create_app(warehouse)


def _page(path: str):
    name = next(k for k, page in dash.page_registry.items() if page["path"] == path)
    return sys.modules[name]


@pytest.fixture(scope="module")
def funds(app):
    return _page("/funds")


@pytest.fixture(scope="module")
def bonds(app):
    return _page("/bonds")


@contextmanager
def signed_in(app, user: User):
    with app.server.test_request_context("/"):
        flask_login.login_user(user)
        yield


def query(warehouse: Path, fn, *args) -> pl.DataFrame:
    cursor = read_connection(warehouse)
    try:
        return fn(cursor, *args)
    finally:
        cursor.close()


def find(component, component_id: str):
    """Return the component with `component_id` in a layout tree (None if absent)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if isinstance(child, str | int | float) or child is None:
            continue
        if (hit := find(child, component_id)) is not None:
            return hit
    return None


def texts(component) -> list[str]:
    """Return every string in a layout tree."""
    if isinstance(component, str):
        return [component]
    children = getattr(component, "children", None)
    items = children if isinstance(children, list | tuple) else [children]
    return [t for child in items if child is not None for t in texts(child)]


def xlsx(download: dict) -> pl.DataFrame:
    assert download["base64"] is True
    return pl.read_excel(io.BytesIO(base64.b64decode(download["content"])))


# -- direct funds -----------------------------------------------------------------------------


def test_fund_grid_rows_are_the_scoped_query_rows_red_first(app, funds, warehouse):
    expected = query(warehouse, reads.query_fund_warnings, None)
    with signed_in(app, LEADER):
        page = funds.layout()
    grid = find(page, "funds-grid")
    rows = grid.rowData
    assert len(rows) == expected.height == 44
    assert [(r["region_code"], r["fund_code"]) for r in rows] == list(
        zip(expected["region_code"], expected["fund_code"], strict=True)
    )
    assert {r["level"] for r in rows} == set(LEVELS)
    assert [r["level_word"] for r in rows] == [WORDS[lv] for lv in expected["level"]]
    assert [RANK.index(r["level"]) for r in rows] == sorted(RANK.index(r["level"]) for r in rows)
    headers = [c["headerName"] for c in grid.columnDefs]
    assert headers == [
        "地区",
        "资金名称",
        "资金编码",
        "主管部门",
        "上级下达(万元)",
        "已分配(万元)",
        "已支出(万元)",
        "分配率",
        "支出进度",
        "时序进度",
        "分配期限",
        "等级",
        "原因",
    ]
    level_column = next(c for c in grid.columnDefs if c["headerName"] == "等级")
    assert level_column["field"] == "level_word" and "styleConditions" in level_column["cellStyle"]
    assert grid.dashGridOptions["pagination"] is True
    summary = find(page, "funds-summary").children
    counts = expected["level"].value_counts()
    red = counts.filter(pl.col("level") == "red")["count"][0]
    assert "共 44 项" in summary and f"红灯 {red}" in summary


def test_fund_money_is_shown_in_wan_yuan_and_rates_in_percent(app, funds, warehouse):
    expected = query(warehouse, reads.query_fund_warnings, None).row(0, named=True)
    with signed_in(app, LEADER):
        row = funds.grid_rows(None, None, None)[0][0]
    assert row["received_wan"] == round(float(expected["received_yuan"]) / 10_000, 2)
    assert row["paid_wan"] == round(float(expected["paid_yuan"]) / 10_000, 2)
    assert row["spending_pct"] == round(expected["spending_rate"] * 100, 1)
    assert row["allocation_deadline"] == expected["allocation_deadline"].isoformat()
    assert not any(key.endswith("_yuan") for key in row)  # only 万元 goes to the browser


@pytest.mark.parametrize(
    ("region", "level", "department"),
    [(COUNTY, None, None), (None, "red", None), (None, None, "卫健委"), (COUNTY, "red", None)],
)
def test_fund_filters_narrow_the_rows_on_the_server(
    app, funds, warehouse, region, level, department
):
    everything = query(warehouse, reads.query_fund_warnings, None)
    expected = query(warehouse, reads.query_fund_warnings, None, region, level, department)
    with signed_in(app, LEADER):
        rows, summary = funds.grid_rows(region, level, department)
    assert 0 < len(rows) == expected.height < everything.height
    assert [r["fund_code"] for r in rows] == expected["fund_code"].to_list()
    assert all(r["region_code"].startswith(region or "") for r in rows)
    assert all(r["level"] == (level or r["level"]) for r in rows)
    assert all(r["department"] == (department or r["department"]) for r in rows)
    assert f"共 {expected.height} 项" in summary


def test_a_county_user_only_gets_own_funds_in_grid_filters_history_and_excel(app, funds, warehouse):
    expected = query(warehouse, reads.query_fund_warnings, COUNTY)
    other = query(warehouse, reads.query_fund_warnings, None, "654322").row(0, named=True)
    with signed_in(app, BURQIN):
        page = funds.layout()
        unfiltered, _ = funds.grid_rows(None, None, None)
        elsewhere, _ = funds.grid_rows("654322", None, None)
        download, _ = funds.excel_download(1, None, None, None)
        foreign = funds.history_panel([other])
    rows = find(page, "funds-grid").rowData
    assert len(rows) == len(unfiltered) == expected.height > 0
    assert {r["region_code"] for r in rows} == {r["region_code"] for r in unfiltered} == {COUNTY}
    assert elsewhere == []
    regions = find(page, "funds-region").options
    assert [o["value"] for o in regions] == [COUNTY]
    sheet = xlsx(download)
    assert sheet.height == expected.height
    assert set(sheet["地区编码"].to_list()) == {COUNTY}
    assert sheet["等级"].to_list() == [WORDS[lv] for lv in expected["level"]]
    assert download["filename"].startswith("直达资金预警_") and download["filename"].endswith(
        ".xlsx"
    )
    assert foreign.figure.data == ()  # another county's history is not shown, even when asked


def test_selecting_a_fund_shows_its_snapshots(app, funds, warehouse):
    with signed_in(app, LEADER):
        row = funds.grid_rows(None, None, None)[0][0]
        graph = funds.history_panel([row])
        hint = funds.history_panel([])
    snapshots = query(
        warehouse, reads.query_fund_history, None, row["region_code"], row["fund_code"]
    )
    assert snapshots.height >= 2
    allocation, spending = graph.figure.data
    assert (allocation.name, spending.name) == ("分配率", "支出进度")
    assert list(spending.x) == snapshots["as_of"].to_list()
    assert list(spending.y) == pytest.approx([r * 100 for r in snapshots["spending_rate"]])
    assert list(allocation.y) == pytest.approx([r * 100 for r in snapshots["allocation_rate"]])
    assert row["fund_code"] in graph.figure.layout.title.text
    assert "点击表格中的一行" in texts(hint)[0]


def test_fund_excel_follows_the_filters_with_chinese_headers(app, funds, warehouse):
    expected = query(warehouse, reads.query_fund_warnings, None, None, "red", None)
    with signed_in(app, LEADER):
        download, status = funds.excel_download(1, None, "red", None)
    sheet = xlsx(download)
    assert status == ""
    assert sheet.columns[:4] == ["地区编码", "地区", "资金名称", "资金编码"]
    assert "上级下达(万元)" in sheet.columns and "支出进度(%)" in sheet.columns
    assert sheet.height == expected.height and set(sheet["等级"]) == {"红灯"}
    assert sheet["上级下达(万元)"].to_list() == pytest.approx(
        [float(v) / 10_000 for v in expected["received_yuan"]]
    )
    assert funds.export_name(datetime(2022, 10, 8, 9)) == "直达资金预警_20221008.xlsx"


# -- special bonds ----------------------------------------------------------------------------


def test_bond_page_shows_counties_and_project_rows(app, bonds, warehouse):
    counties = query(warehouse, reads.query_bond_counties, None)
    expected = query(warehouse, reads.query_bond_projects, None)
    with signed_in(app, LEADER):
        page = bonds.layout()
    cards = find(page, "bonds-counties").children
    assert len(cards) == counties.height > 0
    # red first, then the furthest behind
    order = pl.col("level").replace_strict({"red": 0, "yellow": 1, "green": 2}, default=3)
    first = counties.sort(order, pl.col("spending_rate")).row(0, named=True)
    words = " ".join(texts(cards[0]))
    assert first["region_name"] in words and WORDS[first["level"]] in words
    assert money(first["quota_yuan"]) in words and ("万元" in words or "亿元" in words)
    grid = find(page, "bonds-grid")
    rows = grid.rowData
    assert len(rows) == expected.height > 0
    assert [r["project"] for r in rows] == expected["project"].to_list()
    assert [r["level_word"] for r in rows] == [WORDS[lv] for lv in expected["level"]]
    assert [r["escalation_step"] for r in rows] == expected["escalation_step"].to_list()
    assert any(r["escalation_step"] for r in rows)
    assert rows[0]["quota_wan"] == round(float(expected["quota_yuan"][0]) / 10_000, 2)
    headers = [c["headerName"] for c in grid.columnDefs]
    assert headers == [
        "县市",
        "项目名称",
        "项目单位",
        "主管部门",
        "债券额度(万元)",
        "累计支出(万元)",
        "支出进度",
        "截止日期",
        "预计达标日期",
        "等级",
        "督办步骤",
        "说明",
    ]


def test_bond_filters_narrow_the_rows(app, bonds, warehouse):
    everything = query(warehouse, reads.query_bond_projects, None)
    with signed_in(app, LEADER):
        green, _ = bonds.grid_rows(None, "green", None)
        county, _ = bonds.grid_rows(COUNTY, None, None)
    assert 0 < len(green) < everything.height and {r["level_word"] for r in green} == {"绿灯"}
    assert 0 < len(county) < everything.height and {r["region_code"] for r in county} == {COUNTY}


def test_a_county_user_only_gets_own_bonds_in_cards_grid_and_excel(app, bonds, warehouse):
    expected = query(warehouse, reads.query_bond_projects, COUNTY)
    with signed_in(app, BURQIN):
        page = bonds.layout()
        download, _ = bonds.excel_download(1, None, None, None)
    cards = find(page, "bonds-counties").children
    assert len(cards) == 1 and "布尔津县" in texts(cards[0])
    rows = find(page, "bonds-grid").rowData
    assert len(rows) == expected.height > 0 and {r["region_code"] for r in rows} == {COUNTY}
    sheet = xlsx(download)
    assert sheet.height == expected.height and set(sheet["县市编码"]) == {COUNTY}
    assert sheet["项目名称"].to_list() == expected["project"].to_list()
    assert download["filename"].startswith("专项债券项目_")


def test_selecting_a_project_shows_its_spending_against_the_target(app, bonds, warehouse):
    with signed_in(app, LEADER):
        row = bonds.grid_rows(None, None, None)[0][0]
        graph = bonds.history_panel([row])
    snapshots = query(warehouse, reads.query_bond_history, None, row["region_code"], row["project"])
    (spending,) = graph.figure.data
    assert list(spending.x) == snapshots["as_of"].to_list() and len(spending.x) >= 2
    assert list(spending.y) == pytest.approx([r * 100 for r in snapshots["spending_rate"]])
    target = next(s for s in graph.figure.layout.shapes if s.y0 == s.y1)
    assert target.y0 == pytest.approx(row["target_rate"] * 100)


def test_missing_warehouse_shows_a_message_not_a_traceback(
    app, funds, bonds, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.server.config, "PM_DB", str(tmp_path / "missing.duckdb"))
    with signed_in(app, LEADER):
        pages = [funds.layout(), bonds.layout()]
        _, message = funds.grid_rows(None, None, None)
    for page in pages:
        assert any("数据尚未发布" in t for t in texts(page))
    assert "数据尚未发布" in texts(message)[0]


def test_filters_from_the_url_preselect_and_narrow_the_first_render(app, funds, bonds, warehouse):
    expected = query(warehouse, reads.query_fund_warnings, None, COUNTY, "red", None)
    with signed_in(app, LEADER):
        page = funds.layout(region=COUNTY, level="red")
        bond_page = bonds.layout(level="green")
    assert find(page, "funds-region").value == COUNTY and find(page, "funds-level").value == "red"
    assert [r["fund_code"] for r in find(page, "funds-grid").rowData] == expected[
        "fund_code"
    ].to_list()
    assert {r["level"] for r in find(bond_page, "bonds-grid").rowData} == {"green"}


def test_summaries_say_when_the_row_cap_is_reached_and_handle_no_rows(funds, bonds, warehouse):
    frame = query(warehouse, reads.query_fund_warnings, None)
    capped = pl.concat([frame] * (reads.MAX_ROWS // frame.height + 1)).head(reads.MAX_ROWS)
    assert "仅显示前 5,000 项" in funds.summary(capped)
    assert funds.summary(frame.head(0)) == "共 0 项：红灯 0 · 黄灯 0 · 黄色警铃 0 · 绿灯 0"
    assert funds.rows(frame.head(0)) == []
    projects = query(warehouse, reads.query_bond_projects, None)
    assert bonds.summary(projects.head(0)) == "共 0 个项目：红灯 0 · 黄灯 0 · 绿灯 0"


# -- shared columns, filters and history figure -----------------------------------------------


def test_department_filters_come_from_the_scoped_department_query(app, funds, bonds, warehouse):
    everything = query(warehouse, reads.query_departments, None)
    county = query(warehouse, reads.query_departments, COUNTY)
    projects = query(warehouse, reads.query_bond_projects, None)
    assert everything == sorted(
        query(warehouse, reads.query_fund_warnings, None)["department"].drop_nulls().unique()
    )
    assert 0 < len(county) <= len(everything) and set(county) <= set(everything)
    assert query(warehouse, reads.query_departments, None, "bond_projects") == sorted(
        projects["department"].drop_nulls().unique()
    )
    with pytest.raises(ValueError):
        query(warehouse, reads.query_departments, None, "alerts; DROP TABLE alerts")
    with signed_in(app, BURQIN):
        page = funds.layout()
    assert [o["value"] for o in find(page, "funds-department").options] == county


def test_a_page_load_runs_each_query_once_even_when_filtered(app, funds, bonds, monkeypatch):
    from dashboard import data

    calls, read = [], data.read
    monkeypatch.setattr(
        data, "read", lambda fn, *a, **k: calls.append(fn.__name__) or read(fn, *a, **k)
    )
    with signed_in(app, LEADER):
        funds.layout(region=COUNTY, level="red")
        bonds.layout(level="green")
    assert calls == [
        "query_regions",
        "query_departments",
        "query_fund_warnings",
        "query_bond_counties",
        "query_regions",
        "query_departments",
        "query_bond_projects",
    ]


def test_bond_region_filter_offers_only_counties_with_projects(app, bonds, warehouse):
    projects = query(warehouse, reads.query_bond_projects, None)
    with signed_in(app, LEADER):
        page = bonds.layout()
    offered = [o["value"] for o in find(page, "bonds-region").options]
    assert offered == sorted(projects["region_code"].unique()) and offered
    assert find(page, "bonds-region").placeholder == "全部县市"


def test_shared_columns_pin_format_and_name_the_exports():
    from dashboard import columns

    spec = {
        "region_name": ("地区", "text", 110),
        "paid_wan": ("已支出(万元)", "money", 110),
        "spending_pct": ("支出进度", "pct", 90),
        "reasons": ("原因", "reason", 220),
    }
    defs = {c["field"]: c for c in columns.column_defs(spec, ("region_name",))}
    assert defs["region_name"]["pinned"] == "left" and "pinned" not in defs["paid_wan"]
    assert defs["region_name"]["tooltipField"] == "region_name"
    assert "tooltipField" not in defs["paid_wan"] and defs["paid_wan"]["type"] == "rightAligned"
    assert defs["reasons"]["minWidth"] == 220 and "width" not in defs["reasons"]
    assert columns.excel_headers(spec, {"region_code": "地区编码"}) == {
        "region_code": "地区编码",
        "region_name": "地区",
        "paid_wan": "已支出(万元)",
        "spending_pct": "支出进度(%)",
        "reasons": "原因",
    }
    assert columns.export_name("表", datetime(2022, 10, 8, 23, 59)) == "表_20221008.xlsx"
    frame = pl.DataFrame({"code": ["2", "1", "1", None], "name": ["乙", "甲", "甲", "无"]})
    assert columns.options(frame, "code", "name") == [
        {"value": "1", "label": "甲"},
        {"value": "2", "label": "乙"},
    ]
    table = columns.findings_grid("g", pl.DataFrame({"region_name": ["甲"]}), spec)
    assert table.dashGridOptions["tooltipShowMode"] == "whenTruncated"
    assert table.dashGridOptions["pagination"] is True


def test_history_figure_has_chinese_months_and_optional_target_and_deadline():
    from dashboard import figures

    snapshots = pl.DataFrame({"as_of": [date(2022, 8, 31), date(2022, 9, 30)], "rate": [0.2, 0.5]})
    plain = figures.history(snapshots, {"rate": "支出进度"}, "t")
    assert plain.layout.xaxis.tickformat == "%Y年%-m月" and plain.layout.xaxis.dtick == "M1"
    assert plain.layout.xaxis.hoverformat == "%Y年%-m月%-d日" and plain.layout.shapes == ()
    marked = figures.history(
        snapshots, {"rate": "支出进度"}, "t", target=0.9, deadline=date(2022, 12, 31)
    )
    target, deadline = marked.layout.shapes
    assert (target.y0, target.y1, target.line.dash) == (90, 90, "dash")
    assert deadline.x0 == date(2022, 12, 31) and deadline.line.dash == "dot"
    notes = [a.text for a in marked.layout.annotations]
    assert notes == ["目标 90.0%", "截止 2022年12月31日"]
    assert figures.history(snapshots.head(0), {"rate": "支出进度"}, "t", target=0.9).data == ()
