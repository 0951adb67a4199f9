"""The price-linkage and alert pages against a real warehouse built from the 2022 sample files."""

import base64
import io
import sys
from datetime import date
from pathlib import Path

import dash
import flask_login
import polars as pl
import pytest

from tests.helpers import load_samples
from warehouse.alerts import query_alert, query_silences
from warehouse.connection import connect
from warehouse.reads import query_subsidies


@pytest.fixture(scope="module")
def warehouse(samples, tmp_path_factory) -> Path:
    """Return a warehouse loaded with the samples and evaluated on 2022-09-30 (replica published)."""
    db = load_samples(tmp_path_factory.mktemp("dashboard") / "warehouse.duckdb", samples)
    return db


@pytest.fixture(scope="module")
def app(warehouse):
    from dashboard.app import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICY_MONITOR_SECRET_KEY", "test-secret")
        yield create_app(warehouse)


def _page(path: str):
    return next(sys.modules[p["module"]] for p in dash.page_registry.values() if p["path"] == path)


@pytest.fixture
def signed_in(app):
    """Return a function that signs a user in for the rest of the test and returns the pages."""
    with app.server.test_request_context("/"):

        def sign_in(name: str, role: str, region: str | None = None):
            from dashboard.auth import User

            flask_login.login_user(User(name, role, region))
            return _page("/prices"), _page("/alerts")

        yield sign_in


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def _ids(component) -> set[str]:
    return {c.id for c in _walk(component) if getattr(c, "id", None)}


def _find(component, component_id: str):
    return next(c for c in _walk(component) if getattr(c, "id", None) == component_id)


def _status(db: Path, alert_id: int) -> dict:
    with connect(db, read_only=True) as con:
        return query_alert(con, alert_id)


def test_prices_page_defaults_to_the_most_local_jurisdiction(signed_in):
    prices, _ = signed_in("u", "staff")
    page = prices.layout()
    dropdown = _find(page, "prices-region")
    assert dropdown.value == "654300"
    assert [o["value"] for o in dropdown.options] == ["654300", "000000"]
    assert dropdown.options[0]["label"] == "阿勒泰地区（654300）"
    assert _find(page, "prices-months").rowData == prices.prices_months("654300")


def test_monthly_table_rows_are_the_findings_of_the_jurisdiction(signed_in, warehouse):
    prices, _ = signed_in("u", "staff")
    rows = prices.prices_months("654300")
    with connect(warehouse, read_only=True) as con:
        findings = query_subsidies(con, None).filter(pl.col("region_code") == "654300")
    assert len(rows) == findings.height == 8
    assert [r["month"] for r in rows] == [f"2022年{m}月" for m in range(1, 9)]
    assert [r["persons"] for r in rows] == findings["persons"].to_list()
    assert [r["per_person_yuan"] for r in rows] == findings["per_person_yuan"].to_list()
    july, august = rows[6], rows[7]
    assert july | {"reasons": None} == {
        "month": "2022年7月",
        "status": "已触发",
        "cpi": "3.5%",
        "food": "6.0%",
        "condition": "CPI ≥ 3.5% 或 食品 ≥ 6.0%",
        "source": "阿勒泰地区（654300）",
        "rule_version": "altay-2022",
        "published": "2022年8月25日（估算）",
        "pay_by": "2022年8月31日",
        "days_left": -30,
        "per_person_yuan": 20,
        "persons": 53927,
        "total_wan": 107.85,
        "reasons": None,
        "payment": "逾期未发放（已发放 0.00 万元）",
        "revised": None,  # no 发放台账 loaded here
    }
    assert july["persons"] * 20 == 1_078_540
    assert august["condition"] == "CPI ≥ 3.0% 或 食品 ≥ 6.0%"  # the 2022 temporary threshold
    assert {r["status"] for r in rows[:6]} == {"未触发"}


def test_monthly_table_marks_a_decision_reversed_by_revised_data(app, warehouse):
    month_table = _page("/prices").month_table
    with connect(warehouse, read_only=True) as con:
        findings = query_subsidies(con, None).filter(pl.col("region_code") == "654300")
    # as if July's first published values had not triggered it
    first = pl.when(pl.col("period") == date(2022, 7, 1)).then(pl.lit("not_triggered"))
    with app.server.test_request_context():
        rows = month_table(findings.with_columns(first_status=first.otherwise("first_status")))
    marks = dict(zip(rows["month"], rows["revised"], strict=True))
    assert marks["2022年7月"] == "判定已改变：首次未触发，现已触发"
    assert {m for m, v in marks.items() if v} == {"2022年7月"}


def test_group_table_adds_up_to_the_triggered_months(signed_in):
    prices, _ = signed_in("u", "staff")
    groups = pl.DataFrame(prices.prices_groups("654300"))
    months = {r["month"]: r for r in prices.prices_months("654300")}
    totals = groups.group_by("month").agg(pl.col("persons").sum(), pl.col("total_wan").sum())
    assert sorted(totals["month"]) == ["2022年7月", "2022年8月"]
    for row in totals.iter_rows(named=True):
        assert row["persons"] == months[row["month"]]["persons"]
        assert row["total_wan"] == pytest.approx(months[row["month"]]["total_wan"], abs=0.05)
    assert groups["group"][0] == "城市低保"


def test_chart_draws_both_series_thresholds_and_shaded_triggered_months(signed_in):
    prices, _ = signed_in("u", "staff")
    figure = prices.prices_chart("654300")
    traces = {t.name: t for t in figure.data}
    assert {"CPI 同比", "食品 同比", "CPI 启动条件", "食品启动条件"} <= set(traces)
    assert len(traces["CPI 同比"].x) == 12 and len(traces["食品 同比"].x) == 12
    assert list(traces["CPI 启动条件"].y)[6:8] == [3.5, 3.0]
    shaded = sorted(shape.x0 for shape in figure.layout.shapes)
    assert [str(x)[:7] for x in shaded] == ["2022-06", "2022-07"]  # 15 days before Jul and Aug 1


def test_series_used_borrows_the_region_the_findings_used(app):
    series = pl.DataFrame(
        {
            "region_code": ["654300", "654300"],
            "period": [date(2022, 7, 1)] * 2,
            "indicator": ["cpi", "food"],
            "value_pct": [3.5, 6.0],
        }
    )
    findings = pl.DataFrame(
        {"period": [date(2022, 7, 1)], "cpi_region": ["654300"], "food_region": ["654300"]}
    )
    used = _page("/prices").series_used(series, findings, "654321")
    assert used["region_code"].to_list() == ["654321", "654321"]
    assert used["value_pct"].to_list() == [3.5, 6.0]


def test_monthly_table_exports_to_excel_with_chinese_headers(signed_in):
    prices, _ = signed_in("u", "staff")
    download = prices.prices_export_download(1, "654300")
    sheet = pl.read_excel(io.BytesIO(base64.b64decode(download["content"])))
    assert download["filename"] == "物价联动_654300.xlsx"
    assert sheet.columns[:3] == ["月份", "状态", "CPI 同比"] and sheet.height == 8
    assert sheet.filter(pl.col("月份") == "2022年7月")["资金（万元）"].to_list() == [107.85]


def test_staff_acknowledges_the_selected_alert(signed_in, warehouse):
    _, alerts = signed_in("s1", "staff")
    assert "alerts-ack" in _ids(alerts.layout())
    row = next(
        r for r in alerts.alerts_grid_rows(False, None) if r["region"].endswith("（654301）")
    )
    said = alerts.ack_message(1, [row], "已通知阿勒泰市财政局")
    assert said.color == "success" and f"告警 {row['alert_id']} 已确认" in said.children
    alert = _status(warehouse, row["alert_id"])
    assert (alert["status"], alert["acknowledged_by"], alert["ack_note"]) == (
        "acknowledged",
        "s1",
        "已通知阿勒泰市财政局",
    )
    assert (alert["events"][-1]["actor"], alert["events"][-1]["to_status"]) == (
        "s1",
        "acknowledged",
    )
    refreshed = next(
        r for r in alerts.alerts_grid_rows(False, None) if r["alert_id"] == row["alert_id"]
    )
    assert (refreshed["status"], refreshed["acknowledged_by"]) == ("已确认", "s1")
    history = alerts.alerts_history_children([row], None)
    assert "s1" in str(history) and "告警中 → 已确认" in str(history)
    again = alerts.ack_message(2, [row], None)
    assert again.color == "warning" and again.children == "这条告警已被确认过"


def test_staff_closes_and_silences(signed_in, warehouse):
    _, alerts = signed_in("s1", "staff")
    row = next(
        r for r in alerts.alerts_grid_rows(False, None) if r["region"].endswith("（654322）")
    )
    assert alerts.resolve_message(1, [row], "已整改").color == "success"
    assert _status(warehouse, row["alert_id"])["status"] == "resolved"
    assert row["alert_id"] not in {r["alert_id"] for r in alerts.alerts_grid_rows(False, None)}
    assert row["alert_id"] in {r["alert_id"] for r in alerts.alerts_grid_rows(True, None)}
    assert alerts.alerts_silence_target_value([row], "region") == "654322"
    assert alerts.silence_message(1, "region", "654300", 48, "").color == "warning"  # no reason
    said = alerts.silence_message(1, "region", "654300", 48, "集中整改期间")
    assert said.color == "success" and "地区 6543*" in said.children
    with connect(warehouse, read_only=True) as con:
        silence = query_silences(con, date(2022, 1, 1), active_only=False)[0]
    assert (silence["region_prefix"], silence["author"], silence["reason"]) == (
        "6543",
        "s1",
        "集中整改期间",
    )


@pytest.mark.parametrize(
    ("name", "role", "region"), [("l", "leader", None), ("c", "county", "654321")]
)
def test_read_only_roles_see_no_controls_and_are_refused(signed_in, warehouse, name, role, region):
    _, alerts = signed_in(name, role, region)
    assert not _ids(alerts.layout()) & {"alerts-ack", "alerts-resolve", "alerts-silence"}
    row = next(
        r for r in alerts.alerts_grid_rows(False, None) if r["region"].endswith("（654321）")
    )
    assert _status(warehouse, row["alert_id"])["status"] == "firing"
    for said in (
        alerts.ack_message(1, [row], "试图确认"),
        alerts.resolve_message(1, [row], None),
        alerts.silence_message(1, "region", "654321", 24, "试图静默"),
    ):
        assert said.color == "danger" and "只能查看" in said.children
    assert _status(warehouse, row["alert_id"])["status"] == "firing"


def test_county_user_sees_only_its_own_alerts(signed_in):
    _, alerts = signed_in("c", "county", "654321")
    rows = alerts.alerts_grid_rows(True, None)
    assert rows and {r["region"] for r in rows} == {"布尔津县（654321）"}
    other = {"alert_id": 1}  # the national price alert, outside the county
    assert "没有找到" in alerts.ack_message(1, [other], None).children
    assert alerts.alerts_history_children([other], None)[1].children[1].children == []


def test_alerts_export_to_excel(signed_in):
    _, alerts = signed_in("c", "county", "654321")
    download = alerts.alerts_export_download(1, True)
    sheet = pl.read_excel(io.BytesIO(base64.b64decode(download["content"])))
    assert sheet.columns == [
        "编号",
        "类型",
        "地区",
        "等级",
        "状态",
        "督办步骤",
        "内容",
        "发生时间",
        "确认人",
        "备注",
    ]
    assert set(sheet["地区"]) == {"布尔津县（654321）"} and set(sheet["等级"]) <= {"红灯", "黄灯"}


def test_region_inputs_are_normalised_at_the_boundary(signed_in):
    prices, alerts = signed_in("s1", "staff")
    assert alerts.silence_payload("region", " 654300 ", 24, "原因") == {
        "reason": "原因",
        "hours": 24.0,
        "region_prefix": "6543",
    }
    assert alerts.silence_payload("region", "654321", 24, "原因")["region_prefix"] == "654321"
    refused = alerts.silence_payload("region", "6543", 24, "原因")
    assert "地区代码应为 6 位数字" in refused and "'6543'" in refused
    assert alerts.silence_payload("region", "000000", 24, "原因").startswith("请填写")  # not all
    assert alerts.silence_payload("rule", "altay-price", 24, "原因")["rule_id"] == "altay-price"
    assert _find(prices.layout(region=" 654300 "), "prices-region").value == "654300"
    assert _find(prices.layout(region="not-a-code"), "prices-region").value == "654300"


def test_region_param_keeps_codes_and_drops_the_rest():
    from dashboard.data import region_param

    assert region_param(" 654321 ") == "654321"
    assert region_param("654300-kns") == "654300-KNS"
    assert region_param(None) is None and region_param("") is None
    assert region_param("6543") is None and region_param("阿勒泰") is None


def test_the_alerts_grid_labels_every_finding_kind_level_and_status(signed_in):
    from datetime import UTC, datetime

    from triggers.vocabulary import FINDING_KINDS

    _, alerts = signed_in("s1", "staff")
    n = len(FINDING_KINDS)
    frame = pl.DataFrame(
        {
            "alert_id": range(1, n + 1),
            "kind": list(FINDING_KINDS),
            "region_code": ["654301"] * n,
            "level": (["red", "yellow"] * n)[:n],
            "status": (["firing", "acknowledged", "resolved"] * n)[:n],
            "escalation_step": [None] * n,
            "message": ["内容"] * n,
            "opened_at": [datetime(2022, 9, 30, 1, tzinfo=UTC)] * n,
            "acknowledged_by": [None] * n,
            "ack_note": [None] * n,
        },
        schema_overrides={
            "escalation_step": pl.String,
            "acknowledged_by": pl.String,
            "ack_note": pl.String,
        },
    )
    table = alerts.alert_table(frame)
    assert table["kind"].to_list() == [
        "物价联动",
        "直达资金",
        "专项债券",
        "结转结余",
        "限期目标",
        "逐项限额",
        "按时报送",
        "系统运行",
    ]
    assert table["level"].to_list()[:2] == ["红灯", "黄灯"]
    assert table["status"].to_list()[:3] == ["告警中", "已确认", "已恢复"]
