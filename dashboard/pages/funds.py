"""Direct funds (直达资金): every fund's light in the viewer's scope, its history, an Excel export."""

import dash
import plotly.graph_objects as go
import polars as pl
from dash import html

from dashboard import columns, data, figures
from dashboard.components import header, message
from dashboard.format import LEVELS
from warehouse import reads

dash.register_page(__name__, path="/funds", name="直达资金", order=2)

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


def history_figure(snapshots: pl.DataFrame, row: dict) -> go.Figure:
    """Return one fund's allocation and spending rates over its snapshots."""
    title = f"{row['region_name']} · {row['fund_name']}（{row['fund_code']}）历次快照"
    return figures.history(
        snapshots, {"allocation_rate": "分配率", "spending_rate": "支出进度"}, title
    )


PAGE = columns.Findings(
    prefix="funds",
    source="fund_warnings",
    query=reads.query_fund_warnings,
    history=reads.query_fund_history,
    key="fund_code",
    figure=history_figure,
    columns=COLUMNS,
    pinned=("region_name", "fund_name"),
    money=("received", "allocated", "paid"),
    rates={
        "allocation_rate": "allocation_pct",
        "spending_rate": "spending_pct",
        "time_progress": "time_pct",
    },
    levels=LEVELS,
    counted=("项", "项"),
    sheet="直达资金预警",
    extra_headers={"region_code": "地区编码"},
    hint="点击表格中的一行，查看该资金历次快照的分配率和支出进度。",
)
rows, summary, export_name = PAGE.rows, PAGE.summary, PAGE.export_name
grid_rows, history_panel, excel_download = columns.callbacks(PAGE)


def layout(
    region: str | None = None, level: str | None = None, department: str | None = None, **_kwargs
):
    """Return the fund-warnings page for the signed-in user's scope (filters may come from the URL)."""
    region = data.region_param(region)
    try:
        regions, departments, frame = columns.read(PAGE, region, level, department)
    except data.DataUnavailable as exc:
        return html.Div([header("直达资金"), message(str(exc))])
    options = columns.options(regions, "region_code", "region_name")
    return html.Div(
        [
            header("直达资金", "红灯优先；点击一行查看历次快照；导出的 Excel 与当前筛选一致"),
            *columns.body(PAGE, frame, options, departments, region, level, department),
        ],
        id="funds",
    )
