"""Special bonds (专项债券): county progress, every project's light and escalation, an Excel export."""

from datetime import date

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import html

from dashboard import columns, data, figures
from dashboard.components import badge, header, message
from dashboard.format import LEVELS, day, money, pct
from triggers import vocabulary
from warehouse import reads

dash.register_page(__name__, path="/bonds", name="专项债券", order=3)

HINT = "点击表格中的一行，查看该项目历次快照的支出进度。"
BOND_LEVELS = {level: LEVELS[level] for level in vocabulary.BOND_LEVELS}
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


MAX_CARDS = 24


def county_cards(counties: pl.DataFrame) -> list[dbc.Col]:
    """Return one card per county (red first, then the furthest behind), at most MAX_CARDS.

    A national view has thousands of counties; the rest are one filter away, and the page says so.
    """
    order = pl.col("level").replace_strict({"red": 0, "yellow": 1, "green": 2}, default=3)
    shown = counties.sort(order, pl.col("spending_rate").fill_null(0)).head(MAX_CARDS)
    cards = [
        dbc.Col(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.Div(
                            [
                                html.Strong(c["region_name"], className="me-2"),
                                badge(c["level"]),
                                html.Span(f"{c['projects']} 个项目", className="text-muted small"),
                            ]
                        ),
                        html.Div(
                            [
                                html.Span(pct(c["spending_rate"]), className="value me-2"),
                                html.Span(
                                    f"支出进度（目标 {pct(c['target_rate'])}）",
                                    className="small text-muted",
                                ),
                            ]
                        ),
                        html.Div(
                            f"额度 {money(c['quota_yuan'])} · 已支出 {money(c['spent_yuan'])}",
                            className="small",
                        ),
                        html.Div(
                            f"截止日期 {day(c['deadline'])} · 预计达标 {_projected(c)}",
                            className="small",
                        ),
                        html.Div(c["reason"], className="small text-muted"),
                    ]
                ),
                className=f"kpi {c['level']} h-100 county-card",
            ),
            xs=12,
            md=6,
            xl=3,
        )
        for c in shown.iter_rows(named=True)
    ]
    if counties.height > MAX_CARDS:
        more = counties.height - MAX_CARDS
        cards.append(
            dbc.Col(
                html.Div(
                    f"另有 {more} 个县市未列出卡片：请用上方地区筛选查看",
                    className="text-muted small",
                ),
                xs=12,
            )
        )
    return cards


def _projected(county: dict) -> str:
    if county["projected_date"]:
        return day(county["projected_date"])
    return "已达标" if (county["spending_rate"] or 0) >= county["target_rate"] else "—"


def history_figure(snapshots: pl.DataFrame, row: dict) -> go.Figure:
    """Return one project's spending rate over its snapshots, with the target and the deadline."""
    title = f"{row['region_name']} · {row['project']} 历次快照"
    deadline = date.fromisoformat(row["deadline"]) if row.get("deadline") else None
    return figures.history(
        snapshots,
        {"spending_rate": "支出进度"},
        title,
        target=row.get("target_rate"),
        deadline=deadline,
    )


PAGE = columns.Findings(
    prefix="bonds",
    source="bond_projects",
    query=reads.query_bond_projects,
    history=reads.query_bond_history,
    key="project",
    figure=history_figure,
    columns=COLUMNS,
    pinned=("region_name", "project"),
    money=("quota", "spent"),
    rates={"spending_rate": "spending_pct"},
    levels=BOND_LEVELS,
    counted=("个项目", "个"),
    sheet="专项债券项目",
    extra_headers={"region_code": "县市编码"},
    hint=HINT,
)
rows, summary, export_name = PAGE.rows, PAGE.summary, PAGE.export_name
grid_rows, history_panel, excel_download = columns.callbacks(PAGE)


def layout(
    region: str | None = None, level: str | None = None, department: str | None = None, **_kwargs
):
    """Return the special-bond page for the signed-in user's scope (filters may come from the URL)."""
    region = data.region_param(region)
    try:
        counties = data.read(reads.query_bond_counties, data.scope())
        regions, departments, frame = columns.read(PAGE, region, level, department)
    except data.DataUnavailable as exc:
        return html.Div([header("专项债券"), message(str(exc))])
    # a county has bonds when it has projects: the region filter offers only those
    with_bonds = regions.filter(pl.col("region_code").is_in(counties["region_code"].implode()))
    options = columns.options(with_bonds, "region_code", "region_name")
    return html.Div(
        [
            header("专项债券", "按县市汇总的支出进度与预计达标日期；项目红灯优先"),
            dbc.Row(county_cards(counties), className="g-2 mb-3", id="bonds-counties")
            if counties.height
            else message("暂无专项债券数据"),
            *columns.body(PAGE, frame, options, departments, region, level, department),
        ],
        id="bonds",
    )
