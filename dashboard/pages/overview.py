"""Overview for leaders: one page, one glance, prints on one A4 sheet."""

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import dcc, html

from dashboard import data, figures
from dashboard.commitment_overview import commitments_section, read_section
from dashboard.components import badge, header, message
from dashboard.format import LEVELS, STATUS, day, money, month
from triggers.vocabulary import LEVEL_ORDER
from warehouse import reads

dash.register_page(__name__, path="/", name="总览", order=0)


def _card(title: str, value, detail, tone: str = "") -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(title, className="text-muted"),
                    html.Div(value, className="value"),
                    html.Div(detail, className="small"),
                ]
            ),
            className=f"kpi {tone} h-100",
        ),
        md=3,
    )


def subsidy_card(subsidies: pl.DataFrame) -> dbc.Col:
    """Return the price-linkage card: the latest month of the viewer's nearest jurisdiction."""
    if subsidies.is_empty():
        return _card("物价联动", "无数据", "尚无价格指数评估结果")
    local = subsidies.sort("region_code", "period").tail(1).row(0, named=True)
    latest = subsidies.filter(pl.col("region_code") == local["region_code"]).sort("period")
    due = latest.filter(pl.col("triggered") & (pl.col("days_left") >= 0))
    if due.height:
        row = due.row(-1, named=True)
        return _card(
            "物价联动（" + row["region_code"] + "）",
            f"{month(row['period'])} 已触发",
            f"{row['persons'] or 0:,} 人，需 {money(row['total_yuan'])}，{day(row['pay_by'])}前发放",
            "red",
        )
    row = latest.row(-1, named=True)
    status = {
        "triggered": "已触发",
        "not_triggered": "未触发",
        "pending": "待定（等待数据）",
        "overdue": "数据逾期",
    }
    return _card(
        "物价联动（" + row["region_code"] + "）",
        f"{month(row['period'])} {status[row['status']]}",
        (row["reasons"] or [""])[0],
        "yellow" if row["status"] == "overdue" else "green",
    )


def layout(**_kwargs):
    """Return the overview for the signed-in user's scope."""
    scope = data.scope()
    try:
        subsidies = data.read(reads.query_subsidies, scope)
        levels = data.read(reads.query_fund_levels_by_county, scope)
        counties = data.read(reads.query_bond_counties, scope)
        alerts = data.read(reads.query_alerts, scope, True, None, 10)
        firing = data.read(reads.query_alert_counts, scope)["firing"]
        names = data.region_names()
        evaluation = data.read(reads.query_last_evaluation)
        commitments = read_section()
    except data.DataUnavailable as exc:
        return html.Div([header("总览"), message(str(exc))])
    totals = {lv: int(levels[lv].sum()) if levels.height else 0 for lv in LEVELS}
    red_counties = counties.filter(pl.col("level") == "red")
    as_of = f"评估日期 {day(evaluation['as_of'])}" if evaluation else "尚未评估"
    return html.Div(
        [
            header("总览", as_of),
            dbc.Row(
                [
                    subsidy_card(subsidies),
                    _card(
                        "直达资金",
                        f"红灯 {totals['red']} · 黄灯 {totals['yellow']}",
                        f"黄色警铃 {totals['yellow_bell']} · 绿灯 {totals['green']}",
                        "red" if totals["red"] else "green",
                    ),
                    _card(
                        "专项债券",
                        f"{red_counties.height} 个县市红灯",
                        f"共 {counties.height} 个县市，额度 {money(counties['quota_yuan'].sum() if counties.height else 0)}",
                        "red" if red_counties.height else "green",
                    ),
                    _card(
                        "未处理告警",
                        f"{firing:,} 条",
                        "红灯优先，见下表",
                        "red" if firing else "green",
                    ),
                ],
                className="g-2 mb-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Graph(
                            id="overview-funds",
                            figure=figures.fund_levels_by_county(
                                figures.roll_up(levels, names, list(LEVEL_ORDER))
                            ),
                            config={"displayModeBar": False},
                        ),
                        md=6,
                    ),
                    dbc.Col(
                        dcc.Graph(
                            id="overview-bonds",
                            figure=figures.bond_progress(_bond_shares(counties, names)),
                            config={"displayModeBar": False},
                        ),
                        md=6,
                    ),
                ],
                className="g-2",
            ),
            html.H5("最需关注的告警", className="mt-2"),
            _alert_list(alerts),
            commitments_section(*commitments),
        ],
        id="overview",
    )


def _alert_list(alerts: pl.DataFrame):
    if alerts.is_empty():
        return message("没有未处理的告警", "success")
    return dbc.ListGroup(
        [
            dbc.ListGroupItem(
                [
                    badge(row["level"]),
                    html.Span(STATUS[row["status"]], className="me-2 text-muted"),
                    html.Span(row["message"]),
                ]
            )
            for row in alerts.iter_rows(named=True)
        ],
        id="overview-alerts",
    )


def _bond_shares(counties: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """Return the bond progress per county, or per prefecture/province when there are too many."""
    if counties.height <= figures.MAX_BARS:
        return counties
    rolled = figures.roll_up(
        counties.with_columns(pl.col("quota_yuan", "spent_yuan").cast(pl.Float64)),
        names,
        ["quota_yuan", "spent_yuan"],
    )
    target = counties["target_rate"].max()
    return rolled.with_columns(
        spending_rate=pl.col("spent_yuan") / pl.col("quota_yuan"), target_rate=pl.lit(target)
    )
