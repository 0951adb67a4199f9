"""Datasets of the commitments beyond the three feeds: arrears, measures, daily reports, bond
issues, guarantees and procurement projects.

Text that carries more than one value is kept as given and parsed in SQL (`derived`): 是否有分歧
into a boolean, unit lists into arrays, 报送要求 into a cadence and a time of day, 日期 + 报送时间
into the submission timestamp (Asia/Shanghai wall-clock time, as written), 采购类别 into a
category code. A rate is in percent whether written '0.8%' or '0.8' (`number`).
"""

from warehouse.dataset_types import Check, Dataset, Field

_UNIT_LIST = (
    "list_filter(list_transform(regexp_split_to_array({0}, '[、，,；;]'), "
    "lambda u: trim(u, pm_blank())), lambda u: u <> '')"
)
_CLOCK = r"replace(regexp_extract({0}, '\d{{1,2}}\s*[:：]\s*\d{{2}}'), '：', ':')"

ARREARS = Dataset(
    name="arrears",
    table="arrears_snapshots",
    fields=(
        Field("as_of", "date", "统计截止日期"),
        Field("region", "region", "地区"),
        Field("debtor", "text", "欠款单位"),
        Field("creditor", "text", "债权企业"),
        Field("owed_yuan", "money", "欠款金额"),
        Field("disputed_answer", "text", "是否有分歧", required=False),
        Field("plan_due_on", "date", "还款计划日期", required=False),
        Field("repaid_yuan", "money", "已清偿金额", required=False),
        Field("repaid_on", "date", "清偿日期", required=False),
        Field("department", "text", "主管部门", required=False),
    ),
    key=("region_code", "debtor", "creditor"),
    checks=(
        Check("repaid_yuan > owed_yuan", "repaid_yuan", "已清偿金额大于欠款金额"),
        Check(
            "disputed_answer NOT IN ('是', '否')",
            "disputed_answer",
            "「是否有分歧」应填“是”或“否”（或留空）",
        ),
    ),
    derived={"disputed": "CASE disputed_answer WHEN '是' THEN TRUE WHEN '否' THEN FALSE END"},
    insert=(
        "as_of",
        "region_code",
        "region_name",
        "debtor",
        "creditor",
        "owed_yuan",
        "disputed",
        "plan_due_on",
        "repaid_yuan",
        "repaid_on",
        "department",
        "source_row",
    ),
)

MEASURES = Dataset(
    name="measures",
    table="measures",
    fields=(
        Field("measure_no", "text", "措施序号"),
        Field("title", "text", "措施"),
        Field("lead_units_text", "text", "牵头单位"),
        Field("responsible_units_text", "text", "责任单位", required=False),
        Field("report_requirement", "text", "报送要求", required=False),
        Field("region", "region", "地区", required=False),
    ),
    key=("measure_no",),
    checks=(
        Check(
            "report_requirement IS NOT NULL AND report_cadence IS NULL",
            "report_requirement",
            "「报送要求」未写明报送频次：应含“每日”“每周”或“每月”",
        ),
        Check(
            f"{_CLOCK.format('report_requirement')} <> '' AND report_by IS NULL",
            "report_requirement",
            "「报送要求」中的时间不是有效的时刻（应如 17:00）",
        ),
    ),
    derived={
        "lead_units": _UNIT_LIST.format("lead_units_text"),
        "responsible_units": _UNIT_LIST.format("responsible_units_text"),
        "report_cadence": "CASE WHEN regexp_matches(report_requirement, '每日|每天|日报') "
        "THEN 'daily' WHEN regexp_matches(report_requirement, '每周|周报') THEN 'weekly' "
        "WHEN regexp_matches(report_requirement, '每月|月报') THEN 'monthly' END",
        "report_by": f"coalesce(TRY_CAST({_CLOCK.format('report_requirement')} AS TIME), "
        r"TRY_CAST(regexp_extract(report_requirement, '(\d{1,2})\s*[时点]', 1) || ':00' AS TIME))",
    },
    insert=(
        "region_code",
        "region_name",
        "measure_no",
        "title",
        "lead_units",
        "responsible_units",
        "report_requirement",
        "report_cadence",
        "report_by",
        "source_row",
    ),
)

_SUBMITTED = "replace(submitted_time, '：', ':')"
DAILY_REPORTS = Dataset(
    name="daily_reports",
    table="daily_reports",
    fields=(
        Field("unit", "text", "单位"),
        Field("report_day", "text", "日期"),  # text: a time written in it is kept
        Field("submitted_time", "text", "报送时间", required=False),
        Field("measure_no", "text", "措施序号", required=False),
        Field("progress", "text", "完成情况"),
        Field("problems", "text", "存在问题", required=False),
        Field("next_steps", "text", "下一步计划", required=False),
    ),
    key=("unit", "report_date", "measure_no"),
    checks=(
        Check(
            "report_day IS NOT NULL AND report_date IS NULL", "report_day", "「日期」不是有效的日期"
        ),
        Check(
            "submitted_time IS NOT NULL AND submitted_at IS NULL",
            "submitted_time",
            "「报送时间」不是有效的时刻（应如 16:42 或 2022-08-26 16:42）",
        ),
    ),
    # a time in its own column, else one written in the date cell; a bare date has none
    derived={
        "report_date": "pm_date(report_day)",
        "submitted_at": f"CASE WHEN submitted_time IS NOT NULL THEN coalesce("
        f"TRY_CAST({_SUBMITTED} AS TIMESTAMP), pm_date(report_day) + TRY_CAST({_SUBMITTED} AS TIME))"
        r" WHEN regexp_matches(report_day, '\d{1,2}:\d{2}') "
        r"AND NOT regexp_matches(report_day, '\s0?0:00(:00)?$') "
        "THEN TRY_CAST(report_day AS TIMESTAMP) END",
    },
    insert=(
        "unit",
        "report_date",
        "submitted_at",
        "measure_no",
        "progress",
        "problems",
        "next_steps",
        "source_row",
    ),
)

BOND_ISSUANCE = Dataset(
    name="bond_issuance",
    table="bond_issues",
    fields=(
        Field("region", "region", "地区"),
        Field("bond_name", "text", "债券名称"),
        Field("bond_code", "text", "债券代码", required=False),
        Field("issued_yuan", "money", "发行金额"),
        Field("issued_on", "date", "发行日期"),
    ),
    key=("region_code", "bond_name"),
    insert=(
        "region_code",
        "region_name",
        "bond_name",
        "bond_code",
        "issued_yuan",
        "issued_on",
        "source_row",
    ),
)

GUARANTEES = Dataset(
    name="guarantees",
    table="guarantee_snapshots",
    fields=(
        Field("as_of", "date", "统计截止日期"),
        Field("region", "region", "地区"),
        Field("guarantor", "text", "担保机构"),
        Field("borrower", "text", "被担保企业"),
        Field("amount_yuan", "money", "担保金额"),
        Field("fee_rate", "number", "担保费率"),
        Field("started_on", "date", "担保起始日期"),
    ),
    key=("region_code", "guarantor", "borrower", "started_on"),
    checks=(
        Check(
            "fee_rate < 0 OR fee_rate >= 100",
            "fee_rate",
            "「担保费率」应为百分数（如 0.8% 或 0.8），在 0 到 100 之间",
        ),
        # a percent-formatted Excel cell holds 1.2 % as 0.012: it would pass any cap unseen
        Check(
            "fee_rate > 0 AND fee_rate < 0.1 AND NOT regexp_matches(fee_rate__raw, '[%％]')",
            "fee_rate",
            "「担保费率」小于 0.1 且未写 %：若为百分比格式的单元格（1.2% 存为 0.012），"
            "请写成 1.2 或 1.2%；确实不足 0.1% 的费率请带 % 填写",
        ),
    ),
    derived={"fee_rate_pct": "TRY_CAST(fee_rate AS DECIMAL(9, 4))"},
    insert=(
        "as_of",
        "region_code",
        "region_name",
        "guarantor",
        "borrower",
        "amount_yuan",
        "fee_rate_pct",
        "started_on",
        "source_row",
    ),
)

_CATEGORY = "regexp_replace(category_text, '类$', '')"
PROCUREMENT = Dataset(
    name="procurement",
    table="procurement_snapshots",
    fields=(
        Field("as_of", "date", "统计截止日期"),
        Field("region", "region", "地区"),
        Field("project", "text", "采购项目"),
        Field("purchaser", "text", "采购单位"),
        Field("category_text", "text", "采购类别"),
        Field("budget_yuan", "money", "预算金额"),
        Field("sme_reserved_yuan", "money", "面向中小企业预留金额", required=False),
        Field("announced_on", "date", "公告日期", required=False),
    ),
    key=("region_code", "project", "purchaser"),
    checks=(
        Check(
            "category_text IS NOT NULL AND category IS NULL",
            "category_text",
            "「采购类别」应为“货物”“服务”或“工程”",
        ),
        Check(
            "sme_reserved_yuan > budget_yuan",
            "sme_reserved_yuan",
            "面向中小企业预留金额大于预算金额",
        ),
    ),
    derived={
        "category": f"CASE {_CATEGORY} WHEN '货物' THEN 'goods' WHEN '服务' THEN 'services' "
        "WHEN '工程' THEN 'works' END",
    },
    insert=(
        "as_of",
        "region_code",
        "region_name",
        "project",
        "purchaser",
        "category",
        "budget_yuan",
        "sme_reserved_yuan",
        "announced_on",
        "source_row",
    ),
)

COMMITMENT_DATASETS = (
    ARREARS,
    MEASURES,
    DAILY_REPORTS,
    BOND_ISSUANCE,
    GUARANTEES,
    PROCUREMENT,
)
