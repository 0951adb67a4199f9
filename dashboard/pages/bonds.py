"""Special bonds (专项债券): county progress, every project's light and escalation, an Excel export."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
import polars.selectors as cs
from dash import Input, Output, State, dcc, html

from dashboard import data, figures
from dashboard.components import LEVEL_STYLE, badge, export_button, grid, header, message
from dashboard.excel import to_excel
from dashboard.format import LEVELS, day, money, pct
from warehouse import reports

dash.register_page(__name__, path="/bonds", name="专项债券", order=3)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHEET = "专项债券项目"
HINT = "点击表格中的一行，查看该项目历次快照的支出进度。"
WAN = 10_000
BOND_LEVELS = {level: LEVELS[level] for level in ("red", "yellow", "green")}
# field → (header, kind, width in px); kinds decide formatting in the grid
COLUMNS = {
    "region_name": ("县市", "text", 90),
    "project": ("项目名称", "name", 200),
    "project_unit": ("项目单位", "name", 125),
    "department": ("主管部门", "text", 100),
    "quota_wan": ("债券额度(万元)", "money", 110),
    "spent_wan": ("累计支出(万元)", "money", 110),
    "spending_pct": ("支出进度", "pct", 90),
    "deadline": ("截止日期", "date", 140),
    "projected_date": ("预计达标日期", "date", 140),
    "level_word": ("等级", "level", 80),
    "escalation_step": ("督办步骤", "text", 85),
    "reason": ("说明", "reason", 220),
}
PINNED = ("region_name", "project")
EXCEL_HEADERS = {"region_code": "县市编码"} | {
    field: name + ("(%)" if kind == "pct" else "") for field, (name, kind, _) in COLUMNS.items()
}
_WORDS = json.dumps([word for word, _ in LEVELS.values()], ensure_ascii=False)
_RIGHT = {"filter": "agNumberColumnFilter", "type": "rightAligned"}
KINDS = {
    "text": {},
    "name": {"wrapText": True, "autoHeight": True, "cellStyle": {"lineHeight": "1.4", "paddingTop": "6px",
                                                                 "paddingBottom": "6px"}},
    "money": _RIGHT | {"valueFormatter": {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"}},
    "pct": _RIGHT | {"valueFormatter": {"function": "params.value == null ? '—' : d3.format('.1f')(params.value) + '%'"}},
    "date": {"valueFormatter": {"function": "params.value ? d3.timeFormat('%Y年%-m月%-d日')"
                                            "(d3.timeParse('%Y-%m-%d')(params.value)) : '—'"}},
    "level": {"cellStyle": LEVEL_STYLE,
              "comparator": {"function": f"{_WORDS}.indexOf(valueA) - {_WORDS}.indexOf(valueB)"}},
    "reason": {"flex": 1, "wrapText": True, "autoHeight": True,
               "cellStyle": {"lineHeight": "1.4", "paddingTop": "6px", "paddingBottom": "6px"}},
}  # fmt: skip


def column_defs() -> list[dict]:
    """Return the grid's column definitions (Chinese headers, formatted numbers, coloured level)."""
    return [
        {
            "field": field,
            "headerName": name,
            **KINDS[kind],
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        }
        | ({"minWidth": width} if kind == "reason" else {"width": width, "minWidth": 60})
        | ({"tooltipField": field} if kind in ("text", "name", "reason") else {})
        | ({"pinned": "left"} if field in PINNED else {})
        for field, (name, kind, width) in COLUMNS.items()
    ]


def table(frame: pl.DataFrame) -> pl.DataFrame:
    """Return bond rows as shown: money in 万元, spending in percent, the level's Chinese word."""
    words = {level: word for level, (word, _) in LEVELS.items()}
    return frame.with_columns(
        quota_wan=(pl.col("quota_yuan").cast(pl.Float64) / WAN).round(2),
        spent_wan=(pl.col("spent_yuan").cast(pl.Float64) / WAN).round(2),
        spending_pct=(pl.col("spending_rate") * 100).round(1),
        level_word=pl.col("level").replace_strict(words, default=pl.col("level")),
    )


def grid_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Return the grid's frame: `table` with dates as ISO text, yuan dropped (ids kept)."""
    shown = table(frame).with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    return shown.drop(cs.ends_with("_yuan"))


def rows(frame: pl.DataFrame) -> list[dict]:
    """Return the grid rows of bond projects."""
    return grid_frame(frame).to_dicts()


def summary(frame: pl.DataFrame) -> str:
    """Return '共 14 个项目：红灯 10 · 黄灯 0 · 绿灯 4' for the rows shown."""
    levels = frame["level"].to_list()
    parts = " · ".join(f"{word} {levels.count(level)}" for level, (word, _) in BOND_LEVELS.items())
    capped = (
        f"（仅显示前 {reports.MAX_ROWS:,} 个，请用筛选缩小范围）"
        if frame.height >= reports.MAX_ROWS
        else ""
    )
    as_of = f"数据截至 {day(frame['as_of'].max())}，" if frame.height else ""
    return f"{as_of}共 {frame.height} 个项目：{parts}{capped}"


def county_cards(counties: pl.DataFrame) -> list[dbc.Col]:
    """Return one card per county: quota, spent, progress against target, deadline, projection."""
    return [
        dbc.Col(dbc.Card(dbc.CardBody([
            html.Div([html.Strong(c["region_name"], className="me-2"), badge(c["level"]),
                      html.Span(f"{c['projects']} 个项目", className="text-muted small")]),
            html.Div([html.Span(pct(c["spending_rate"]), className="value me-2"),
                      html.Span(f"支出进度（目标 {pct(c['target_rate'])}）", className="small text-muted")]),
            html.Div(f"额度 {money(c['quota_yuan'])} · 已支出 {money(c['spent_yuan'])}", className="small"),
            html.Div(f"截止日期 {day(c['deadline'])} · 预计达标 {_projected(c)}", className="small"),
            html.Div(c["reason"], className="small text-muted"),
        ]), className=f"kpi {c['level']} h-100 county-card"), xs=12, md=6, xl=3)
        for c in counties.iter_rows(named=True)
    ]  # fmt: skip


def _projected(county: dict) -> str:
    if county["projected_date"]:
        return day(county["projected_date"])
    return "已达标" if (county["spending_rate"] or 0) >= county["target_rate"] else "—"


def history_figure(snapshots: pl.DataFrame, row: dict) -> go.Figure:
    """Return one project's spending rate over its snapshots, with the target and the deadline."""
    title = f"{row['region_name']} · {row['project']} 历次快照"
    fig = figures.history(snapshots, {"spending_rate": "支出进度"}, title)
    fig.update_xaxes(tickformat="%Y年%-m月", dtick="M1", hoverformat="%Y年%-m月%-d日")
    if snapshots.height and row.get("target_rate") is not None:
        fig.add_hline(y=row["target_rate"] * 100, line_dash="dash", line_color="#c62828",
                      annotation_text=f"目标 {pct(row['target_rate'])}")  # fmt: skip
    if snapshots.height and row.get("deadline"):
        fig.add_vline(x=row["deadline"], line_dash="dot", line_color="#555")
        fig.add_annotation(x=row["deadline"], y=100, text=f"截止 {day(date.fromisoformat(row['deadline']))}", showarrow=False,
                           yanchor="bottom", font=dict(size=11, color="#555"))  # fmt: skip
    return fig


def export_name(now: datetime | None = None) -> str:
    """Return '专项债券项目_YYYYMMDD.xlsx' for today in Beijing time."""
    return f"{SHEET}_{(now or datetime.now(SHANGHAI)):%Y%m%d}.xlsx"


def _filters(regions: list[dict], departments: list[str], region, level, department) -> dbc.Row:
    def drop(id_, options, value, placeholder):
        return dbc.Col(dcc.Dropdown(id=id_, options=options, value=value, placeholder=placeholder,
                                    clearable=True), md=3)  # fmt: skip

    return dbc.Row([
        drop("bonds-region", regions, region, "全部县市"),
        drop("bonds-level", [{"value": lv, "label": w} for lv, (w, _) in BOND_LEVELS.items()], level, "全部等级"),
        drop("bonds-department", [{"value": d, "label": d} for d in departments], department, "全部主管部门"),
        dbc.Col([export_button("bonds-export"), html.Span(id="bonds-export-status")], md=3),
    ], className="g-2 mb-2 align-items-center no-print")  # fmt: skip


# components.grid gives click selection and Chinese paging; tooltips only where text is cut off
GRID_OPTIONS = {"tooltipShowDelay": 300, "tooltipShowMode": "whenTruncated"}


def _grid(grid_id: str, frame: pl.DataFrame):
    table_grid = grid(grid_id, frame, column_defs())
    table_grid.dashGridOptions = {**table_grid.dashGridOptions, **GRID_OPTIONS}
    return table_grid


def layout(region: str | None = None, level: str | None = None, department: str | None = None,
           **_kwargs):  # fmt: skip
    """Return the special-bond page for the signed-in user's scope (filters may come from the URL)."""
    scope = data.scope()
    try:
        counties = data.read(reports.query_bond_counties, scope)
        regions = data.read(reports.query_regions, scope)
        everything = data.read(reports.query_bond_projects, scope)
        filtered = region or level or department
        frame = (
            data.read(reports.query_bond_projects, scope, region, level, department)
            if filtered
            else everything
        )
    except data.DataUnavailable as exc:
        return html.Div([header("专项债券"), message(str(exc))])
    with_bonds = regions.filter(
        pl.col("region_code").is_in(everything["region_code"].unique().implode())
    )
    options = [{"value": code, "label": name} for code, name in with_bonds.iter_rows()]
    departments = sorted(everything["department"].drop_nulls().unique().to_list())
    return html.Div([
        header("专项债券", "按县市汇总的支出进度与预计达标日期；项目红灯优先"),
        dbc.Row(county_cards(counties), className="g-2 mb-3", id="bonds-counties")
        if counties.height else message("暂无专项债券数据"),
        _filters(options, departments, region, level, department),
        html.Div(summary(frame), id="bonds-summary", className="mb-1 text-muted"),
        _grid("bonds-grid", grid_frame(frame)),
        html.Div(message(HINT, "info"), id="bonds-history", className="mt-2"),
    ], id="bonds")  # fmt: skip


FILTERS = [State("bonds-region", "value"), State("bonds-level", "value"),
           State("bonds-department", "value")]  # fmt: skip


@dash.callback(
    Output("bonds-grid", "rowData"), Output("bonds-summary", "children"),
    Input("bonds-region", "value"), Input("bonds-level", "value"), Input("bonds-department", "value"),
    prevent_initial_call=True,
)  # fmt: skip
def grid_rows(region, level, department):
    """Return the rows and their summary for the filters, re-queried in the viewer's scope."""
    try:
        frame = data.read(reports.query_bond_projects, data.scope(), region, level, department)
    except data.DataUnavailable as exc:
        return [], message(str(exc))
    return rows(frame), summary(frame)


@dash.callback(
    Output("bonds-history", "children"),
    Input("bonds-grid", "selectedRows"),
    prevent_initial_call=True,
)
def history_panel(selected):
    """Return the selected project's history chart (or the hint when nothing is selected)."""
    if not selected:
        return message(HINT, "info")
    row = selected[0]
    try:
        snapshots = data.read(
            reports.query_bond_history, data.scope(), row["region_code"], row["project"]
        )
    except data.DataUnavailable as exc:
        return message(str(exc))
    return dcc.Graph(
        id="bonds-history-graph",
        figure=history_figure(snapshots, row),
        config={"displayModeBar": False},
    )


@dash.callback(
    Output("bonds-export-download", "data"), Output("bonds-export-status", "children"),
    Input("bonds-export", "n_clicks"), *FILTERS, prevent_initial_call=True,
)  # fmt: skip
def excel_download(_clicks, region, level, department):
    """Return the xlsx of the same scoped query as the grid, with the current filters."""
    try:
        frame = data.read(reports.query_bond_projects, data.scope(), region, level, department)
    except data.DataUnavailable as exc:
        return dash.no_update, message(str(exc))
    return dcc.send_bytes(to_excel(table(frame), EXCEL_HEADERS, SHEET), export_name()), ""
