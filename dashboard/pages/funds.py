"""Direct funds (直达资金): every fund's light in the viewer's scope, its history, an Excel export."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
import polars.selectors as cs
from dash import Input, Output, State, dcc, html

from dashboard import data, figures
from dashboard.components import LEVEL_STYLE, export_button, grid, header, message
from dashboard.excel import to_excel
from dashboard.format import LEVELS, day
from warehouse import reports

dash.register_page(__name__, path="/funds", name="直达资金", order=2)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHEET = "直达资金预警"
HINT = "点击表格中的一行，查看该资金历次快照的分配率和支出进度。"
WAN = 10_000
# field → (header, kind, width in px); kinds decide formatting in the grid
COLUMNS = {
    "region_name": ("地区", "text", 110),
    "fund_name": ("资金名称", "name", 165),
    "fund_code": ("资金编码", "text", 120),
    "department": ("主管部门", "text", 100),
    "received_wan": ("上级下达(万元)", "money", 110),
    "allocated_wan": ("已分配(万元)", "money", 110),
    "paid_wan": ("已支出(万元)", "money", 110),
    "allocation_pct": ("分配率", "pct", 90),
    "spending_pct": ("支出进度", "pct", 90),
    "time_pct": ("时序进度", "pct", 90),
    "allocation_deadline": ("分配期限", "date", 130),
    "level_word": ("等级", "level", 85),
    "reasons": ("原因", "reason", 220),
}
PINNED = ("region_name", "fund_name")
EXCEL_HEADERS = {"region_code": "地区编码"} | {
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
    """Return fund warnings as shown: money in 万元, rates in percent, the level's Chinese word."""
    words = {level: word for level, (word, _) in LEVELS.items()}
    return frame.with_columns(
        *[(pl.col(f"{name}_yuan").cast(pl.Float64) / WAN).round(2).alias(f"{name}_wan")
          for name in ("received", "allocated", "paid")],
        *[(pl.col(rate) * 100).round(1).alias(pct) for rate, pct in (
            ("allocation_rate", "allocation_pct"), ("spending_rate", "spending_pct"),
            ("time_progress", "time_pct"))],
        level_word=pl.col("level").replace_strict(words, default=pl.col("level")),
    )  # fmt: skip


def grid_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Return the grid's frame: `table` with dates as ISO text, yuan dropped (ids kept)."""
    shown = table(frame).with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    return shown.drop(cs.ends_with("_yuan"))


def rows(frame: pl.DataFrame) -> list[dict]:
    """Return the grid rows of fund warnings."""
    return grid_frame(frame).to_dicts()


def summary(frame: pl.DataFrame) -> str:
    """Return '共 44 项：红灯 16 · 黄灯 10 …' for the rows shown."""
    levels = frame["level"].to_list()
    parts = " · ".join(f"{word} {levels.count(level)}" for level, (word, _) in LEVELS.items())
    capped = (
        f"（仅显示前 {reports.MAX_ROWS:,} 项，请用筛选缩小范围）"
        if frame.height >= reports.MAX_ROWS
        else ""
    )
    as_of = f"数据截至 {day(frame['as_of'].max())}，" if frame.height else ""
    return f"{as_of}共 {frame.height} 项：{parts}{capped}"


def history_figure(snapshots: pl.DataFrame, row: dict) -> go.Figure:
    """Return one fund's allocation and spending rates over its snapshots."""
    title = f"{row['region_name']} · {row['fund_name']}（{row['fund_code']}）历次快照"
    fig = figures.history(
        snapshots, {"allocation_rate": "分配率", "spending_rate": "支出进度"}, title
    )
    return fig.update_xaxes(tickformat="%Y年%-m月", dtick="M1", hoverformat="%Y年%-m月%-d日")


def export_name(now: datetime | None = None) -> str:
    """Return '直达资金预警_YYYYMMDD.xlsx' for today in Beijing time."""
    return f"{SHEET}_{(now or datetime.now(SHANGHAI)):%Y%m%d}.xlsx"


def _options(frame: pl.DataFrame, value: str, label: str) -> list[dict]:
    pairs = frame.select(value, label).unique().sort(value).drop_nulls()
    return [{"value": v, "label": text} for v, text in pairs.iter_rows()]


def _filters(regions: pl.DataFrame, departments: list[str], region, level, department) -> dbc.Row:
    def drop(id_, options, value, placeholder):
        return dbc.Col(dcc.Dropdown(id=id_, options=options, value=value, placeholder=placeholder,
                                    clearable=True), md=3)  # fmt: skip

    return dbc.Row([
        drop("funds-region", _options(regions, "region_code", "region_name"), region, "全部地区"),
        drop("funds-level", [{"value": lv, "label": w} for lv, (w, _) in LEVELS.items()], level, "全部等级"),
        drop("funds-department", [{"value": d, "label": d} for d in departments], department, "全部主管部门"),
        dbc.Col([export_button("funds-export"), html.Span(id="funds-export-status")], md=3),
    ], className="g-2 mb-2 align-items-center no-print")  # fmt: skip


# components.grid gives click selection and Chinese paging; tooltips only where text is cut off
GRID_OPTIONS = {"tooltipShowDelay": 300, "tooltipShowMode": "whenTruncated"}


def _grid(grid_id: str, frame: pl.DataFrame):
    table_grid = grid(grid_id, frame, column_defs())
    table_grid.dashGridOptions = {**table_grid.dashGridOptions, **GRID_OPTIONS}
    return table_grid


def layout(region: str | None = None, level: str | None = None, department: str | None = None,
           **_kwargs):  # fmt: skip
    """Return the fund-warnings page for the signed-in user's scope (filters may come from the URL)."""
    scope = data.scope()
    try:
        regions = data.read(reports.query_regions, scope)
        everything = data.read(reports.query_fund_warnings, scope)
        filtered = region or level or department
        frame = (
            data.read(reports.query_fund_warnings, scope, region, level, department)
            if filtered
            else everything
        )
    except data.DataUnavailable as exc:
        return html.Div([header("直达资金"), message(str(exc))])
    departments = sorted(everything["department"].drop_nulls().unique().to_list())
    return html.Div([
        header("直达资金", "红灯优先；点击一行查看历次快照；导出的 Excel 与当前筛选一致"),
        _filters(regions, departments, region, level, department),
        html.Div(summary(frame), id="funds-summary", className="mb-1 text-muted"),
        _grid("funds-grid", grid_frame(frame)),
        html.Div(message(HINT, "info"), id="funds-history", className="mt-2"),
    ], id="funds")  # fmt: skip


FILTERS = [State("funds-region", "value"), State("funds-level", "value"),
           State("funds-department", "value")]  # fmt: skip


@dash.callback(
    Output("funds-grid", "rowData"), Output("funds-summary", "children"),
    Input("funds-region", "value"), Input("funds-level", "value"), Input("funds-department", "value"),
    prevent_initial_call=True,
)  # fmt: skip
def grid_rows(region, level, department):
    """Return the rows and their summary for the filters, re-queried in the viewer's scope."""
    try:
        frame = data.read(reports.query_fund_warnings, data.scope(), region, level, department)
    except data.DataUnavailable as exc:
        return [], message(str(exc))
    return rows(frame), summary(frame)


@dash.callback(
    Output("funds-history", "children"),
    Input("funds-grid", "selectedRows"),
    prevent_initial_call=True,
)
def history_panel(selected):
    """Return the selected fund's history chart (or the hint when nothing is selected)."""
    if not selected:
        return message(HINT, "info")
    row = selected[0]
    try:
        snapshots = data.read(
            reports.query_fund_history, data.scope(), row["region_code"], row["fund_code"]
        )
    except data.DataUnavailable as exc:
        return message(str(exc))
    return dcc.Graph(
        id="funds-history-graph",
        figure=history_figure(snapshots, row),
        config={"displayModeBar": False},
    )


@dash.callback(
    Output("funds-export-download", "data"), Output("funds-export-status", "children"),
    Input("funds-export", "n_clicks"), *FILTERS, prevent_initial_call=True,
)  # fmt: skip
def excel_download(_clicks, region, level, department):
    """Return the xlsx of the same scoped query as the grid, with the current filters."""
    try:
        frame = data.read(reports.query_fund_warnings, data.scope(), region, level, department)
    except data.DataUnavailable as exc:
        return dash.no_update, message(str(exc))
    return dcc.send_bytes(to_excel(table(frame), EXCEL_HEADERS, SHEET), export_name()), ""
