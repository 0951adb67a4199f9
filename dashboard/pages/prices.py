"""Price linkage (物价联动): per jurisdiction, CPI and food CPI against the start conditions, the
monthly findings with their pay-by dates and money, and the persons and money per group."""

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, State, callback, dcc, html

from dashboard import data, figures
from dashboard.components import export_button, grid, header, message
from dashboard.excel import to_excel
from dashboard.format import GROUPS, SUBSIDY, day, money, month
from triggers.jurisdictions import depth
from triggers.vocabulary import PAYMENT
from warehouse import reads

dash.register_page(__name__, path="/prices", name="物价联动", order=1)

MONTH_HEADERS = {
    "month": "月份", "status": "状态", "cpi": "CPI 同比", "food": "食品 同比", "condition": "启动条件",
    "source": "使用数据", "rule_version": "规则版本", "published": "发布日期", "pay_by": "发放期限",
    "days_left": "剩余天数", "per_person_yuan": "每人每月（元）", "persons": "人数",
    "total_wan": "资金（万元）", "payment": "发放情况", "revised": "数据修订", "reasons": "原因",
}  # fmt: skip
GROUP_HEADERS = {
    "month": "月份",
    "group": "救助群体",
    "persons": "人数",
    "total_wan": "资金（万元）",
}
STATUS_STYLE = {
    "styleConditions": [
        {"condition": f"params.value == '{SUBSIDY['triggered']}'",
         "style": {"backgroundColor": "#c62828", "color": "#fff", "fontWeight": "bold"}},
        {"condition": f"params.value == '{SUBSIDY['overdue']}'",
         "style": {"backgroundColor": "#f9a825", "color": "#222", "fontWeight": "bold"}},
    ]
}  # fmt: skip
LATE_STYLE = {"styleConditions": [{"condition": "params.value < 0", "style": {"color": "#c62828"}}]}


def _region_names() -> dict[str, str]:
    return data.region_names()


def region_label(code: str | None) -> str:
    """Return '阿勒泰地区（654300）', or the bare code when its name is unknown."""
    if code is None:
        return "—"
    name = _region_names().get(code)
    return f"{name}（{code}）" if name else code


def jurisdictions(subsidies: pl.DataFrame) -> list[str]:
    """Return the jurisdictions with findings, the most local first."""
    return sorted(subsidies["region_code"].unique().to_list(), key=lambda c: (-depth(c), c))


def _pct(value) -> str:
    return "—" if value is None else f"{float(value):.1f}%"


def _source(cpi_region: str | None, food_region: str | None) -> str:
    if cpi_region == food_region:
        return region_label(cpi_region)
    return f"CPI：{region_label(cpi_region)}；食品：{region_label(food_region)}"


def _payment(r: dict) -> str | None:
    if r.get("payment_status") is None:
        return None
    word = PAYMENT.get(r["payment_status"], r["payment_status"])
    return f"{word}（已发放 {money(r['paid_yuan'])}）"


def _revised(r: dict) -> str | None:
    final = ("triggered", "not_triggered")
    then, now = r.get("first_status"), r["status"]
    if then in final and now in final and then != now:
        return f"判定已改变：首次{SUBSIDY[then]}，现{SUBSIDY[now]}"
    return None


def month_table(findings: pl.DataFrame) -> pl.DataFrame:
    """Return one jurisdiction's findings as the rows of the monthly table (columns: MONTH_HEADERS)."""
    return pl.DataFrame(
        [{"month": month(r["period"]), "status": SUBSIDY.get(r["status"], r["status"]),
          "cpi": _pct(r["cpi_yoy_pct"]), "food": _pct(r["food_yoy_pct"]),
          "condition": f"CPI ≥ {_pct(r['cpi_threshold_pct'])} 或 食品 ≥ {_pct(r['food_threshold_pct'])}",
          "source": _source(r["cpi_region"], r["food_region"]), "rule_version": r["rule_version"],
          "published": day(r["published_on"]) + ("（估算）" if r["published_on_estimated"] else ""),
          "pay_by": day(r["pay_by"]), "days_left": r["days_left"],
          "per_person_yuan": None if r["per_person_yuan"] is None else int(r["per_person_yuan"]),
          "persons": r["persons"],
          "total_wan": None if r["total_yuan"] is None else round(float(r["total_yuan"]) / 10_000, 2),
          "payment": _payment(r), "revised": _revised(r),
          "reasons": None if r["reasons"] is None else "；".join(r["reasons"])}
         for r in findings.sort("period").iter_rows(named=True)],
        schema={c: pl.Int64 if c in ("days_left", "per_person_yuan", "persons") else
                pl.Float64 if c == "total_wan" else pl.String for c in MONTH_HEADERS},
    )  # fmt: skip


def group_table(groups: pl.DataFrame, region: str) -> pl.DataFrame:
    """Return the triggered months' persons and money per group of one jurisdiction."""
    if groups.height:
        order = pl.col("group_code").replace_strict(
            {g: i for i, g in enumerate(GROUPS)}, default=99
        )
        groups = groups.filter(pl.col("jurisdiction") == region).sort(pl.col("period"), order)
    return pl.DataFrame(
        [{"month": month(r["period"]), "group": GROUPS.get(r["group_code"], r["group_code"]),
          "persons": int(r["persons"]), "total_wan": round(float(r["total_yuan"]) / 10_000, 2)}
         for r in groups.iter_rows(named=True)],
        schema={"month": pl.String, "group": pl.String, "persons": pl.Int64, "total_wan": pl.Float64},
    )  # fmt: skip


def series_used(series: pl.DataFrame, findings: pl.DataFrame, region: str) -> pl.DataFrame:
    """Return `region`'s CPI series, with the months it borrowed from another region's data
    (a county without its own figures) taken from that region, as the findings did."""
    used = pl.concat([findings.select("period", pl.lit(ind).alias("indicator"),
                                      pl.col(f"{ind}_region").alias("source"))
                      for ind in ("cpi", "food")]).drop_nulls("source")  # fmt: skip
    borrowed = (
        series.rename({"region_code": "source"})
        .join(used.filter(pl.col("source") != region), on=["source", "period", "indicator"])
        .select(pl.lit(region).alias("region_code"), "period", "indicator", "value_pct")
    )
    own = series.filter(pl.col("region_code") == region)
    own = own.join(borrowed, on=["period", "indicator"], how="anti")
    return pl.concat([own, borrowed]).sort("indicator", "period")


def _findings(region: str) -> pl.DataFrame:
    subsidies = data.read(reads.query_subsidies, data.scope())
    return subsidies.filter(pl.col("region_code") == region)


def _figure(findings: pl.DataFrame, region: str) -> go.Figure:
    regions = {region, *findings["cpi_region"].drop_nulls(), *findings["food_region"].drop_nulls()}
    series = data.read(reads.query_cpi_series, sorted(regions))
    return figures.cpi_lines(series_used(series, findings, region), findings, region)


def _groups(region: str) -> pl.DataFrame:
    return group_table(data.read(reads.query_subsidy_groups, data.scope()), region)


NUMBER = {
    "valueFormatter": {"function": "params.value == null ? '—' : d3.format(',')(params.value)"}
}
WAN = {
    "valueFormatter": {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"}
}


WRAP = {
    "wrapText": True,
    "autoHeight": True,
    "cellStyle": {"lineHeight": "1.6", "padding": "6px 12px"},
}
WIDTHS = {
    "month": 100, "status": 90, "cpi": 90, "food": 90, "condition": 200, "source": 190,
    "rule_version": 170, "published": 190, "pay_by": 130, "days_left": 90,
    "per_person_yuan": 100, "persons": 100, "total_wan": 110, "payment": 190, "revised": 190,
}  # fmt: skip


def _month_columns() -> list[dict]:
    return [{"field": f, "headerName": h,
             **({"width": WIDTHS[f]} if f in WIDTHS else {"flex": 1, "minWidth": 380, **WRAP}),
             **({"pinned": "left"} if f in ("month", "status") else {}),
             **({"cellStyle": STATUS_STYLE} if f == "status" else {}),
             **({"cellStyle": LATE_STYLE} if f == "days_left" else {}),
             **(WAN if f == "total_wan" else NUMBER if f in ("persons", "per_person_yuan") else {})}
            for f, h in MONTH_HEADERS.items()]  # fmt: skip


def _table(grid_id: str, frame: pl.DataFrame, columns: list[dict], height: int):
    table = grid(grid_id, frame, columns, height)
    table.dashGridOptions = {k: v for k, v in table.dashGridOptions.items() if k != "rowSelection"}
    table.defaultColDef = table.defaultColDef | {"wrapHeaderText": True, "autoHeaderHeight": True}
    return table


def layout(region: str | None = None, **_kwargs):
    """Return the price-linkage page for one jurisdiction (?region=, else the most local one)."""
    try:
        subsidies = data.read(reads.query_subsidies, data.scope())
        codes = jurisdictions(subsidies)
        region = data.region_param(region)
        region = region if region in codes else (codes[0] if codes else None)
        findings = subsidies.filter(pl.col("region_code") == region)
        figure = (
            _figure(findings, region) if region else figures.empty_figure("暂无物价联动评估结果")
        )
        groups = _groups(region) if region else group_table(pl.DataFrame(), "")
    except data.DataUnavailable as exc:
        return html.Div([header("物价联动"), message(str(exc))])
    return html.Div([
        header("物价联动", "CPI 或食品价格同比达到启动条件的月份，向困难群众发放价格临时补贴"),
        dbc.Row([dbc.Col(html.Label("地区", htmlFor="prices-region", className="col-form-label"), width="auto"),
                 dbc.Col(dcc.Dropdown(id="prices-region", value=region, clearable=False,
                                      options=[{"label": region_label(c), "value": c} for c in codes]), md=4),
                 dbc.Col(export_button("prices-export"), width="auto")],
                className="g-2 align-items-center mb-2 no-print"),
        dcc.Graph(id="prices-chart", figure=figure, config={"displayModeBar": False}),
        html.H5("逐月评估结果", className="mt-2"),
        _table("prices-months", month_table(findings), _month_columns(), height=600),
        html.P("发布日期标“（估算）”的：未记录实际发布日期，按应发布日期计算发放期限；"
               "剩余天数按评估日期计算，负数为已超过发放期限的天数。", className="small text-muted"),
        html.H5("已触发月份分群体人数与资金", className="mt-3"),
        _table("prices-groups", groups,
             [{"field": f, "headerName": h, "flex": 1, **{"persons": NUMBER, "total_wan": WAN}.get(f, {})}
              for f, h in GROUP_HEADERS.items()], height=360),
    ], id="prices")  # fmt: skip


@callback(
    Output("prices-chart", "figure"), Input("prices-region", "value"), prevent_initial_call=True
)
def prices_chart(region: str):
    """Return the CPI chart of the chosen jurisdiction."""
    return _figure(_findings(region), region)


@callback(
    Output("prices-months", "rowData"), Input("prices-region", "value"), prevent_initial_call=True
)
def prices_months(region: str) -> list[dict]:
    """Return the monthly rows of the chosen jurisdiction."""
    return month_table(_findings(region)).to_dicts()


@callback(
    Output("prices-groups", "rowData"), Input("prices-region", "value"), prevent_initial_call=True
)
def prices_groups(region: str) -> list[dict]:
    """Return the per-group rows of the chosen jurisdiction's triggered months."""
    return _groups(region).to_dicts()


@callback(
    Output("prices-export-download", "data"),
    Input("prices-export", "n_clicks"),
    State("prices-region", "value"),
    prevent_initial_call=True,
)
def prices_export_download(_clicks, region: str) -> dict:
    """Return the monthly table of the chosen jurisdiction as an Excel download."""
    workbook = to_excel(month_table(_findings(region)), MONTH_HEADERS, "物价联动")
    return dcc.send_bytes(workbook, f"物价联动_{region}.xlsx")
