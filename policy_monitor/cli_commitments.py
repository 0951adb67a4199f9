"""`policy-monitor commitments`: the graded commitment items (承诺事项), red first, or their totals.

One row per graded item (a debt, a report, a cap …) with its lead unit, deadline, target and
actual in the item's unit; `--by` counts them per rule, lead unit, party or region instead.
Disputed items are not graded: they are listed apart with `--disputed`.
"""

import unicodedata
from decimal import Decimal
from typing import Annotated

import typer

from policy_monitor.cli_common import LEVEL_WORDS, echo_json, open_warehouse, region_option
from triggers.wording import exact_money as wan

LEVELS = ("red", "yellow", "green")
ITEM_HEADERS = ("灯", "地区", "事项", "规则", "牵头单位", "期限", "目标", "实际", "未完成", "原因")
GROUP_HEADERS = {
    "rule": ("规则", "承诺"),
    "lead_unit": ("牵头单位",),
    "party": ("规则", "地区", "责任主体"),
    "region": ("规则", "地区"),
}
TOTAL_HEADERS = ("事项", "红灯", "黄灯", "绿灯", "金额", "已完成", "未完成", "逾期", "有争议")


def commitments(
    ctx: typer.Context,
    region: Annotated[
        str | None,
        typer.Option(
            help="Region code; a prefecture or province includes its counties",
            callback=region_option,
        ),
    ] = None,
    kind: Annotated[
        str | None, typer.Option(help="Rule kind: target_by_date | limit_per_row | report_due …")
    ] = None,
    rule: Annotated[str | None, typer.Option(help="Rule id")] = None,
    lead_unit: Annotated[
        str | None, typer.Option(help="Lead unit (牵头单位), e.g. 县财政局")
    ] = None,
    level: Annotated[str | None, typer.Option(help="red | yellow | green")] = None,
    disputed: Annotated[
        bool, typer.Option("--disputed", help="List the disputed items (not graded) instead")
    ] = False,
    by: Annotated[
        str | None, typer.Option(help="Count per rule | lead_unit | party | region instead")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array")] = False,
) -> None:
    """Commitment items (承诺事项) graded red / yellow / green, red first; exit 2 before any evaluation."""
    from policy_monitor.records import commitment_records, commitment_summary_records
    from warehouse.reads import query_commitment_summary, query_commitments, query_last_evaluation
    from warehouse.reads.commitments import SUMMARY_BY

    if level is not None and level not in LEVELS:
        raise typer.BadParameter("--level expects red, yellow or green")
    if by is not None and by not in SUMMARY_BY:
        raise typer.BadParameter(f"--by expects {' | '.join(SUMMARY_BY)}")
    if by is not None and (level or disputed):
        raise typer.BadParameter("--by counts every level and the disputed items apart")
    filters = {"region": region, "kind": kind, "rule_id": rule, "lead_unit": lead_unit}
    with open_warehouse(ctx) as con:
        if query_last_evaluation(con) is None:
            typer.echo("还没有评估结果：请先运行 policy-monitor evaluate", err=True)
            raise typer.Exit(2)
        if by is not None:
            rows = commitment_summary_records(query_commitment_summary(con, None, by, **filters))
        else:
            found = query_commitments(
                con, None, level=level, disputed=disputed, limit=None, **filters
            )
            rows = commitment_records(found)
            apart = 0 if disputed else query_commitments(con, None, disputed=True, **filters).height
    if as_json:
        return echo_json(rows)
    if by is not None:
        return _print_summary(rows, by)
    _print_items(rows, disputed, apart)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(headers: tuple[str, ...], lines: list[tuple[str, ...]]) -> None:
    """Print columns padded to their display width (a Chinese character is two columns)."""
    widths = [max(_width(v) for v in column) for column in zip(headers, *lines, strict=True)]
    for line in (headers, *lines):
        cells = [v + " " * (w - _width(v)) for v, w in zip(line[:-1], widths, strict=False)]
        typer.echo("  ".join([*cells, line[-1]]).rstrip())


def _in_unit(row: dict, which: str) -> str:
    value, unit = row[which], row["unit"]
    if unit == "time":
        at = row["due_at" if which == "target" else "done_at"]
        return f"{at:%m-%d %H:%M}" if at else ("—" if which == "target" else "未报送")
    if value is None:
        return "—"
    return {"yuan": wan, "percent": lambda v: f"{v}%"}.get(unit, str)(value)


def _item_line(row: dict) -> tuple[str, ...]:
    return (
        "有争议" if row["disputed"] else LEVEL_WORDS.get(row["level"], row["level"]),
        row["region_name"] or row["region_code"],
        row["subject"],
        row["rule_id"],
        row["lead_unit"] or "—",
        row["deadline"].isoformat() if row["deadline"] else "—",
        _in_unit(row, "target"),
        _in_unit(row, "actual"),
        wan(row["outstanding_yuan"]),
        "；".join(row["reasons"]) or "—",
    )


def _sum(rows: list[dict], field: str) -> Decimal:
    return sum((r[field] for r in rows if r[field] is not None), Decimal(0))


def _print_items(rows: list[dict], disputed: bool, apart: int) -> None:
    if not rows and not apart:
        typer.echo("没有符合条件的承诺事项")
        return
    if rows:
        _table(ITEM_HEADERS, [_item_line(r) for r in rows])
    money = f"金额 {wan(_sum(rows, 'amount_yuan'))}"
    if disputed:
        typer.echo(f"有争议事项共 {len(rows)} 项（不评级）：{money}")
        return
    counts = "，".join(f"{LEVEL_WORDS[lv]} {sum(r['level'] == lv for r in rows)}" for lv in LEVELS)
    overdue = _sum([r for r in rows if r["overdue"]], "outstanding_yuan")
    line = (
        f"共 {len(rows)} 项：{counts}；{money}，已完成 {wan(_sum(rows, 'done_yuan'))}，"
        f"未完成 {wan(_sum(rows, 'outstanding_yuan'))}（其中逾期 {wan(overdue)}）"
    )
    if apart:
        line += f"；另有有争议事项 {apart} 项未评级，用 --disputed 查看"
    typer.echo(line)


def _print_summary(rows: list[dict], by: str) -> None:
    keys = {
        "rule": ("rule_id", "commitment"),
        "lead_unit": ("lead_unit",),
        "party": ("rule_id", "region_name", "party"),
        "region": ("rule_id", "region_name"),
    }[by]
    lines = [
        (
            *(str(r[k] or "—") for k in keys),
            str(r["items"]),
            *(str(r[lv]) for lv in LEVELS),
            *(wan(r[f"{m}_yuan"]) for m in ("amount", "done", "outstanding", "overdue")),
            f"{r['disputed_items']} 项" if r["disputed_items"] else "—",
        )
        for r in rows
    ]
    if not lines:
        typer.echo("没有符合条件的承诺事项")
        return
    _table((*GROUP_HEADERS[by], *TOTAL_HEADERS), lines)
    typer.echo(
        f"共 {len(rows)} 组，{sum(r['items'] for r in rows)} 项：红灯 {sum(r['red'] for r in rows)}，"
        f"未完成 {wan(_sum(rows, 'outstanding_yuan'))}（其中逾期 {wan(_sum(rows, 'overdue_yuan'))}）"
    )
