"""Alerts (告警): the list in the viewer's scope, one alert's history, and for staff the actions
acknowledge, close and silence (queued as the signed-in user, refused server-side for others)."""

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, callback, dcc, html

from dashboard import actions, data
from dashboard.components import LEVEL_STYLE, export_button, grid, header, message
from dashboard.excel import to_excel
from dashboard.format import FINDING_KINDS, LEVEL_WORDS, STATUS
from triggers import lifecycle
from triggers.jurisdictions import RegionCodeError, normalise_region, prefix
from warehouse import reads

dash.register_page(__name__, path="/alerts", name="告警", order=4)

HEADERS = {
    "alert_id": "编号", "kind": "类型", "region": "地区", "level": "等级", "status": "状态",
    "escalation_step": "督办步骤", "message": "内容", "opened_at": "发生时间",
    "acknowledged_by": "确认人", "ack_note": "备注",
}  # fmt: skip
VERBS = {"ack": "已确认", "resolve": "已关闭"}
ACTIONS = {"ack": "acknowledge", "resolve": "resolve"}  # the page's action → lifecycle's
# how the page words lifecycle's refusals (action, status), as staff have always read them
REFUSALS = {
    ("acknowledge", "acknowledged"): "这条告警已被确认过",
    ("acknowledge", "resolved"): "这条告警已恢复，无需确认",
    ("resolve", "resolved"): "这条告警已恢复，无需关闭",
}
MAX_SILENCE_HOURS = 24 * 30


def _region_names() -> dict[str, str]:
    return data.region_names()


def _beijing(column: str) -> pl.Expr:
    return pl.col(column).dt.convert_time_zone("Asia/Shanghai").dt.strftime("%Y年%m月%d日 %H:%M")


def alert_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Return query_alerts' rows as the grid shows them (Chinese words, Beijing time)."""
    names = _region_names()
    return frame.select(
        "alert_id",
        pl.col("kind").replace_strict(FINDING_KINDS, default=pl.col("kind")),
        pl.format("{}（{}）", pl.col("region_code").replace_strict(names, default=pl.lit("")),
                  pl.col("region_code")).alias("region"),
        pl.col("level").replace_strict(LEVEL_WORDS, default=pl.col("level")),
        pl.col("status").replace_strict(STATUS, default=pl.col("status")),
        "escalation_step", "message", _beijing("opened_at").alias("opened_at"),
        pl.col("acknowledged_by").fill_null(""), pl.col("ack_note").fill_null(""),
    )  # fmt: skip


def _change(row: dict) -> str:
    word = {None: "新建", **STATUS}
    text = f"{word.get(row['from_status'])} → {word.get(row['to_status'])}"
    before, after = (LEVEL_WORDS.get(lv, lv) for lv in (row["from_level"], row["to_level"]))
    if row["from_level"] == row["to_level"]:
        return text
    return f"{text}（{after}）" if before is None else f"{text}（{before} → {after}）"


def history_table(events: pl.DataFrame) -> dbc.Table:
    """Return one alert's events: when, who, from → to, note."""
    rows = [html.Tr([html.Td(r["when"]), html.Td("系统" if r["actor"] == "system" else r["actor"]),
                     html.Td(_change(r)), html.Td(r["note"] or "")])
            for r in events.with_columns(_beijing("happened_at").alias("when")).iter_rows(named=True)]  # fmt: skip
    head = html.Thead(html.Tr([html.Th(h) for h in ("时间", "处理人", "状态变化", "备注")]))
    return dbc.Table([head, html.Tbody(rows)], size="sm", striped=True, id="alerts-events")


WRAP = {
    "wrapText": True,
    "autoHeight": True,
    "cellStyle": {"lineHeight": "1.6", "padding": "6px 12px"},
}
WIDTHS = {
    "alert_id": 80, "kind": 100, "region": 190, "level": 90, "status": 90,
    "escalation_step": 100, "opened_at": 190, "acknowledged_by": 100, "ack_note": 180,
}  # fmt: skip


def _columns() -> list[dict]:
    return [{"field": f, "headerName": h,
             **({"width": WIDTHS[f]} if f in WIDTHS else {"flex": 1, "minWidth": 360}),
             **({"cellStyle": LEVEL_STYLE} if f == "level" else {}),
             **(WRAP if f in ("message", "ack_note") else {})}
            for f, h in HEADERS.items()]  # fmt: skip


def _alert_grid(rows: pl.DataFrame):
    table = grid("alerts-grid", rows, _columns(), height=480)
    table.getRowId = "params.data.alert_id"  # keeps the selection when the rows are refreshed
    table.defaultColDef = table.defaultColDef | {"wrapHeaderText": True, "autoHeaderHeight": True}
    table.dashGridOptions = table.dashGridOptions | {
        "rowSelection": {"mode": "singleRow", "enableClickSelection": True, "checkboxes": False}
    }
    return table


def _field(label: str, control) -> dbc.Row:
    return dbc.Row([dbc.Label(label, width=4), dbc.Col(control)], className="mb-2")


def _controls() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H5("处理选中的告警"),
        dbc.Textarea(id="alerts-note", placeholder="备注：处理情况或原因（将记入处理记录）", className="mb-2"),
        dbc.Button("确认", id="alerts-ack", color="primary", className="me-2"),
        dbc.Button("关闭", id="alerts-resolve", color="danger", outline=True),
        html.Hr(),
        html.H5("静默（期间告警照常变化，但不发送通知）"),
        _field("范围", dbc.RadioItems(id="alerts-silence-by", value="region", inline=True,
                                    options=[{"label": "按地区", "value": "region"},
                                             {"label": "按规则", "value": "rule"}])),
        _field("地区/规则", dbc.Input(id="alerts-silence-target", placeholder="地区代码（654300 为阿勒泰地区全部）或规则编号")),
        _field("时长（小时）", dbc.Input(id="alerts-silence-hours", type="number", value=24, min=1,
                                      max=MAX_SILENCE_HOURS)),
        _field("原因", dbc.Input(id="alerts-silence-reason", placeholder="必填")),
        dbc.Button("静默", id="alerts-silence", color="secondary"),
    ]), id="alerts-controls")  # fmt: skip


def layout(**_kwargs):
    """Return the alert list of the signed-in user's scope, with actions for staff."""
    try:
        rows = alert_table(data.read(reads.query_alerts, data.scope(), True))
    except data.DataUnavailable as exc:
        return html.Div([header("告警"), message(str(exc))])
    side = (
        _controls()
        if data.user().may_act
        else message("当前角色只能查看告警；处理请联系财政干部。", "info")
    )
    return html.Div([
        header("告警", "默认只列未恢复的告警；点选一行查看处理记录"),
        dbc.Row([dbc.Col(dbc.Switch(id="alerts-all", label="显示全部（含已恢复）", value=False), width="auto"),
                 dbc.Col(export_button("alerts-export"), width="auto")],
                className="g-3 align-items-center mb-2 no-print"),
        _alert_grid(rows),
        html.Div(id="alerts-message"),
        dbc.Row([dbc.Col([html.H5("处理记录"), html.Div(message("请在上表中选择一条告警", "light"),
                                                        id="alerts-history")], md=7),
                 dbc.Col(side, md=5, className="no-print")], className="mt-2"),
    ], id="alerts")  # fmt: skip


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


def silence_payload(by: str, target: str | None, hours, reason: str | None) -> dict | str:
    """Return the silence payload for the form, or the sentence saying what is missing."""
    target, reason = (target or "").strip(), (reason or "").strip()
    if by == "region" and target:
        try:
            target = prefix(normalise_region(target))
        except RegionCodeError as exc:
            return str(exc)
    if not target or not reason:
        return "请填写静默的地区代码（不能是全国）或规则编号，以及原因"
    if hours is None or not 0 < float(hours) <= MAX_SILENCE_HOURS:
        return f"静默时长须在 1 到 {MAX_SILENCE_HOURS} 小时之间"
    key = "region_prefix" if by == "region" else "rule_id"
    return {"reason": reason, "hours": float(hours), key: target}


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
