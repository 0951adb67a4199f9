"""Shared page chrome: headers, level badges, data grids, export buttons, messages."""

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import polars as pl
from dash import dcc, html

from dashboard.format import LEVELS

PAGE_SIZE = 50
LOCALE = {
    "noRowsToShow": "无数据",
    "page": "第",
    "of": "共",
    "to": "至",
    "more": "更多",
    "pageSizeSelectorLabel": "每页",
    "firstPage": "首页",
    "lastPage": "末页",
    "nextPage": "下一页",
    "previousPage": "上一页",
    "filterOoo": "筛选…",
    "contains": "包含",
    "equals": "等于",
    "notEqual": "不等于",
    "blanks": "空白",
    "searchOoo": "搜索…",
    "selectAll": "全选",
    "loadingOoo": "加载中…",
    "andCondition": "且",
    "orCondition": "或",
}


def header(title: str, subtitle: str = "") -> html.Div:
    """Return a page title with an optional line under it."""
    return html.Div(
        [
            html.H2(title, className="page-title"),
            html.P(subtitle, className="text-muted") if subtitle else None,
        ]
    )


def badge(level: str) -> dbc.Badge:
    """Return a light as colour and word (readable without colour)."""
    word, colour = LEVELS.get(level, (level, "#999"))
    return dbc.Badge(
        word, color=colour, className=f"level level-{level}", style={"backgroundColor": colour}
    )


def message(text: str, kind: str = "warning") -> dbc.Alert:
    """Return a visible notice (missing or stale data, refusals)."""
    return dbc.Alert(text, color=kind, className="my-2")


LEVEL_STYLE = {
    "styleConditions": [
        {
            "condition": f"params.value == '{word}'",
            "style": {
                "backgroundColor": colour,
                "color": "#fff" if level != "yellow_bell" else "#222",
                "fontWeight": "bold",
            },
        }
        for level, (word, colour) in LEVELS.items()
    ]
}


def grid(grid_id: str, frame: pl.DataFrame, columns: list[dict], height: int = 520) -> dag.AgGrid:
    """Return a sortable, filterable, paginated grid of `frame` (the query already capped its rows)."""
    return dag.AgGrid(
        id=grid_id,
        rowData=frame.to_dicts(),
        columnDefs=columns,
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": PAGE_SIZE,
            "rowSelection": {
                "mode": "singleRow",
                "enableClickSelection": True,
                "checkboxes": False,
            },
            "localeText": LOCALE,
        },
        style={"height": f"{height}px"},
        className="ag-theme-alpine",
    )


def export_button(button_id: str) -> html.Div:
    """Return an 'export to Excel' button with its download target."""
    return html.Div(
        [
            dbc.Button("导出 Excel", id=button_id, color="secondary", size="sm", className="me-2"),
            dcc.Download(id=f"{button_id}-download"),
        ],
        className="d-inline-block",
    )
