"""The alerts page's grid and one alert's history table: Chinese words, Beijing time, widths."""

import dash_bootstrap_components as dbc
import polars as pl
from dash import html

from dashboard import data
from dashboard.components import LEVEL_STYLE, grid
from dashboard.format import FINDING_KINDS, LEVEL_WORDS, STATUS

HEADERS = {
    "alert_id": "编号",
    "kind": "类型",
    "region": "地区",
    "level": "等级",
    "status": "状态",
    "escalation_step": "督办步骤",
    "message": "内容",
    "opened_at": "发生时间",
    "acknowledged_by": "确认人",
    "ack_note": "备注",
}


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
        pl.format(
            "{}（{}）",
            pl.col("region_code").replace_strict(names, default=pl.lit("")),
            pl.col("region_code"),
        ).alias("region"),
        pl.col("level").replace_strict(LEVEL_WORDS, default=pl.col("level")),
        pl.col("status").replace_strict(STATUS, default=pl.col("status")),
        "escalation_step",
        "message",
        _beijing("opened_at").alias("opened_at"),
        pl.col("acknowledged_by").fill_null(""),
        pl.col("ack_note").fill_null(""),
    )


def _change(row: dict) -> str:
    word = {None: "新建", **STATUS}
    text = f"{word.get(row['from_status'])} → {word.get(row['to_status'])}"
    before, after = (LEVEL_WORDS.get(lv, lv) for lv in (row["from_level"], row["to_level"]))
    if row["from_level"] == row["to_level"]:
        return text
    return f"{text}（{after}）" if before is None else f"{text}（{before} → {after}）"


def history_table(events: pl.DataFrame) -> dbc.Table:
    """Return one alert's events: when, who, from → to, note."""
    rows = [
        html.Tr(
            [
                html.Td(r["when"]),
                html.Td("系统" if r["actor"] == "system" else r["actor"]),
                html.Td(_change(r)),
                html.Td(r["note"] or ""),
            ]
        )
        for r in events.with_columns(_beijing("happened_at").alias("when")).iter_rows(named=True)
    ]
    head = html.Thead(html.Tr([html.Th(h) for h in ("时间", "处理人", "状态变化", "备注")]))
    return dbc.Table([head, html.Tbody(rows)], size="sm", striped=True, id="alerts-events")


WRAP = {
    "wrapText": True,
    "autoHeight": True,
    "cellStyle": {"lineHeight": "1.6", "padding": "6px 12px"},
}
WIDTHS = {
    "alert_id": 80,
    "kind": 100,
    "region": 190,
    "level": 90,
    "status": 90,
    "escalation_step": 100,
    "opened_at": 190,
    "acknowledged_by": 100,
    "ack_note": 180,
}


def _columns() -> list[dict]:
    return [
        {
            "field": f,
            "headerName": h,
            **({"width": WIDTHS[f]} if f in WIDTHS else {"flex": 1, "minWidth": 360}),
            **({"cellStyle": LEVEL_STYLE} if f == "level" else {}),
            **(WRAP if f in ("message", "ack_note") else {}),
        }
        for f, h in HEADERS.items()
    ]


def alert_grid(rows: pl.DataFrame):
    table = grid("alerts-grid", rows, _columns(), height=480)
    table.getRowId = "params.data.alert_id"  # keeps the selection when the rows are refreshed
    table.defaultColDef = table.defaultColDef | {"wrapHeaderText": True, "autoHeaderHeight": True}
    table.dashGridOptions = table.dashGridOptions | {
        "rowSelection": {"mode": "singleRow", "enableClickSelection": True, "checkboxes": False}
    }
    return table
