"""Header names of the three ledgers: direct-fund export, payment detail, special-bond ledger."""

from flows.sources.tabular import Layout, names

FUNDS = Layout(
    kind="funds",
    aliases={
        "as_of": names("统计截止日期", "截止日期", "as_of"),
        "region": names("地区", "县市", "区划", "地区名称", "region", "region_name"),
        "fund_name": names("资金名称", "直达资金名称", "fund_name"),
        "fund_code": names("资金编码", "资金代码", "fund_code"),
        "department": names("主管部门", "部门", "department"),
        "received_yuan": names(
            "上级下达金额", "下达金额", "上级下达", "收到金额", "received", "received_yuan"
        ),
        "allocated_yuan": names("已分配金额", "分配金额", "allocated", "allocated_yuan"),
        "paid_yuan": names("已支出金额", "支出金额", "已支付金额", "paid", "paid_yuan"),
        "release_date": names("下达日期", "下达时间", "release_date"),
    },
)

PAYMENTS = Layout(
    kind="payments",
    aliases={
        "payment_date": names("支付日期", "日期", "payment_date"),
        "fund_code": names("资金编码", "资金代码", "fund_code"),
        "region": names("地区", "县市", "区划", "region", "region_name"),
        "unit_name": names("预算单位", "单位名称", "unit_name"),
        "payee": names("收款人", "收款单位", "收款人全称", "payee"),
        "account_type": names("收款账户类型", "账户类型", "account_type"),
        "amount_yuan": names("金额", "支付金额", "amount", "amount_yuan"),
    },
)

BONDS = Layout(
    kind="bonds",
    aliases={
        "as_of": names("截止日期", "统计截止日期", "as_of"),
        "region": names("县市", "地区", "区划", "region", "region_name"),
        "project": names("项目名称", "project"),
        "project_unit": names("项目单位", "project_unit"),
        "department": names("主管部门", "department"),
        "quota_yuan": names("债券额度", "额度", "债券资金", "quota", "quota_yuan"),
        "spent_yuan": names("累计支出", "已支出金额", "支出金额", "spent", "spent_yuan"),
        "funds_arrived_on": names("资金到位日期", "到位日期", "funds_arrived_on"),
        "tender_notice_on": names(
            "招标公告发布日期", "招标公告日期", "招标公告时间", "tender_notice_on"
        ),
        "note": names("备注", "note"),
    },
    ignored=("序号", "支出进度"),
)
