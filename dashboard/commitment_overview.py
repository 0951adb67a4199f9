"""The overview's 承诺事项 section: red and yellow items per commitment, the worst few items, and
a link to the commitments page (compact, so the overview still prints on one A4 sheet)."""

import dash_bootstrap_components as dbc
import polars as pl
from dash import dcc, html

from dashboard import data
from dashboard.components import badge, message
from warehouse import reads

MAX_RULES = 5  # commitments listed (red first); the page has them all
WORST = 3  # worst items listed


def read_section() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return the commitments counted by rule and the worst red/yellow items, in the viewer's
    scope (raises DataUnavailable)."""
    scope = data.scope()
    rules = data.read(reads.query_commitment_summary, scope, "rule")
    worst = data.read(reads.query_commitments, scope, limit=WORST)
    return rules, worst.filter(pl.col("level").is_in(["red", "yellow"]))


def commitments_section(rules: pl.DataFrame, worst: pl.DataFrame) -> html.Div:
    """Return the section: one line per commitment with its red/yellow counts, the worst items."""
    link = dcc.Link("查看全部承诺事项 →", href="/commitments", className="ms-3 small no-print")
    title = html.H5(["承诺事项", link], className="mt-2")
    if rules.is_empty():
        return html.Div(
            [title, message("暂无承诺事项评估结果", "light")], id="overview-commitments"
        )
    lines = [
        dbc.ListGroupItem(
            [
                html.Span(f"红灯 {r['red']} · 黄灯 {r['yellow']}", className="me-2 fw-bold"),
                html.Span(r["commitment"] or r["rule_id"]),
            ],
            className=f"py-1 kpi {'red' if r['red'] else 'yellow' if r['yellow'] else 'green'}",
        )
        for r in rules.head(MAX_RULES).iter_rows(named=True)
    ]
    more = rules.height - MAX_RULES
    if more > 0:
        lines.append(dbc.ListGroupItem(f"及其他 {more} 项承诺", className="py-1 text-muted small"))
    items = [
        dbc.ListGroupItem(
            [
                badge(r["level"]),
                html.Span(
                    f"{r['region_name'] or r['region_code']}「{r['subject']}」",
                    className="ms-1 me-2",
                ),
                html.Span("；".join(r["reasons"] or []), className="text-muted small"),
            ],
            className="py-1",
        )
        for r in worst.iter_rows(named=True)
    ]
    return html.Div(
        [
            title,
            dbc.Row(
                [
                    dbc.Col(dbc.ListGroup(lines, id="overview-commitment-rules"), md=6),
                    dbc.Col(
                        dbc.ListGroup(items, id="overview-commitment-items")
                        if items
                        else message("没有红灯或黄灯事项", "success"),
                        md=6,
                    ),
                ],
                className="g-2",
            ),
        ],
        id="overview-commitments",
    )
