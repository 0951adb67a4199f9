"""Alerts (告警): the list in the viewer's scope, one alert's history, and for staff the actions
acknowledge, close and silence (queued as the signed-in user, refused server-side for others)."""

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, callback, dcc, html

from dashboard import actions, data
from dashboard.alert_forms import controls, silence_payload
from dashboard.alert_grid import HEADERS, alert_grid, alert_table, history_table
from dashboard.components import export_button, header, message
from dashboard.excel import to_excel
from triggers import lifecycle
from warehouse import reads

dash.register_page(__name__, path="/alerts", name="告警", order=4)

VERBS = {"ack": "已确认", "resolve": "已关闭"}
ACTIONS = {"ack": "acknowledge", "resolve": "resolve"}  # the page's action → lifecycle's
# how the page words lifecycle's refusals (action, status), as staff have always read them
REFUSALS = {
    ("acknowledge", "acknowledged"): "这条告警已被确认过",
    ("acknowledge", "resolved"): "这条告警已恢复，无需确认",
    ("resolve", "resolved"): "这条告警已恢复，无需关闭",
}


def layout(**_kwargs):
    """Return the alert list of the signed-in user's scope, with actions for staff."""
    try:
        rows = alert_table(data.read(reads.query_alerts, data.scope(), True))
    except data.DataUnavailable as exc:
        return html.Div([header("告警"), message(str(exc))])
    side = (
        controls()
        if data.user().may_act
        else message("当前角色只能查看告警；处理请联系财政干部。", "info")
    )
    return html.Div(
        [
            header("告警", "默认只列未恢复的告警；点选一行查看处理记录"),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Switch(id="alerts-all", label="显示全部（含已恢复）", value=False),
                        width="auto",
                    ),
                    dbc.Col(export_button("alerts-export"), width="auto"),
                ],
                className="g-3 align-items-center mb-2 no-print",
            ),
            alert_grid(rows),
            html.Div(id="alerts-message"),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.H5("处理记录"),
                            html.Div(
                                message("请在上表中选择一条告警", "light"), id="alerts-history"
                            ),
                        ],
                        md=7,
                    ),
                    dbc.Col(side, md=5, className="no-print"),
                ],
                className="mt-2",
            ),
        ],
        id="alerts",
    )


@callback(
    Output("alerts-grid", "rowData"),
    Input("alerts-all", "value"),
    Input("alerts-message", "children"),
    prevent_initial_call=True,
)
def alerts_grid_rows(show_all: bool, _message) -> list[dict]:
    """Return the alerts (open only unless `show_all`), refreshed after each action."""
    return alert_table(data.read(reads.query_alerts, data.scope(), not show_all)).to_dicts()


def _selected(rows: list[dict] | None) -> int | None:
    return int(rows[0]["alert_id"]) if rows else None


def _events(alert_id: int) -> pl.DataFrame:
    return data.read(reads.query_alert_events, data.scope(), alert_id)


@callback(
    Output("alerts-history", "children"),
    Input("alerts-grid", "selectedRows"),
    Input("alerts-message", "children"),
    prevent_initial_call=True,
)
def alerts_history_children(selected: list[dict] | None, _message):
    """Return the history of the selected alert."""
    alert_id = _selected(selected)
    if alert_id is None:
        return message("请在上表中选择一条告警", "light")
    events = _events(alert_id)
    title = f"告警 {alert_id}：{selected[0].get('message', '')}"
    return [html.Div(title, className="fw-bold mb-1"), history_table(events)]


@callback(
    Output("alerts-silence-target", "value"),
    Input("alerts-grid", "selectedRows"),
    Input("alerts-silence-by", "value"),
    prevent_initial_call=True,
)
def alerts_silence_target_value(selected: list[dict] | None, by: str):
    """Return the selected alert's region code or rule id, to silence alerts like it."""
    alert_id = _selected(selected)
    if alert_id is None or not data.user().may_act:  # staff see every alert: no scope to keep
        return dash.no_update
    code = data.read(reads.query_alert, alert_id)
    return code["rule_id"] if by == "rule" else code["region_code"]


def _refusal(kind: str, events: pl.DataFrame) -> str | None:
    if events.is_empty():
        return "没有找到这条告警（可能不在您的查看范围内）"
    action, status = ACTIONS[kind], events["to_status"][-1]
    if (reason := lifecycle.refusal(action, status)) is None:
        return None
    return REFUSALS.get((action, status), f"这条告警{reason}")


def _handle(kind: str, selected: list[dict] | None, note: str | None) -> dbc.Alert:
    alert_id = _selected(selected)
    if alert_id is None:
        return message("请先在表中选择一条告警")
    try:
        if problem := _refusal(kind, _events(alert_id)):
            return message(problem)
        sentence = actions.act(kind, {"note": (note or "").strip() or None}, alert_id)
    except actions.NotAllowed as exc:
        return message(str(exc), "danger")
    return message(f"告警 {alert_id} {VERBS[kind]}：{sentence}", "success")


@callback(
    Output("alerts-message", "children", allow_duplicate=True),
    Input("alerts-ack", "n_clicks"),
    State("alerts-grid", "selectedRows"),
    State("alerts-note", "value"),
    prevent_initial_call=True,
)
def ack_message(_clicks, selected: list[dict] | None, note: str | None):
    """Return what acknowledging the selected alert did."""
    return _handle("ack", selected, note)


@callback(
    Output("alerts-message", "children", allow_duplicate=True),
    Input("alerts-resolve", "n_clicks"),
    State("alerts-grid", "selectedRows"),
    State("alerts-note", "value"),
    prevent_initial_call=True,
)
def resolve_message(_clicks, selected: list[dict] | None, note: str | None):
    """Return what closing the selected alert did."""
    return _handle("resolve", selected, note)


@callback(
    Output("alerts-message", "children", allow_duplicate=True),
    Input("alerts-silence", "n_clicks"),
    State("alerts-silence-by", "value"),
    State("alerts-silence-target", "value"),
    State("alerts-silence-hours", "value"),
    State("alerts-silence-reason", "value"),
    prevent_initial_call=True,
)
def silence_message(_clicks, by: str, target: str | None, hours, reason: str | None):
    """Return what silencing by region prefix or rule did."""
    payload = silence_payload(by, target, hours, reason)
    if isinstance(payload, str):
        return message(payload)
    try:
        sentence = actions.act("silence", payload)
    except actions.NotAllowed as exc:
        return message(str(exc), "danger")
    what = f"地区 {payload['region_prefix']}*" if by == "region" else f"规则 {payload['rule_id']}"
    return message(f"已静默{what} {payload['hours']:g} 小时：{sentence}", "success")


@callback(
    Output("alerts-export-download", "data"),
    Input("alerts-export", "n_clicks"),
    State("alerts-all", "value"),
    prevent_initial_call=True,
)
def alerts_export_download(_clicks, show_all: bool) -> dict:
    """Return the listed alerts as an Excel download."""
    rows = alert_table(data.read(reads.query_alerts, data.scope(), not show_all))
    return dcc.send_bytes(to_excel(rows, HEADERS, "告警"), "告警.xlsx")
