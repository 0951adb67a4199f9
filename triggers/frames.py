"""The frames evaluators take, by name, with their columns; and small shared expressions.

Units are chosen so that every comparison is exact: percentages in hundredths (`*_bp`: 3.5 % is
350), money in fen (`*_fen`), benefit standards in 1/10,000 yuan per month (`*_e4`).
"""

import polars as pl

INPUTS: dict[str, dict[str, type[pl.DataType]]] = {
    "cpi": {
        "region_code": pl.String,
        "period": pl.Date,
        "indicator": pl.String,
        "value_bp": pl.Int64,
        "published_on": pl.Date,  # recorded publication date (null: not recorded)
        "loaded_on": pl.Date,  # the day this vintage was loaded (Asia/Shanghai)
        "vintage": pl.Int64,  # 1 = the first value of (region, period, indicator), 2 = revised …
    },
    "beneficiaries": {
        "region_code": pl.String,
        "period": pl.Date,
        "group_code": pl.String,
        "persons": pl.Int64,
    },
    "standards": {
        "region_code": pl.String,
        "period": pl.Date,
        "standard_code": pl.String,
        "yuan_per_month_e4": pl.Int64,
    },
    "subsidy_payments": {
        "region_code": pl.String,
        "period": pl.Date,  # the index month paid for
        "group_code": pl.String,  # null: all groups
        "persons": pl.Int64,
        "paid_fen": pl.Int64,
        "paid_on": pl.Date,
    },
    "funds": {
        "as_of": pl.Date,
        "region_code": pl.String,
        "region_name": pl.String,
        "parent_code": pl.String,
        "fund_code": pl.String,
        "fund_name": pl.String,
        "department": pl.String,
        "received_fen": pl.Int64,
        "allocated_fen": pl.Int64,
        "paid_fen": pl.Int64,
        "release_date": pl.Date,
        "own_funds_payments": pl.Int64,
        "own_funds_fen": pl.Int64,
    },
    "bonds": {
        "as_of": pl.Date,
        "region_code": pl.String,
        "region_name": pl.String,
        "project": pl.String,
        "project_unit": pl.String,
        "department": pl.String,
        "quota_fen": pl.Int64,
        "spent_fen": pl.Int64,
        "funds_arrived_on": pl.Date,
        "previous_as_of": pl.Date,
        "previous_spent_fen": pl.Int64,
    },
    # --- commitment ledgers (issue 11): the latest snapshot / current version as known on as_of
    "arrears": {  # 清欠台账: each region's latest snapshot on or before as_of
        "as_of": pl.Date,
        "region_code": pl.String,
        "region_name": pl.String,
        "debtor": pl.String,  # 欠款单位
        "creditor": pl.String,  # 债权企业
        "department": pl.String,  # 主管部门 ('' when absent)
        "owed_fen": pl.Int64,
        "disputed": pl.Boolean,  # 是否有分歧 (null: not stated, graded as undisputed)
        "plan_due_on": pl.Date,  # 还款计划日期 (null: no agreed plan)
        "repaid_fen": pl.Int64,  # 已清偿金额 (0 when blank)
        "repaid_on": pl.Date,
    },
    "measures": {  # 措施责任分解表, current version of each measure
        "region_code": pl.String,
        "region_name": pl.String,
        "measure_no": pl.String,
        "title": pl.String,
        "lead_units": pl.List(pl.String),
        "responsible_units": pl.List(pl.String),
        "report_cadence": pl.String,  # daily | weekly | monthly | null
        "report_by": pl.Time,  # time of day a report is due (null: end of day)
    },
    "daily_reports": {  # 每日报送, current version of each (unit, day, measure)
        "unit": pl.String,
        "report_date": pl.Date,
        "measure_no": pl.String,
        "submitted_at": pl.Datetime("us"),  # Asia/Shanghai wall time, naive
        "submitted_estimated": pl.Boolean,  # no time in the file: the file's load time is used
    },
    "bond_issues": {  # 专项债券发行
        "region_code": pl.String,
        "region_name": pl.String,
        "bond_name": pl.String,
        "bond_code": pl.String,
        "issued_fen": pl.Int64,
        "issued_on": pl.Date,
    },
    "bond_readiness": {  # each bond project's latest snapshot, with its tender notice date
        "as_of": pl.Date,
        "region_code": pl.String,
        "region_name": pl.String,
        "project": pl.String,
        "project_unit": pl.String,
        "quota_fen": pl.Int64,
        "tender_notice_on": pl.Date,  # 招标公告发布日期 (null: none published)
    },
    "guarantees": {  # 政府性融资担保业务台账
        "as_of": pl.Date,
        "region_code": pl.String,
        "region_name": pl.String,
        "guarantor": pl.String,  # 担保机构
        "borrower": pl.String,  # 被担保企业
        "amount_fen": pl.Int64,  # 担保金额
        "fee_rate_bp": pl.Int64,  # 担保费率 in hundredths of a percent (0.8 % = 80)
        "started_on": pl.Date,
    },
    "procurement": {  # 政府采购项目
        "as_of": pl.Date,
        "region_code": pl.String,
        "region_name": pl.String,
        "project": pl.String,
        "purchaser": pl.String,  # 采购单位
        "category": pl.String,  # goods | services | works
        "budget_fen": pl.Int64,
        "sme_reserved_fen": pl.Int64,  # 面向中小企业预留金额
        "announced_on": pl.Date,
    },
}


class FrameError(ValueError):
    """An input frame lacks a column an evaluator needs, or has it in another type."""


def check_frames(frames: dict[str, pl.LazyFrame], names: list[str]) -> None:
    """Raise FrameError unless each named frame has the columns and types of `INPUTS`."""
    for name in names:
        if name not in frames:
            raise FrameError(f"缺少输入数据 {name}")
        schema = frames[name].collect_schema()
        for column, dtype in INPUTS[name].items():
            if column not in schema:
                raise FrameError(f"输入数据 {name} 缺少列 {column}")
            if schema[column] != dtype:
                raise FrameError(
                    f"输入数据 {name} 的列 {column} 应为 {dtype}，实为 {schema[column]}"
                )


def empty(name: str) -> pl.LazyFrame:
    """Return an empty frame with the columns of input `name`."""
    return pl.LazyFrame(schema=INPUTS[name])


def pct_text(hundredths: pl.Expr) -> pl.Expr:
    """Return hundredths of a percent as text with one or two decimals (350 → '3.5')."""
    value = hundredths.abs()
    cents = value % 100
    decimals = (
        pl.when(cents % 10 == 0)
        .then((cents // 10).cast(pl.String))
        .otherwise(cents.cast(pl.String).str.zfill(2))
    )
    sign = pl.when(hundredths < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(sign, (value // 100).cast(pl.String), pl.lit("."), decimals)


def collect(frame: pl.LazyFrame) -> pl.DataFrame:
    """Return the frame computed by polars' in-memory engine.

    polars 2.1's streaming engine panics ("i < self.len()") on a conditional `format` over a
    filtered frame; the in-memory engine computes it correctly.
    """
    return frame.collect(engine="in-memory")
