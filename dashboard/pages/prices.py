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
from dashboard.price_tables import (
    MONTH_HEADERS,
    group_columns,
    group_table,
    month_columns,
    month_table,
    region_label,
)
from triggers.jurisdictions import depth
from warehouse import reads

dash.register_page(__name__, path="/prices", name="物价联动", order=1)


def jurisdictions(subsidies: pl.DataFrame) -> list[str]:
    """Return the jurisdictions with findings, the most local first."""
    return sorted(subsidies["region_code"].unique().to_list(), key=lambda c: (-depth(c), c))


def series_used(series: pl.DataFrame, findings: pl.DataFrame, region: str) -> pl.DataFrame:
    """Return `region`'s CPI series, with the months it borrowed from another region's data
    (a county without its own figures) taken from that region, as the findings did."""
    used = pl.concat(
        [
            findings.select(
                "period", pl.lit(ind).alias("indicator"), pl.col(f"{ind}_region").alias("source")
            )
            for ind in ("cpi", "food")
        ]
    ).drop_nulls("source")
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
    return html.Div(
        [
            header("物价联动", "CPI 或食品价格同比达到启动条件的月份，向困难群众发放价格临时补贴"),
            dbc.Row(
                [
                    dbc.Col(
                        html.Label("地区", htmlFor="prices-region", className="col-form-label"),
                        width="auto",
                    ),
                    dbc.Col(
                        dcc.Dropdown(
                            id="prices-region",
                            value=region,
                            clearable=False,
                            options=[{"label": region_label(c), "value": c} for c in codes],
                        ),
                        md=4,
                    ),
                    dbc.Col(export_button("prices-export"), width="auto"),
                ],
                className="g-2 align-items-center mb-2 no-print",
            ),
            dcc.Graph(id="prices-chart", figure=figure, config={"displayModeBar": False}),
            html.H5("逐月评估结果", className="mt-2"),
            _table("prices-months", month_table(findings), month_columns(), height=600),
            html.P(
                "发布日期标“（估算）”的：未记录实际发布日期，按应发布日期计算发放期限；"
                "剩余天数按评估日期计算，负数为已超过发放期限的天数。",
                className="small text-muted",
            ),
            html.H5("已触发月份分群体人数与资金", className="mt-3"),
            _table("prices-groups", groups, group_columns(), height=360),
        ],
        id="prices",
    )


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
