"""The commitments page's tables: rows as shown (money in exact 万元, percents with %, report
times as HH:MM, the level's word), their grid columns and the page's Excel workbook.

Money stays Decimal from the warehouse to here; only the grid's JSON and Excel's number cells
get a float, at the edge. 万元 keep six places so 1,999,999.99 yuan reads 199.999999, never 200.
"""

import io
from datetime import datetime
from decimal import Decimal

import polars as pl

from dashboard import audit
from dashboard.column_kinds import Columns, column_defs, excel_headers
from dashboard.components import grid
from dashboard.excel import safe_workbook
from dashboard.format import LEVEL_WORDS
from triggers.vocabulary import RULE_KINDS
from triggers.wording import exact_money

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
SHEET, DISPUTED_SHEET = "承诺事项明细", "有分歧欠款"
EXACT_WAN = {"function": "params.value == null ? '—' : d3.format(',.6~f')(params.value)"}

_LEVELS_AND_MONEY: Columns = {  # the counts and money both summary tables show
    "red": ("红灯", "text", 82),
    "yellow": ("黄灯", "text", 82),
    "green": ("绿灯", "text", 82),
    "outstanding_wan": ("未完成(万元)", "money", 120),
    "overdue_wan": ("逾期(万元)", "money", 110),
}
RULES: Columns = {
    "commitment": ("承诺事项", "name", 200),
    "source": ("文件依据", "text", 200),  # one line; the whole citation in its tooltip
    "lead_units": ("牵头单位", "name", 110),
    **_LEVELS_AND_MONEY,
    "disputed_items": ("有分歧", "text", 80),
}
LEADS: Columns = {"lead_unit": ("牵头单位", "name", 130), **_LEVELS_AND_MONEY}
ITEMS: Columns = {  # the light early: a row's level stays in view on a 1400 px screen
    "region_name": ("地区", "text", 100),
    "subject": ("事项", "name", 190),
    "level_word": ("等级", "level", 75),
    "commitment": ("承诺事项", "name", 160),
    "party": ("责任主体", "name", 110),
    "lead_unit": ("牵头单位", "text", 105),
    "deadline": ("期限", "date", 140),
    "target_text": ("目标", "text", 155),
    "actual_text": ("实际", "text", 120),
    "amount_wan": ("金额(万元)", "money", 110),
    "done_wan": ("已完成(万元)", "money", 110),
    "reasons": ("原因", "reason", 220),
}
PARTIES: Columns = {
    "region_name": ("地区", "text", 100),
    "party": ("欠款单位", "name", 200),
    "items": ("事项数", "text", 80),
    "red": ("红灯", "text", 82),
    "outstanding_wan": ("未清偿(万元)", "money", 120),
    "done_wan": ("已清偿(万元)", "money", 120),
    "overdue_wan": ("逾期(万元)", "money", 110),
    "disputed_wan": ("有分歧(万元)", "money", 110),
}
EXCEL_EXTRA = {"rule_id": "规则编号", "region_code": "地区编码", "item": "事项编号"}


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def value_text(unit: str | None, value: Decimal | None, at: datetime | None = None) -> str:
    """Return a target or actual in its unit: 万元, '0.8%', a count, a report time 'HH:MM'."""
    if unit == "time":
        return f"{at:%H:%M}" if at else "未报送"
    if value is None:
        return "—"
    if unit == "yuan":
        return exact_money(value)
    if unit == "percent":
        return f"{_plain(value)}%"
    return _plain(value)


def _wan(frame: pl.DataFrame, names: tuple[str, ...]) -> list[pl.Expr]:
    return [
        (pl.col(f"{n}_yuan").cast(pl.Decimal(38, 6)) / pl.lit(WAN, pl.Decimal(38, 0)))
        .cast(pl.Decimal(38, 6))
        .alias(f"{n}_wan")
        for n in names
        if f"{n}_yuan" in frame.columns
    ]


def item_table(items: pl.DataFrame) -> pl.DataFrame:
    """Return query_commitments' rows as shown: texts in their unit, exact 万元, the level word."""
    texts = [
        (
            value_text(r["unit"], r["target"], r["due_at"]),
            value_text(r["unit"], r["actual"], r["done_at"]),
        )
        for r in items.select("unit", "target", "actual", "due_at", "done_at").iter_rows(named=True)
    ]
    return items.with_columns(
        *_wan(items, ("amount", "done")),
        pl.col("reasons").list.join("；"),
        pl.col("responsible_units").list.join("、"),
        pl.Series("target_text", [t for t, _ in texts], pl.String),
        pl.Series("actual_text", [a for _, a in texts], pl.String),
        pl.col("kind").replace_strict(RULE_KINDS, default=pl.col("kind")).alias("kind_word"),
        level_word=pl.col("level").replace_strict(LEVEL_WORDS, default=pl.col("level")),
    )


def summary_table(summary: pl.DataFrame, items: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return a query_commitment_summary frame as shown: exact 万元 (and lead units per rule)."""
    out = summary.with_columns(*_wan(summary, ("outstanding", "overdue", "done", "disputed")))
    if items is not None and "rule_id" in out.columns:
        leads = items.group_by("rule_id").agg(
            pl.col("lead_unit").drop_nulls().unique().sort().str.join("、").alias("lead_units")
        )
        out = out.join(leads, on="rule_id", how="left")
    return out


def grid_rows(shown: pl.DataFrame) -> list[dict]:
    """Return grid rows: dates as ISO text, 万元 as numbers (a float only in the JSON)."""
    return shown.with_columns(
        pl.col(pl.Date).dt.to_string("%Y-%m-%d"),
        pl.col(pl.Datetime).dt.to_string("%Y-%m-%d %H:%M"),
        pl.col(pl.Decimal).cast(pl.Float64),
        pl.col(pl.List(pl.String)).list.join("、"),
    ).to_dicts()


def commitments_grid(
    grid_id: str, shown: pl.DataFrame, columns: Columns, height: int | None = None
):
    """Return the grid of `shown` with these columns (万元 to six places, trailing zeros cut);
    without a height it grows with its rows (a summary of a few commitments or units)."""
    defs = [
        d | ({"valueFormatter": EXACT_WAN} if d["field"].endswith("_wan") else {})
        for d in column_defs(columns)
    ]
    table = grid(grid_id, pl.DataFrame(), defs, height or 0)
    table.rowData = grid_rows(shown)
    if height is None:
        table.style = {}
        table.dashGridOptions = {
            **table.dashGridOptions,
            "domLayout": "autoHeight",
            "paginationPageSize": 20,
        }
    return table


def excel(items: pl.DataFrame, disputed: pl.DataFrame) -> bytes:
    """Return the xlsx of the shown items (sheet 承诺事项明细) and disputed debts (有分歧欠款)."""
    headers = excel_headers(ITEMS, EXCEL_EXTRA)
    buffer = io.BytesIO()
    with safe_workbook(buffer) as book:
        for frame, sheet in ((items, SHEET), (disputed, DISPUTED_SHEET)):
            shown = item_table(frame)
            names = {c: h for c, h in headers.items() if c in shown.columns}
            table = shown.select(list(names)).rename(names)
            table = table.with_columns(pl.col(pl.Decimal).cast(pl.Float64))
            table.write_excel(book, worksheet=sheet, autofit=True)
    audit.export(SHEET, items.height + disputed.height)
    return buffer.getvalue()
