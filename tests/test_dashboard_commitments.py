"""The 承诺事项 page against a real evaluated warehouse: by commitment and by lead unit red first,
the drill-down to a commitment's items (disputed debts apart, amounts per debtor unit), exact
money in 万元, percents and report times, a county user's scope, and the Excel of the same query.

The findings are stored with `run_evaluation(db, as_of, [], evaluate=fake)` (no rule kind yet).
"""

import base64
import io
import sys
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import dash
import flask_login
import polars as pl
import pytest

from appstate import audit
from appstate.store import open_state
from dashboard.auth import User
from flows.evaluate import run_evaluation
from triggers.commitment_findings import conform
from triggers.engine import Evaluation
from warehouse import reads
from warehouse.connection import connect
from warehouse.replica import read_connection

AS_OF = date(2022, 12, 31)
BURQIN, FUYUN, ALTAY, XISHAN, KEZHOU = "654321", "654322", "654300", "530112", "653000"
LEADER = User("u", "leader", None)
COUNTY = User("c", "county", BURQIN)
PREFECTURE = User("p", "county", ALTAY)
FEE = ("altay.guarantee_fee", "limit_per_row", "政府性融资担保费率不超过 0.8%", "地区金融办")
ARREARS = ("xishan.arrears", "target_by_date", "200 万元以下欠款 2022 年底前全部清偿", "区财政局")
ALTAY_ARREARS = ("altay.arrears", "target_by_date", "无分歧欠款应付尽付", "地区工信局")
REASONS = {"red": "逾期未完成", "yellow": "临近期限未完成或部分完成", "green": "已完成"}
REPORT = ("kezhou.daily_report", "report_due", "牵头单位每日 17:00 前报送进展", "州财政局")


def _row(rule, region, name, item, level, **extra) -> dict:
    rule_id, kind, commitment, lead = rule
    return {
        "rule_id": rule_id,
        "kind": kind,
        "commitment": commitment,
        "source": f"《{commitment}》工作方案",
        "region_code": region,
        "region_name": name,
        "item": item,
        "subject": extra.pop("subject", item),
        "party": extra.pop("party", None),
        "lead_unit": lead,
        "level": level,
        "reasons": extra.pop("reasons", [REASONS[level]]),
        **extra,
    }


def _debt(rule, region, name, debtor, creditor, level, fen, done, **extra) -> dict:
    return _row(
        rule,
        region,
        name,
        f"{debtor}/{creditor}",
        level,
        subject=f"{debtor} → {creditor}",
        party=debtor,
        unit="yuan",
        target=Decimal(fen) / 100,
        actual=Decimal(done) / 100,
        amount_fen=fen,
        done_fen=done,
        deadline=date(2022, 12, 31),
        **extra,
    )


def findings() -> pl.DataFrame:
    """Return the stored items: debts (one of 1,999,999.99 yuan, one disputed), fee rates (0.8 %
    exactly on the cap), reports (16:59 and 17:01 against 17:00)."""

    def due(hour: int, minute: int) -> datetime:
        return datetime(2022, 12, 30, hour, minute)

    rows = [
        _debt(ARREARS, XISHAN, "西山区", "住建局", "甲公司", "red", 199_999_999, 0, overdue=True),
        _debt(ARREARS, XISHAN, "西山区", "住建局", "乙公司", "green", 50_000_000, 50_000_000),
        _debt(ARREARS, XISHAN, "西山区", "交通局", "丙公司", "yellow", 30_000_000, 0, disputed=True),
        _debt(ALTAY_ARREARS, BURQIN, "布尔津县", "教育局", "丁公司", "red", 800_000, 0, overdue=True),
        _debt(ALTAY_ARREARS, FUYUN, "富蕴县", "卫健委", "戊公司", "yellow", 900_000, 300_000),
        _row(FEE, BURQIN, "布尔津县", "布尔津担保", "green", party="布尔津担保", unit="percent",
             target=Decimal("0.8"), actual=Decimal("0.8")),
        _row(FEE, FUYUN, "富蕴县", "富蕴担保", "red", party="富蕴担保", unit="percent",
             target=Decimal("0.8"), actual=Decimal("1.2")),
        _row(REPORT, KEZHOU, "克孜勒苏柯尔克孜自治州", "州发改委/2022-12-30", "red",
             party="州发改委", unit="time", due_at=due(17, 0), done_at=due(17, 1),
             deadline=date(2022, 12, 30)),
        _row(REPORT, KEZHOU, "克孜勒苏柯尔克孜自治州", "州住建局/2022-12-30", "green",
             party="州住建局", unit="time", due_at=due(17, 0), done_at=due(16, 59),
             deadline=date(2022, 12, 30)),
    ]  # fmt: skip
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return frame.with_columns(pl.col("target", "actual").cast(pl.Decimal(38, 4)))


def store_commitments(db: Path, as_of: date = AS_OF) -> Path:
    """Store `findings()` in `db` through the real evaluation flow; return `db`."""

    def evaluate(rules, frames, on):
        return Evaluation(as_of=on, findings={"commitments": conform(findings(), on)})

    run_evaluation(db, as_of, [], evaluate=evaluate)
    return db


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("commitments") / "warehouse.duckdb"
    with connect(db):
        pass
    return store_commitments(db)


@pytest.fixture(scope="module")
def app(warehouse):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICY_MONITOR_SECRET_KEY", "test-only-key")
        from dashboard.app import create_app

        yield create_app(warehouse)


@pytest.fixture(scope="module")
def page(app):
    name = next(k for k, p in dash.page_registry.items() if p["path"] == "/commitments")
    return sys.modules[name]


@contextmanager
def signed_in(app, user: User):
    with app.server.test_request_context("/"):
        flask_login.login_user(user)
        yield


def query(warehouse: Path, fn, *args, **kwargs) -> pl.DataFrame:
    cursor = read_connection(warehouse)
    try:
        return fn(cursor, *args, **kwargs)
    finally:
        cursor.close()


def find(component, component_id: str):
    """Return the component with `component_id` in a layout tree (None if absent)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = component if isinstance(component, list) else getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if isinstance(child, str | int | float) or child is None:
            continue
        if (hit := find(child, component_id)) is not None:
            return hit
    return None


def sheets(download: dict) -> dict[str, pl.DataFrame]:
    assert download["base64"] is True
    return pl.read_excel(io.BytesIO(base64.b64decode(download["content"])), sheet_id=0)


def test_the_page_is_registered_after_the_bonds_page(page):
    (entry,) = [p for p in dash.page_registry.values() if p["path"] == "/commitments"]
    assert entry["name"] == "承诺事项" and 3 < entry["order"] < 4


def test_by_commitment_and_by_lead_unit_red_first_with_counts(app, page):
    with signed_in(app, LEADER):
        layout = page.layout()
    rules = find(layout, "commitments-rules").rowData
    assert [r["rule_id"] for r in rules][:2] == ["altay.arrears", "altay.guarantee_fee"]
    assert [r["red"] for r in rules] == sorted((r["red"] for r in rules), reverse=True)
    xishan = next(r for r in rules if r["rule_id"] == "xishan.arrears")
    assert (xishan["red"], xishan["yellow"], xishan["green"]) == (1, 0, 1)
    assert xishan["disputed_items"] == 1 and xishan["lead_units"] == "区财政局"
    assert xishan["outstanding_wan"] == pytest.approx(199.999999)
    leads = find(layout, "commitments-leads").rowData
    assert leads[0]["red"] == 1 and {r["lead_unit"] for r in leads} == {
        "区财政局",
        "地区工信局",
        "地区金融办",
        "州财政局",
    }
    summary = find(layout, "commitments-summary").children
    assert summary == "共 4 项承诺、8 个事项：红灯 4 · 黄灯 1 · 绿灯 3；有分歧欠款 1 笔（另列）"


def test_a_chosen_commitment_drills_down_to_its_items_disputed_apart(app, page):
    chosen = {"rule_id": "xishan.arrears"}
    with signed_in(app, LEADER):
        panel = page.commitments_detail(chosen, None, None, None)
    items = find(panel, "commitments-items").rowData
    assert [(r["subject"], r["level_word"]) for r in items] == [
        ("住建局 → 甲公司", "红灯"),
        ("住建局 → 乙公司", "绿灯"),
    ]
    assert items[0]["target_text"] == "199.999999 万元"  # not rounded up to 200
    assert (
        items[0]["amount_wan"] == pytest.approx(199.999999) and items[0]["deadline"] == "2022-12-31"
    )
    disputed = find(panel, "commitments-disputed").rowData
    assert [r["subject"] for r in disputed] == ["交通局 → 丙公司"]
    parties = {r["party"]: r for r in find(panel, "commitments-parties").rowData}
    assert set(parties) == {"住建局", "交通局"}
    assert parties["住建局"]["outstanding_wan"] == pytest.approx(199.999999)
    assert parties["住建局"]["done_wan"] == pytest.approx(50)
    assert parties["住建局"]["overdue_wan"] == pytest.approx(199.999999)
    assert parties["交通局"]["disputed_wan"] == pytest.approx(30)
    assert find(panel, "commitments-detail-title").children == (
        "「200 万元以下欠款 2022 年底前全部清偿」的事项"
    )


def test_a_clicked_row_chooses_its_commitment_or_lead_unit(app, page):
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    def clicked(grid: str, rules, leads):
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": f"{grid}.selectedRows"}]))
        return page.commitments_chosen(rules, leads)

    assert clicked("commitments-rules", [{"rule_id": "xishan.arrears"}], None) == {
        "rule_id": "xishan.arrears"
    }
    assert clicked("commitments-leads", None, [{"lead_unit": "州财政局"}]) == {
        "lead_unit": "州财政局"
    }
    assert clicked("commitments-leads", None, []) is None


def test_percents_and_report_times_read_in_their_unit(app, page):
    with signed_in(app, LEADER):
        fees = page.commitments_detail({"rule_id": "altay.guarantee_fee"}, None, None, None)
        reports = page.commitments_detail({"lead_unit": "州财政局"}, None, None, None)
    fee = [
        (r["party"], r["target_text"], r["actual_text"])
        for r in find(fees, "commitments-items").rowData
    ]
    assert fee == [("富蕴担保", "0.8%", "1.2%"), ("布尔津担保", "0.8%", "0.8%")]
    times = [(r["party"], r["target_text"], r["actual_text"], r["level_word"])
             for r in find(reports, "commitments-items").rowData]  # fmt: skip
    assert times == [("州发改委", "17:00", "17:01", "红灯"), ("州住建局", "17:00", "16:59", "绿灯")]


def test_filters_narrow_the_items_and_the_summaries(app, page):
    with signed_in(app, LEADER):
        red = page.commitments_detail(None, None, None, "red")
        reports = page.commitments_detail(None, None, "report_due", None)
        rules, leads, summary, chosen = page.commitments_summaries(XISHAN, None)
    assert {r["level_word"] for r in find(red, "commitments-items").rowData} == {"红灯"}
    assert len(find(red, "commitments-items").rowData) == 4
    assert {r["rule_id"] for r in find(reports, "commitments-items").rowData} == {REPORT[0]}
    assert [r["rule_id"] for r in rules] == ["xishan.arrears"]
    assert [r["lead_unit"] for r in leads] == ["区财政局"] and chosen is None
    assert summary.startswith("共 1 项承诺、2 个事项：红灯 1")


def test_a_county_user_sees_only_its_region_everywhere(app, page, warehouse):
    with signed_in(app, COUNTY):
        layout = page.layout()
        elsewhere = page.commitments_detail(None, FUYUN, None, None)
        by_url = page.layout(region=XISHAN)
        download, status = page.commitments_export(1, None, None, None, None)
    items = find(layout, "commitments-items").rowData
    assert {r["region_code"] for r in items} == {BURQIN} and len(items) == 2
    assert [o["value"] for o in find(layout, "commitments-region").options] == [BURQIN]
    assert {r["rule_id"] for r in find(layout, "commitments-rules").rowData} == {
        "altay.arrears",
        "altay.guarantee_fee",
    }
    assert find(elsewhere, "commitments-items").rowData == []
    assert find(by_url, "commitments-items").rowData == []
    assert status == "" and download["filename"].startswith("承诺事项明细_")
    book = sheets(download)
    expected = query(warehouse, reads.query_commitments, BURQIN)
    assert book["承诺事项明细"]["地区编码"].to_list() == expected["region_code"].to_list()
    assert book["承诺事项明细"]["事项"].to_list() == [r["subject"] for r in items]
    with open_state(warehouse) as con:
        (export,) = [e for e in audit.entries(con, actor="c") if e["action"] == "export"]
    assert (export["detail"]["sheet"], export["detail"]["rows"]) == ("承诺事项明细", 2)


def test_a_prefecture_user_sees_its_counties_not_others(app, page):
    with signed_in(app, PREFECTURE):
        layout = page.layout()
    items = find(layout, "commitments-items").rowData
    assert {r["region_code"] for r in items} == {BURQIN, FUYUN}
    assert [r["level_word"] for r in items][:2] == ["红灯", "红灯"]


def test_the_excel_has_the_rows_shown_with_text_kept_as_text(app, page, warehouse):
    with signed_in(app, LEADER):
        panel = page.commitments_detail({"rule_id": "xishan.arrears"}, None, None, None)
        download, _ = page.commitments_export(1, {"rule_id": "xishan.arrears"}, None, None, None)
    book = sheets(download)
    items, disputed = book["承诺事项明细"], book["有分歧欠款"]
    assert items["事项"].to_list() == [
        r["subject"] for r in find(panel, "commitments-items").rowData
    ]
    assert items.columns[:3] == ["规则编号", "地区编码", "事项编号"]
    assert items["金额(万元)"].to_list() == pytest.approx([199.999999, 50])
    assert items["等级"].to_list() == ["红灯", "绿灯"] and items["目标"][0] == "199.999999 万元"
    assert disputed["事项"].to_list() == ["交通局 → 丙公司"]


def test_an_empty_warehouse_shows_an_empty_page_not_a_traceback(tmp_path, monkeypatch):
    from dashboard.app import create_app

    db = tmp_path / "empty.duckdb"
    with connect(db):
        pass
    run_evaluation(db, AS_OF, [])
    monkeypatch.setenv("POLICY_MONITOR_SECRET_KEY", "test-only-key")
    app = create_app(db)
    name = next(k for k, p in dash.page_registry.items() if p["path"] == "/commitments")
    with signed_in(app, LEADER):
        layout = sys.modules[name].layout()
    assert find(layout, "commitments-items").rowData == []
    assert find(layout, "commitments-summary").children.startswith("共 0 项承诺、0 个事项")


def test_exact_wan_and_unit_texts():
    from dashboard.commitment_tables import value_text
    from triggers.wording import exact_money as wan_text

    assert wan_text(Decimal("1999999.99")) == "199.999999 万元"
    assert wan_text(Decimal("2000000")) == "200.00 万元"
    assert wan_text(Decimal("300000000")) == "3.00 亿元"
    assert value_text("percent", Decimal("0.8000")) == "0.8%"
    assert value_text("count", Decimal("12.0000")) == "12"
    assert value_text("time", None, None) == "未报送"


def _overview():
    name = next(k for k, p in dash.page_registry.items() if p["path"] == "/")
    return sys.modules[name]


def _texts(component) -> str:
    if isinstance(component, str | int | float):
        return str(component)
    children = component if isinstance(component, list) else getattr(component, "children", None)
    items = children if isinstance(children, list | tuple) else [children]
    return " ".join(_texts(c) for c in items if c is not None)


def test_the_overview_counts_red_and_yellow_per_commitment_and_links_the_page(app, page):
    with signed_in(app, LEADER):
        overview = _overview().layout()
    section = find(overview, "overview-commitments")
    rules = _texts(find(section, "overview-commitment-rules"))
    assert "红灯 1 · 黄灯 1 无分歧欠款应付尽付" in rules
    assert rules.index("无分歧欠款应付尽付") < rules.index("200 万元以下欠款")
    worst = find(section, "overview-commitment-items").children
    assert len(worst) == 3 and all("红灯" in _texts(item) for item in worst)
    assert any(getattr(c, "href", None) == "/commitments" for c in section.children[0].children)


def test_the_overview_section_is_scoped_to_the_county(app, page):
    with signed_in(app, COUNTY):
        section = find(_overview().layout(), "overview-commitments")
    shown = _texts(section)
    assert "布尔津县「教育局 → 丁公司」" in shown
    assert "西山区" not in shown and "富蕴" not in shown and "200 万元以下欠款" not in shown


def test_a_formula_in_a_ledger_name_stays_text_in_the_excel(warehouse):
    import zipfile

    from dashboard.commitment_tables import excel

    evil = '=HYPERLINK("http://example.invalid","点击")'
    items = query(warehouse, reads.query_commitments, None).with_columns(subject=pl.lit(evil))
    book = excel(items, items.head(0))
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and "HYPERLINK" in strings
    assert pl.read_excel(io.BytesIO(book), sheet_name="承诺事项明细")["事项"][0] == evil
