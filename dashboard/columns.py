"""What the finding pages (direct funds, special bonds) share: Excel file names, the filter row,
the summary line, the page's findings and their callbacks (always in the viewer's scope).

Their grid columns by kind and Excel headers are in `dashboard.column_kinds` (importable from here).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, dcc, html

from dashboard import data
from dashboard.column_kinds import Columns, excel_headers, findings_grid, grid_frame
from dashboard.column_kinds import column_defs as column_defs
from dashboard.components import export_button, message
from dashboard.excel import to_excel
from dashboard.format import LEVEL_WORDS, day
from warehouse import reads

SHANGHAI = ZoneInfo("Asia/Shanghai")
WAN = 10_000


def export_name(sheet: str, now: datetime | None = None) -> str:
    """Return '<sheet>_YYYYMMDD.xlsx' for today in Beijing time."""
    return f"{sheet}_{(now or datetime.now(SHANGHAI)):%Y%m%d}.xlsx"


def options(frame: pl.DataFrame, value: str, label: str) -> list[dict]:
    """Return dropdown options of `frame`'s distinct (value, label) pairs, by value."""
    pairs = frame.select(value, label).unique().sort(value).drop_nulls()
    return [{"value": v, "label": text} for v, text in pairs.iter_rows()]


def filter_row(
    prefix: str,
    regions: list[dict],
    departments: list[str],
    region,
    level,
    department,
    level_choices: dict,
    region_word: str = "地区",
) -> dbc.Row:
    """Return the region, level and department dropdowns and the export button of a page."""

    def drop(name, choices, value, placeholder):
        return dbc.Col(
            dcc.Dropdown(
                id=f"{prefix}-{name}",
                options=choices,
                value=value,
                placeholder=placeholder,
                clearable=True,
            ),
            md=3,
        )

    return dbc.Row(
        [
            drop("region", regions, region, f"全部{region_word}"),
            drop(
                "level",
                [{"value": lv, "label": w} for lv, (w, _) in level_choices.items()],
                level,
                "全部等级",
            ),
            drop(
                "department",
                [{"value": d, "label": d} for d in departments],
                department,
                "全部主管部门",
            ),
            dbc.Col(
                [export_button(f"{prefix}-export"), html.Span(id=f"{prefix}-export-status")], md=3
            ),
        ],
        className="g-2 mb-2 align-items-center no-print",
    )


def filters(prefix: str, kind: type = Input) -> list:
    """Return the region, level and department dropdowns' values as callback inputs (or states)."""
    return [kind(f"{prefix}-{name}", "value") for name in ("region", "level", "department")]


def summary(frame: pl.DataFrame, levels: dict, noun: str, unit: str) -> str:
    """Return '数据截至 …，共 44 项：红灯 16 · 黄灯 10 …' (noun '项'), saying when the cap is reached."""
    counts = frame["level"].to_list()
    parts = " · ".join(f"{word} {counts.count(level)}" for level, (word, _) in levels.items())
    capped = (
        f"（仅显示前 {reads.MAX_ROWS:,} {unit}，请用筛选缩小范围）"
        if frame.height >= reads.MAX_ROWS
        else ""
    )
    as_of = f"数据截至 {day(frame['as_of'].max())}，" if frame.height else ""
    return f"{as_of}共 {frame.height} {noun}：{parts}{capped}"


@dataclass(frozen=True)
class Findings:
    """A page of findings: ids, scoped queries, what its grid and Excel show, how it counts rows."""

    prefix: str  # of the page's element ids
    source: str  # the warehouse table whose departments the filter offers
    query: Callable  # (con, scope, region, level, department) → rows, red first
    history: Callable  # (con, scope, region_code, row[key]) → one row's snapshots
    key: str
    figure: Callable  # (snapshots, row) → the history figure
    columns: Columns
    pinned: tuple
    money: tuple[str, ...]  # <name>_yuan shown as <name>_wan
    rates: dict[str, str]  # 0–1 rate → its percent column
    levels: dict  # the lights a row may have, in order
    counted: tuple[str, str]  # ('个项目', '个'): what the summary counts, what the cap counts
    sheet: str
    extra_headers: dict[str, str]  # Excel only, before the grid's columns
    hint: str

    def table(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Return rows as shown: money in 万元, rates in percent, the level's Chinese word."""
        return frame.with_columns(
            pl.col(pl.List(pl.String)).list.join("；"),  # reasons
            *[
                (pl.col(f"{n}_yuan").cast(pl.Float64) / WAN).round(2).alias(f"{n}_wan")
                for n in self.money
            ],
            *[(pl.col(rate) * 100).round(1).alias(pct) for rate, pct in self.rates.items()],
            level_word=pl.col("level").replace_strict(LEVEL_WORDS, default=pl.col("level")),
        )

    def rows(self, frame: pl.DataFrame) -> list[dict]:
        """Return the grid rows of `frame`."""
        return grid_frame(self.table(frame)).to_dicts()

    def summary(self, frame: pl.DataFrame) -> str:
        """Return the line above the grid: as of when, how many rows, how many at each light."""
        return summary(frame, self.levels, *self.counted)

    def export_name(self, now: datetime | None = None) -> str:
        """Return '<sheet>_YYYYMMDD.xlsx' for today in Beijing time."""
        return export_name(self.sheet, now)

    def excel(self, frame: pl.DataFrame) -> bytes:
        """Return the xlsx of `frame` as shown, with the grid's headers after the extra ones."""
        return to_excel(
            self.table(frame), excel_headers(self.columns, self.extra_headers), self.sheet
        )


def read(page: Findings, region, level, department) -> tuple[pl.DataFrame, list[str], pl.DataFrame]:
    """Return the regions and departments to filter by, and the rows (raises DataUnavailable)."""
    scope = data.scope()
    regions = data.read(reads.query_regions, scope)
    departments = data.read(reads.query_departments, scope, page.source)
    return regions, departments, data.read(page.query, scope, region, level, department)


def body(
    page: Findings,
    frame: pl.DataFrame,
    regions: list[dict],
    departments: list[str],
    region,
    level,
    department,
) -> list:
    """Return the filter row, the summary, the grid and the history panel of a page."""
    p, region_word = page.prefix, page.columns["region_name"][0]
    return [
        filter_row(p, regions, departments, region, level, department, page.levels, region_word),
        html.Div(page.summary(frame), id=f"{p}-summary", className="mb-1 text-muted"),
        findings_grid(f"{p}-grid", grid_frame(page.table(frame)), page.columns, page.pinned),
        html.Div(message(page.hint, "info"), id=f"{p}-history", className="mt-2"),
    ]


def callbacks(page: Findings) -> tuple[Callable, Callable, Callable]:
    """Register and return a page's callbacks: grid rows, history panel, Excel download."""
    p = page.prefix

    @dash.callback(
        Output(f"{p}-grid", "rowData"),
        Output(f"{p}-summary", "children"),
        *filters(p),
        prevent_initial_call=True,
    )
    def grid_rows(region, level, department):
        """Return the rows and their summary for the filters, re-queried in the viewer's scope."""
        try:
            frame = data.read(
                page.query, data.scope(), data.region_param(region), level, department
            )
        except data.DataUnavailable as exc:
            return [], message(str(exc))
        return page.rows(frame), page.summary(frame)

    @dash.callback(
        Output(f"{p}-history", "children"),
        Input(f"{p}-grid", "selectedRows"),
        prevent_initial_call=True,
    )
    def history_panel(selected):
        """Return the selected row's history chart (or the hint when nothing is selected)."""
        if not selected:
            return message(page.hint, "info")
        return history_graph(page, selected[0])

    @dash.callback(
        Output(f"{p}-export-download", "data"),
        Output(f"{p}-export-status", "children"),
        Input(f"{p}-export", "n_clicks"),
        *filters(p, State),
        prevent_initial_call=True,
    )
    def excel_download(_clicks, region, level, department):
        """Return the xlsx of the same scoped query as the grid, with the current filters."""
        try:
            frame = data.read(
                page.query, data.scope(), data.region_param(region), level, department
            )
        except data.DataUnavailable as exc:
            return dash.no_update, message(str(exc))
        return dcc.send_bytes(page.excel(frame), page.export_name()), ""

    return grid_rows, history_panel, excel_download


def history_graph(page: Findings, row: dict):
    """Return the graph of the row's snapshots in scope, or why there is none."""
    try:
        snapshots = data.read(page.history, data.scope(), row["region_code"], row[page.key])
    except data.DataUnavailable as exc:
        return message(str(exc))
    return dcc.Graph(
        id=f"{page.prefix}-history-graph",
        figure=page.figure(snapshots, row),
        config={"displayModeBar": False},
    )
