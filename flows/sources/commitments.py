"""Header names of the commitment sources: arrears, measures, daily reports, bond issues,
guarantees (政府性融资担保业务台账) and government procurement projects (政府采购项目台账).

All six are ledgers with one row per record under a header (`plan_tabular`): the header is found
in the first 30 rows, money gets its unit from the header or a '单位：万元' line, the arrears,
guarantee and procurement ledgers' as-of date comes from their title or a '统计截止日期' line,
and 合计/小计 rows are skipped. A rate is in percent whether written '0.8%' or '0.8'.
"""

from flows.sources.tabular import Layout, names

ARREARS = Layout(
    kind="arrears",
    aliases={
        "as_of": names("统计截止日期", "截止日期", "as_of"),
        "region": names("地区", "县市", "区划", "地区名称", "region", "region_name"),
        "debtor": names("欠款单位", "欠款主体", "拖欠单位", "debtor"),
        "creditor": names("债权企业", "债权单位", "被拖欠企业", "企业名称", "creditor"),
        "owed_yuan": names("欠款金额", "拖欠金额", "欠款额", "owed", "owed_yuan"),
        "disputed_answer": names("是否有分歧", "有无分歧", "是否存在分歧", "disputed"),
        "plan_due_on": names("还款计划日期", "计划还款日期", "计划清偿日期", "plan_due_on"),
        "repaid_yuan": names("已清偿金额", "已偿还金额", "清偿金额", "repaid", "repaid_yuan"),
        "repaid_on": names("清偿日期", "偿还日期", "还款日期", "repaid_on"),
        "department": names("主管部门", "部门", "department"),
    },
    ignored=("序号", "备注", "清偿进度"),
)

MEASURES = Layout(
    kind="measures",
    aliases={
        "measure_no": names("序号", "措施序号", "措施编号", "编号", "measure_no"),
        "title": names("措施", "措施名称", "政策措施", "主要措施", "title"),
        "lead_units_text": names("牵头单位", "牵头部门", "lead_units"),
        "responsible_units_text": names("责任单位", "配合单位", "责任部门", "responsible_units"),
        "report_requirement": names("报送要求", "报送频次", "报送时限", "report_requirement"),
        "region": names("地区", "区划", "region"),
    },
    ignored=("备注",),
)

DAILY_REPORTS = Layout(
    kind="daily_reports",
    aliases={
        "unit": names("单位", "报送单位", "填报单位", "单位名称", "unit"),
        "report_day": names("日期", "报送日期", "填报日期", "report_date"),
        "submitted_time": names("报送时间", "提交时间", "填报时间", "submitted_time"),
        "measure_no": names("措施序号", "措施编号", "序号", "measure_no"),
        "progress": names("完成情况", "工作完成情况", "进展情况", "progress"),
        "problems": names("存在问题", "存在的问题", "问题", "problems"),
        "next_steps": names("下一步计划", "下步计划", "下一步工作计划", "next_steps"),
    },
    ignored=("备注",),
)

BOND_ISSUANCE = Layout(
    kind="bond_issuance",
    aliases={
        "region": names("地区", "县市", "区划", "region", "region_name"),
        "bond_name": names("债券名称", "债券简称", "bond_name"),
        "bond_code": names("债券代码", "债券编码", "bond_code"),
        "issued_yuan": names("发行金额", "发行额", "发行规模", "issued", "issued_yuan"),
        "issued_on": names("发行日期", "发行时间", "issued_on"),
    },
    ignored=("序号", "备注", "期限", "利率", "票面利率"),
)

GUARANTEES = Layout(
    kind="guarantees",
    aliases={
        "as_of": names("统计截止日期", "截止日期", "as_of"),
        "region": names("地区", "县市", "区划", "地区名称", "region", "region_name"),
        "guarantor": names("担保机构", "担保机构名称", "担保公司", "guarantor"),
        "borrower": names("被担保企业", "被担保人", "借款企业", "企业名称", "borrower"),
        "amount_yuan": names("担保金额", "在保金额", "担保额", "amount", "amount_yuan"),
        # '担保费率（%）' and '担保费率(%)' lose their bracket as a unit would
        "fee_rate": names("担保费率", "担保费率%", "年化担保费率", "费率", "fee_rate"),
        "started_on": names("担保起始日期", "担保起始日", "起始日期", "担保开始日期", "started_on"),
    },
    ignored=("序号", "备注", "担保到期日期", "担保期限", "贷款银行"),
)

PROCUREMENT = Layout(
    kind="procurement",
    aliases={
        "as_of": names("统计截止日期", "截止日期", "as_of"),
        "region": names("地区", "县市", "区划", "地区名称", "region", "region_name"),
        "project": names("采购项目", "采购项目名称", "项目名称", "project"),
        "purchaser": names("采购单位", "采购人", "purchaser"),
        "category_text": names("采购类别", "采购品目类别", "项目类别", "category"),
        "budget_yuan": names("预算金额", "采购预算金额", "项目预算", "budget", "budget_yuan"),
        "sme_reserved_yuan": names(
            "面向中小企业预留金额", "中小企业预留金额", "预留金额", "sme_reserved_yuan"
        ),
        "announced_on": names("公告日期", "采购公告日期", "公告发布日期", "announced_on"),
    },
    ignored=("序号", "备注", "预留比例", "采购方式"),
)
