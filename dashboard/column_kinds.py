"""Grid columns of the finding pages by kind: formatting, widths, tooltips, pins, Excel headers."""

import json

import polars as pl
import polars.selectors as cs

from dashboard.components import LEVEL_STYLE, grid
from dashboard.format import LEVEL_WORDS

# a page describes its columns as field → (header, kind, width in px); the kind decides formatting
Columns = dict[str, tuple[str, str, int]]
_WORDS = json.dumps(list(LEVEL_WORDS.values()), ensure_ascii=False)  # worst first
_RIGHT = {"filter": "agNumberColumnFilter", "type": "rightAligned"}
_WRAP = {
    "wrapText": True,
    "autoHeight": True,
    "cellStyle": {"lineHeight": "1.4", "paddingTop": "6px", "paddingBottom": "6px"},
}
COLUMN_KINDS = {  # how a column of each kind is formatted
    "text": {},
    "name": _WRAP,
    "money": _RIGHT
    | {
        "valueFormatter": {
            "function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"
        }
    },
    "pct": _RIGHT
    | {
        "valueFormatter": {
            "function": "params.value == null ? '—' : d3.format('.1f')(params.value) + '%'"
        }
    },
    "date": {
        "valueFormatter": {
            "function": "params.value ? d3.timeFormat('%Y年%-m月%-d日')"
            "(d3.timeParse('%Y-%m-%d')(params.value)) : '—'"
        }
    },
    "level": {
        "cellStyle": LEVEL_STYLE,
        "comparator": {"function": f"{_WORDS}.indexOf(valueA) - {_WORDS}.indexOf(valueB)"},
    },
    "reason": {"flex": 1, **_WRAP},
}
# components.grid gives click selection and Chinese paging; tooltips only where text is cut off
GRID_OPTIONS = {"tooltipShowDelay": 300, "tooltipShowMode": "whenTruncated"}


def column_defs(columns: Columns, pinned: tuple = ()) -> list[dict]:
    """Return a grid's column definitions (Chinese headers, formatted numbers, coloured level)."""
    return [
        {
            "field": field,
            "headerName": name,
            **COLUMN_KINDS[kind],
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        }
        | ({"minWidth": width} if kind == "reason" else {"width": width, "minWidth": 60})
        | ({"tooltipField": field} if kind in ("text", "name", "reason") else {})
        | ({"pinned": "left"} if field in pinned else {})
        for field, (name, kind, width) in columns.items()
    ]


def findings_grid(grid_id: str, frame: pl.DataFrame, columns: Columns, pinned: tuple = ()):
    """Return `components.grid` of `frame` with these columns and tooltips on cut-off text."""
    table = grid(grid_id, frame, column_defs(columns, pinned))
    table.dashGridOptions = {**table.dashGridOptions, **GRID_OPTIONS}
    return table


def excel_headers(columns: Columns, extra: dict[str, str]) -> dict[str, str]:
    """Return field → Excel header: `extra` first, then the grid's headers ('(%)' on percents)."""
    return extra | {
        field: name + ("(%)" if kind == "pct" else "") for field, (name, kind, _) in columns.items()
    }


def grid_frame(shown: pl.DataFrame) -> pl.DataFrame:
    """Return a shown frame for the grid: dates as ISO text, yuan dropped (万元 stay, ids kept)."""
    return shown.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d")).drop(cs.ends_with("_yuan"))
