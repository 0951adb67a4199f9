"""The datasets a file can feed, declared as data: fields, keys, row checks and target table."""

from warehouse.dataset_types import Check, Dataset, Field
from warehouse.datasets_commitments import COMMITMENT_DATASETS

__all__ = ["DATASETS", "Check", "Dataset", "Field"]

PAYMENTS = Dataset(
    name="payments",
    table="fund_payments",
    fields=(
        Field("payment_date", "date", "支付日期"),
        Field("fund_code", "text", "资金编码"),
        Field("region", "region", "地区"),
        Field("unit_name", "text", "预算单位", required=False),
        Field("payee", "text", "收款人", required=False),
        Field("account_type", "text", "收款账户类型"),
        Field("amount_yuan", "money", "金额"),
    ),
    derived={"own_funds_account": "coalesce(strpos(account_type, '实有资金') > 0, FALSE)"},
    insert=(
        "payment_date",
        "fund_code",
        "region_code",
        "region_name",
        "unit_name",
        "payee",
        "account_type",
        "own_funds_account",
        "amount_yuan",
        "source_row",
    ),
)

FUNDS = Dataset(
    name="funds",
    table="fund_snapshots",
    fields=(
        Field("as_of", "date", "统计截止日期"),
        Field("region", "region", "地区"),
        Field("fund_name", "text", "资金名称"),
        Field("fund_code", "text", "资金编码"),
        Field("department", "text", "主管部门", required=False),
        Field("received_yuan", "money", "上级下达金额"),
        Field("allocated_yuan", "money", "已分配金额"),
        Field("paid_yuan", "money", "已支出金额"),
        Field("release_date", "date", "下达日期", required=False),
    ),
    key=("fund_code", "region_code"),
    checks=(
        Check("allocated_yuan > received_yuan", "allocated_yuan", "已分配金额大于上级下达金额"),
        Check("paid_yuan > received_yuan", "paid_yuan", "已支出金额大于上级下达金额"),
    ),
    insert=(
        "as_of",
        "region_code",
        "region_name",
        "fund_code",
        "fund_name",
        "department",
        "received_yuan",
        "allocated_yuan",
        "paid_yuan",
        "release_date",
        "source_row",
    ),
)

BONDS = Dataset(
    name="bonds",
    table="bond_snapshots",
    fields=(
        Field("as_of", "date", "截止日期"),
        Field("region", "region", "县市"),
        Field("project", "text", "项目名称"),
        Field("project_unit", "text", "项目单位", required=False),
        Field("department", "text", "主管部门", required=False),
        Field("quota_yuan", "money", "债券额度"),
        Field("spent_yuan", "money", "累计支出"),
        Field("funds_arrived_on", "date", "资金到位日期", required=False),
        Field("tender_notice_on", "date", "招标公告发布日期", required=False),  # migration 10
        Field("note", "text", "备注", required=False),
    ),
    key=("region_code", "project"),
    checks=(Check("spent_yuan > quota_yuan", "spent_yuan", "累计支出大于债券额度"),),
    insert=(
        "as_of",
        "region_code",
        "region_name",
        "project",
        "project_unit",
        "department",
        "quota_yuan",
        "spent_yuan",
        "funds_arrived_on",
        "tender_notice_on",
        "note",
        "source_row",
    ),
)

BENEFICIARIES = Dataset(
    name="beneficiaries",
    table="beneficiary_counts",
    fields=(
        Field("period", "month", "统计月份"),
        Field("region", "region", "县市"),
        Field("group_code", "text", "保障对象类别", required=False),  # None: see the check
        Field("group_name", "text", "保障对象类别"),
        Field("persons", "count", "人数"),
    ),
    key=("region_code", "group_code"),
    checks=(
        Check(
            "group_code IS NULL",
            "persons",
            "该列合并了多个保障对象类别（如「孤儿」含集中供养孤儿和社会散居孤儿），人数无法归入类别："
            "请分列填报",
        ),
    ),
    insert=(
        "period",
        "region_code",
        "region_name",
        "group_code",
        "group_name",
        "persons",
        "source_row",
    ),
)

STANDARDS = Dataset(
    name="standards",
    table="benefit_standards",
    fields=(
        Field("period", "month", "统计月份"),
        Field("region", "region", "县市"),
        Field("standard_code", "text", "保障标准类别"),
        Field("standard_name", "text", "保障标准类别"),
        Field("stated_yuan", "money", "保障标准"),
        Field("stated_per", "text", "标准单位（元/月 或 元/年）"),
    ),
    key=("region_code", "standard_code"),
    checks=(
        Check(
            "stated_per NOT IN ('month', 'year')",
            "stated_per",
            "保障标准未注明是元/月还是元/年",
        ),
    ),
    derived={
        "yuan_per_month": "CAST(CASE stated_per WHEN 'year' THEN stated_yuan / 12 "
        "ELSE stated_yuan END AS DECIMAL(14, 4))"
    },
    insert=(
        "period",
        "region_code",
        "region_name",
        "standard_code",
        "standard_name",
        "stated_yuan",
        "stated_per",
        "yuan_per_month",
        "source_row",
    ),
)

CPI = Dataset(
    name="cpi",
    table="cpi_observations",
    fields=(
        Field("region", "region", "地区"),
        Field("period", "month", "月份"),
        Field("indicator", "text", "指标"),
        Field("indicator_name", "text", "指标"),
        Field("measure", "text", "口径"),
        Field("basis", "text", "数值口径（指数或百分比）"),
        Field("value", "number", "数值"),
    ),
    key=("region_code", "period", "indicator", "measure"),
    checks=(
        Check(
            "basis NOT IN ('index', 'pct')",
            "basis",
            "未说明数值是指数（上年同月=100）还是涨跌幅（%）",
        ),
        Check("value_pct NOT BETWEEN -100 AND 1000", "value", "数值超出合理范围"),
    ),
    derived={
        "value_pct": "CAST(CASE basis WHEN 'index' THEN value - 100 ELSE value END "
        "AS DECIMAL(7, 2))",
        "source_file": "$file_name",
        "published_on": "$published_on::DATE",
        "loaded_at": "now()",
    },
    insert=(
        "region_code",
        "period",
        "indicator",
        "indicator_name",
        "measure",
        "value_pct",
        "published_on",
        "source_file",
        "source_row",
        "loaded_at",
    ),
    vintage_key=("region_code", "period", "indicator", "measure"),
)

# The civil-affairs 发放台账: what was paid for an index month's price subsidy, and when.
# `group_codes` is filled by the reader from the vocabulary (comma-separated when a row covers
# several groups, as 城乡低保 does); a name it does not know leaves it empty and is quarantined.
SUBSIDY_PAYMENTS = Dataset(
    name="subsidy_payments",
    table="subsidy_payments",
    fields=(
        Field("region", "region", "地区"),
        Field("period", "month", "指数月份"),
        Field("group_name", "text", "救助群体", required=False),
        Field("group_codes", "text", "救助群体", required=False),
        Field("persons", "count", "发放人数"),
        Field("paid_yuan", "money", "发放金额"),
        Field("paid_on", "date", "发放日期"),
        Field("extra_cells", "text", "表头以外的单元格", required=False),
    ),
    key=("region_code", "period", "group_name", "paid_on"),
    checks=(
        Check(
            "group_name IS NOT NULL AND group_codes IS NULL",
            "group_name",
            "救助群体不是已定义的保障对象类别：应为城市低保、农村低保、特困人员、集中供养孤儿、"
            "社会散居孤儿、事实无人抚养儿童、艾滋病病毒感染儿童、领取失业保险金人员、"
            "领取失业补助金人员、低保边缘人口、优抚对象，或以“、”分隔的组合（如“城乡低保、特困”）",
        ),
        Check("paid_on < period", "paid_on", "发放日期早于所属的指数月份"),
        Check(
            "extra_cells IS NOT NULL",
            "extra_cells",
            "该行的单元格多于表头（金额中的千分位逗号是否未加引号？）",
        ),
    ),
    derived={"group_code": "CASE WHEN strpos(group_codes, ',') = 0 THEN group_codes END"},
    insert=(
        "region_code",
        "region_name",
        "period",
        "group_name",
        "group_code",
        "group_codes",
        "persons",
        "paid_yuan",
        "paid_on",
        "source_row",
    ),
)

DATASETS = {
    d.name: d
    for d in (
        PAYMENTS,
        FUNDS,
        BONDS,
        BENEFICIARIES,
        STANDARDS,
        CPI,
        SUBSIDY_PAYMENTS,
        *COMMITMENT_DATASETS,
    )
}
