"""Commitments (承诺事项): every checkable promise by commitment and by lead unit, red first; a
commitment or lead unit selected drills down to its items, its disputed debts apart and, per
debtor unit, what is outstanding, cleared and overdue; an Excel of the same scoped query."""

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, callback, dcc, html

from dashboard import commitment_tables as tables
from dashboard import data
from dashboard.columns import export_name, options
from dashboard.components import export_button, header, message
from dashboard.format import LEVELS, day
from triggers.vocabulary import BOND_LEVELS, RULE_KINDS
from warehouse import reads

dash.register_page(__name__, path="/commitments", name="承诺事项", order=3.5)

P = "commitments"
HINT = "点击上方「按承诺事项」或「按牵头单位」表中的一行，只看该承诺或该单位的事项。"
FILTERS = ("region", "kind", "level")


def read_all(region, kind, level, chosen: dict | None) -> dict[str, pl.DataFrame]:
    """Return the page's frames for the filters and the chosen rule or lead unit, in scope."""
    scope, chosen = data.scope(), chosen or {}
    picked = {"rule_id": chosen.get("rule_id"), "lead_unit": chosen.get("lead_unit")}
    q = reads.query_commitments
    frames = {
        "rules": data.read(reads.query_commitment_summary, scope, "rule", region, kind),
        "leads": data.read(reads.query_commitment_summary, scope, "lead_unit", region, kind),
        "items": data.read(q, scope, region, kind, level=level, **picked),
        "disputed": data.read(q, scope, region, kind, level=level, disputed=True, **picked),
        "all": data.read(q, scope, region, kind, disputed=None, limit=None),
    }
    parties = data.read(reads.query_commitment_summary, scope, "party", region, kind, **picked)
    frames["parties"] = parties.filter(pl.col("party").is_not_null())
    return frames


def counts_line(rules: pl.DataFrame) -> str:
    """Return '共 3 项承诺、12 个事项：红灯 4 · 黄灯 3 · 绿灯 5；有分歧欠款 1 笔（另列）'."""
    total = {lv: int(rules[lv].sum()) if rules.height else 0 for lv in BOND_LEVELS}
    parts = " · ".join(f"{LEVELS[lv][0]} {total[lv]}" for lv in BOND_LEVELS)
    items = int(rules["items"].sum()) if rules.height else 0
    disputed = int(rules["disputed_items"].sum()) if rules.height else 0
    apart = f"；有分歧欠款 {disputed} 笔（另列）" if disputed else ""
    return f"共 {rules.height} 项承诺、{items} 个事项：{parts}{apart}"


def _title(chosen: dict | None, rules: pl.DataFrame) -> str:
    if chosen and chosen.get("rule_id"):
        named = rules.filter(pl.col("rule_id") == chosen["rule_id"])["commitment"]
        return f"「{named[0] if named.len() and named[0] else chosen['rule_id']}」的事项"
    if chosen and chosen.get("lead_unit"):
        return f"牵头单位「{chosen['lead_unit']}」的事项"
    return "全部事项（红灯优先）"


def detail(frames: dict, chosen: dict | None) -> list:
    """Return the drill-down: the items, the disputed debts apart, the amounts per debtor unit."""
    items, disputed = frames["items"], frames["disputed"]
    capped = f"（仅显示前 {reads.MAX_ROWS:,} 项）" if items.height >= reads.MAX_ROWS else ""
    return [
        html.H5(_title(chosen, frames["rules"]), id=f"{P}-detail-title", className="mt-3"),
        html.Div(
            f"{items.height} 个事项{capped}" + ("" if chosen else f"。{HINT}"),
            id=f"{P}-detail-count",
            className="text-muted small mb-1",
        ),
        dbc.Tabs(
            [
                dbc.Tab(
                    tables.commitments_grid(
                        f"{P}-items", tables.item_table(items), tables.ITEMS, 440
                    ),
                    label=f"事项（{items.height}）",
                    tab_id="items",
                ),
                dbc.Tab(
                    tables.commitments_grid(
                        f"{P}-disputed", tables.item_table(disputed), tables.ITEMS, 300
                    )
                    if disputed.height
                    else message("无有分歧欠款", "light"),
                    label=f"有分歧欠款（{disputed.height}）",
                    tab_id="disputed",
                ),
                dbc.Tab(
                    tables.commitments_grid(
                        f"{P}-parties", tables.summary_table(frames["parties"]), tables.PARTIES, 360
                    )
                    if frames["parties"].height
                    else message("无按单位统计的金额", "light"),
                    label="按欠款单位",
                    tab_id="parties",
                ),
            ],
            id=f"{P}-tabs",
            active_tab="items",
        ),
    ]


def _filter_row(regions: list[dict], kinds: list[dict], region, kind, level) -> dbc.Row:
    levels = [{"value": lv, "label": LEVELS[lv][0]} for lv in BOND_LEVELS]
    drops = zip(
        FILTERS,
        (regions, kinds, levels),
        (region, kind, level),
        ("全部地区", "全部类型", "全部等级"),
        strict=True,
    )
    return dbc.Row(
        [
            *(
                dbc.Col(
                    dcc.Dropdown(id=f"{P}-{name}", options=choices, value=value, placeholder=text),
                    md=3,
                )
                for name, choices, value, text in drops
            ),
            dbc.Col([export_button(f"{P}-export"), html.Span(id=f"{P}-export-status")], md=3),
        ],
        className="g-2 mb-2 align-items-center no-print",
    )


def summaries(frames: dict) -> tuple[list[dict], list[dict], str]:
    """Return the by-commitment and by-lead-unit rows and the counts line."""
    rules = tables.summary_table(frames["rules"], frames["all"])
    return (
        tables.grid_rows(rules),
        tables.grid_rows(tables.summary_table(frames["leads"])),
        counts_line(frames["rules"]),
    )


def layout(region: str | None = None, kind: str | None = None, level: str | None = None, **_kw):
    """Return the commitments page for the signed-in user's scope (filters may come from the URL)."""
    region = data.region_param(region)
    try:
        frames = read_all(region, kind, level, None)
        regions = data.read(reads.query_commitment_summary, data.scope(), "region")
        every = data.read(reads.query_commitment_summary, data.scope(), "rule")
    except data.DataUnavailable as exc:
        return html.Div([header("承诺事项"), message(str(exc))])
    kinds = [{"value": k, "label": RULE_KINDS.get(k, k)} for k in sorted(set(every["kind"]))]
    as_of = frames["all"]["as_of"].max() if frames["all"].height else None
    subtitle = (
        f"评估日期 {day(as_of)}；" if as_of else ""
    ) + "按承诺事项、按牵头单位汇总，红灯优先"
    rules = tables.summary_table(frames["rules"], frames["all"])
    return html.Div(
        [
            header("承诺事项", subtitle),
            _filter_row(options(regions, "region_code", "region_name"), kinds, region, kind, level),
            html.Div(counts_line(frames["rules"]), id=f"{P}-summary", className="mb-1 text-muted"),
            dcc.Store(id=f"{P}-chosen", data=None),
            html.H5("按承诺事项"),
            tables.commitments_grid(f"{P}-rules", rules, tables.RULES),
            html.H5("按牵头单位", className="mt-2"),
            tables.commitments_grid(
                f"{P}-leads", tables.summary_table(frames["leads"]), tables.LEADS
            ),
            dbc.Button(
                "显示全部事项",
                id=f"{P}-clear",
                color="link",
                size="sm",
                className="mt-2 px-0 no-print",
            ),
            html.Div(detail(frames, None), id=f"{P}-detail"),
        ],
        id=P,
    )


def _inputs(kind=Input) -> list:
    return [kind(f"{P}-{name}", "value") for name in FILTERS]


@callback(
    Output(f"{P}-rules", "rowData"),
    Output(f"{P}-leads", "rowData"),
    Output(f"{P}-summary", "children"),
    Output(f"{P}-chosen", "data", allow_duplicate=True),
    Input(f"{P}-region", "value"),
    Input(f"{P}-kind", "value"),
    prevent_initial_call=True,
)
def commitments_summaries(region, kind):
    """Return both summary tables and the counts for the filters (the choice is cleared)."""
    try:
        frames = read_all(data.region_param(region), kind, None, None)
    except data.DataUnavailable as exc:
        return [], [], message(str(exc)), None
    return *summaries(frames), None


@callback(
    Output(f"{P}-chosen", "data"),
    Input(f"{P}-rules", "selectedRows"),
    Input(f"{P}-leads", "selectedRows"),
    prevent_initial_call=True,
)
def commitments_chosen(rules, leads):
    """Return the rule or lead unit whose row was clicked last (None: nothing chosen)."""
    grid = dash.ctx.triggered_id
    rows = rules if grid == f"{P}-rules" else leads
    if not rows:
        return None
    key = "rule_id" if grid == f"{P}-rules" else "lead_unit"
    return {key: rows[0].get(key)}


@callback(
    Output(f"{P}-rules", "selectedRows"),
    Output(f"{P}-leads", "selectedRows"),
    Input(f"{P}-clear", "n_clicks"),
    prevent_initial_call=True,
)
def commitments_clear(_clicks):
    """Clear the chosen row of both tables (the drill-down then shows every item again)."""
    return [], []


@callback(
    Output(f"{P}-detail", "children"),
    Input(f"{P}-chosen", "data"),
    *_inputs(),
    prevent_initial_call=True,
)
def commitments_detail(chosen, region, kind, level):
    """Return the drill-down for the choice and the filters, re-queried in the viewer's scope."""
    try:
        return detail(read_all(data.region_param(region), kind, level, chosen), chosen)
    except data.DataUnavailable as exc:
        return message(str(exc))


@callback(
    Output(f"{P}-export-download", "data"),
    Output(f"{P}-export-status", "children"),
    Input(f"{P}-export", "n_clicks"),
    State(f"{P}-chosen", "data"),
    *_inputs(State),
    prevent_initial_call=True,
)
def commitments_export(_clicks, chosen, region, kind, level):
    """Return the xlsx of the items (and disputed debts) shown, from the same scoped query."""
    try:
        frames = read_all(data.region_param(region), kind, level, chosen)
    except data.DataUnavailable as exc:
        return dash.no_update, message(str(exc))
    workbook = tables.excel(frames["items"], frames["disputed"])
    return dcc.send_bytes(workbook, export_name(tables.SHEET)), ""
