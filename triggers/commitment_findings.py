"""The findings every commitment rule returns, whatever its kind: one graded item a row.

`target_by_date`, `limit_per_row`, `report_due` and the custom (pandas) kinds all return frames
of `COMMITMENT_SCHEMA`; the engine stores them together (warehouse table `commitment_findings`),
the alerting raises an alert per red or yellow item, the CLI, dashboard and brief read them.

Units keep comparisons exact: `target` and `actual` are decimals in the unit `unit` names
(yuan, percent, count), money amounts of an item are integer fen. A report's due and submission
times are `due_at` and `done_at` (`unit` = time; `target`/`actual` are null).
"""

from datetime import date

import polars as pl

from triggers.vocabulary import BOND_LEVELS

AMOUNT = pl.Decimal(38, 4)

COMMITMENT_SCHEMA: dict[str, pl.DataType] = {
    "rule_id": pl.String(),
    "kind": pl.String(),  # the rule kind that graded the item
    "commitment": pl.String(),  # the promise, in the document's words (the rule's title)
    "source": pl.String(),  # the document the promise comes from
    "as_of": pl.Date(),  # the evaluation date
    "region_code": pl.String(),
    "region_name": pl.String(),
    "item": pl.String(),  # the item's key within its rule and region (alert subject: region/item)
    "subject": pl.String(),  # what the item is, for people: 住建局 → 金山建筑工程有限公司
    "party": pl.String(),  # whose item it is: debtor unit, reporting unit, guarantor …
    "lead_unit": pl.String(),  # 牵头单位 who answers for it (alerts are addressed to it)
    "responsible_units": pl.List(pl.String()),  # 责任单位
    "deadline": pl.Date(),  # when the item is due (null: no date, e.g. a cap)
    "due_at": pl.Datetime("us"),  # a report's due time (Asia/Shanghai wall time)
    "done_at": pl.Datetime("us"),  # when it was met / submitted (null: not yet)
    "unit": pl.String(),  # yuan | percent | count | time
    "target": AMOUNT,
    "actual": AMOUNT,
    "amount_fen": pl.Int64(),  # the money the item is about (owed, quota, issued …)
    "done_fen": pl.Int64(),  # of it, cleared / repaid / reached
    "overdue": pl.Boolean(),  # past its deadline and not met
    "disputed": pl.Boolean(),  # listed apart, not graded by the undisputed rules
    "level": pl.String(),  # red | yellow | green
    "reasons": pl.List(pl.String()),
}
UNITS = ("yuan", "percent", "count", "time")
REQUIRED = ("rule_id", "kind", "region_code", "item", "subject", "level", "reasons")


class FindingsError(ValueError):
    """A rule returned findings that do not fit `COMMITMENT_SCHEMA`; `problems` lists each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("规则返回的结果不符合承诺事项结果格式：" + "；".join(problems))


def empty_findings() -> pl.DataFrame:
    """Return an empty commitments findings frame."""
    return pl.DataFrame(schema=COMMITMENT_SCHEMA)


def conform(frame: pl.DataFrame | pl.LazyFrame, as_of: date | None = None) -> pl.DataFrame:
    """Return `frame` with every column of the schema, in order and type, after `check_findings`.

    Missing optional columns become null (`reasons` an empty list, `disputed` and `overdue`
    false); `as_of` fills the evaluation date when given.
    """
    frame = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    check_findings(frame)
    fill = {
        "reasons": pl.lit([], dtype=pl.List(pl.String)),
        "responsible_units": pl.lit([], dtype=pl.List(pl.String)),
        "disputed": pl.lit(False),
        "overdue": pl.lit(False),
        "as_of": pl.lit(as_of, dtype=pl.Date),
    }
    missing = [
        fill.get(name, pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in COMMITMENT_SCHEMA.items()
        if name not in frame.columns
    ]
    out = frame.with_columns(missing) if missing else frame
    return out.with_columns(
        pl.col("disputed").fill_null(False), pl.col("overdue").fill_null(False)
    ).select([pl.col(n).cast(t) for n, t in COMMITMENT_SCHEMA.items()])


def check_findings(frame: pl.DataFrame) -> None:
    """Raise FindingsError naming every problem: a missing required column, a column that cannot
    be cast to its type, a level other than red/yellow/green, a null key, a repeated item."""
    problems = [f"缺少列 {name}" for name in REQUIRED if name not in frame.columns]
    for name, dtype in COMMITMENT_SCHEMA.items():
        if name in frame.columns:
            try:
                frame.get_column(name).cast(dtype, strict=True)
            except Exception:
                problems.append(f"列 {name} 应为 {dtype}，实为 {frame.schema[name]}")
    if problems:
        raise FindingsError(problems)
    for name in ("rule_id", "kind", "region_code", "item", "level"):
        nulls = frame.get_column(name).null_count()
        if nulls:
            problems.append(f"列 {name} 有 {nulls} 个空值")
    bad = sorted(set(frame.get_column("level").drop_nulls()) - set(BOND_LEVELS))
    if bad:
        problems.append(f"level 只能是 red、yellow 或 green，出现了 {', '.join(map(str, bad))}")
    if "unit" in frame.columns:
        units = sorted(set(frame.get_column("unit").drop_nulls()) - set(UNITS))
        if units:
            problems.append(f"unit 只能是 {'、'.join(UNITS)}，出现了 {', '.join(units)}")
    repeated = frame.group_by("rule_id", "region_code", "item").len().filter(pl.col("len") > 1)
    if repeated.height:
        first = repeated.row(0, named=True)
        problems.append(
            f"同一规则同一地区的 item 重复 {repeated.height} 处（例如 {first['rule_id']} "
            f"{first['region_code']} {first['item']}）"
        )
    if problems:
        raise FindingsError(problems)
