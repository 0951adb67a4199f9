"""The domain's words: every code the project stores, with the Chinese label users see.

The CLI, the dashboard, the brief and the notifications take their labels from here, and
tests/test_vocabulary.py fails when a code used anywhere (rule kinds, findings' levels and
statuses, alert statuses, event kinds, group codes, source kinds) has no label. "Kind" means four
things, so each has its own name: RULE_KINDS (a rule's `kind`), FINDING_KINDS (an alert's `kind`:
the rule kind, or `system` for the service itself), SOURCE_KINDS (what a loaded file is) and
EVENT_KINDS (what an alert event is).
"""

# Lights, worst first: the order is data (sorting, counting, "a worse level re-opens an alert").
LEVELS = {
    "red": ("红灯", "#c62828"),
    "yellow": ("黄灯", "#f9a825"),
    "yellow_bell": ("黄色警铃", "#fbc02d"),
    "green": ("绿灯", "#2e7d32"),
}
LEVEL_ORDER = tuple(LEVELS)
LEVEL_WORDS = {level: word for level, (word, _) in LEVELS.items()}
FUND_LEVELS = LEVEL_ORDER  # direct funds use every light
BOND_LEVELS = ("red", "yellow", "green")  # bond projects and counties: no yellow bell
ALERT_LEVELS = ("red", "yellow")  # the lights that raise an alert

RULE_KINDS = {
    "price_subsidy": "物价联动",
    "direct_fund": "直达资金",
    "bond_deadline": "专项债券",
    "carryover_recall": "结转结余",
    "target_by_date": "限期目标",
    "limit_per_row": "逐项限额",
    "report_due": "按时报送",
}
COMMITMENT_UNITS = {"yuan": "元", "percent": "%", "count": "件", "time": "时间"}
FINDING_KINDS = RULE_KINDS | {"system": "系统运行"}

STATUS = {"firing": "告警中", "acknowledged": "已确认", "resolved": "已恢复"}  # an alert's status
EVENT_KINDS = {
    "opened": "新告警",
    "escalated": "升级",
    "resolved": "已恢复",
    "level_changed": "级别变化",
    "acknowledged": "已确认",
    "reopened": "重新打开",
}
SUBSIDY = {  # a price-subsidy finding's status
    "triggered": "已触发",
    "not_triggered": "未触发",
    "pending": "待定（等待数据）",
    "overdue": "数据逾期",
}
PAYMENT = {  # a triggered month's payment status
    "not_due": "未到期",
    "paid": "已发放",
    "partly_paid": "部分发放",
    "unpaid": "逾期未发放",
}

SOURCE_KINDS = {
    "cpi": "价格指数",
    "funds": "直达资金",
    "payments": "支付明细",
    "bonds": "专项债券",
    "beneficiaries": "保障对象",
    "subsidy_payments": "补贴发放台账",
    "arrears": "清欠台账",
    "measures": "措施责任分解表",
    "daily_reports": "每日报送",
    "bond_issuance": "专项债券发行",
    "guarantees": "融资担保台账",
    "procurement": "政府采购项目",
}
INGEST_STATUSES = {
    "loaded": "已导入",
    "partial": "部分导入",
    "rejected": "拒收",
    "duplicate": "重复",
}

GROUPS = {
    "urban_dibao": "城市低保",
    "rural_dibao": "农村低保",
    "tekun": "特困人员",
    "orphan_institutional": "集中供养孤儿",
    "orphan_dispersed": "社会散居孤儿",
    "de_facto_orphan": "事实无人抚养儿童",
    "hiv_child": "艾滋病病毒感染儿童",
    "unemployment_insurance": "领取失业保险金人员",
    "unemployment_allowance": "领取失业补助金人员",
    "near_dibao": "低保边缘人口",
    "entitled_groups": "优抚对象",
}

# Names files use for groups, beyond the labels above. A name that covers several groups (城乡低保,
# a plain 孤儿) maps to all of them: a payment may cover them together, a head count may not.
GROUP_ALIASES: dict[str, tuple[str, ...]] = {
    "城市低保对象": ("urban_dibao",),
    "城镇低保": ("urban_dibao",),
    "城镇低保对象": ("urban_dibao",),
    "农村低保对象": ("rural_dibao",),
    "城乡低保": ("urban_dibao", "rural_dibao"),
    "城乡低保对象": ("urban_dibao", "rural_dibao"),
    "低保": ("urban_dibao", "rural_dibao"),
    "低保对象": ("urban_dibao", "rural_dibao"),
    "特困": ("tekun",),
    "特困供养": ("tekun",),
    "特困供养人员": ("tekun",),
    "特困供养对象": ("tekun",),
    "孤儿": ("orphan_institutional", "orphan_dispersed"),
    "散居孤儿": ("orphan_dispersed",),
    "集中养育孤儿": ("orphan_institutional",),
    "失业保险金领取人员": ("unemployment_insurance",),
    "失业保险金": ("unemployment_insurance",),
    "失业补助金领取人员": ("unemployment_allowance",),
    "失业补助金": ("unemployment_allowance",),
    "低保边缘对象": ("near_dibao",),
    "低保边缘家庭": ("near_dibao",),
}


def group_codes(name: str) -> tuple[str, ...] | None:
    """Return the group codes a label or alias names (several for 城乡低保), or None if unknown."""
    name = "".join(name.split())
    by_label = next((code for code, label in GROUPS.items() if label == name), None)
    if by_label:
        return (by_label,)
    if name in GROUPS:
        return (name,)
    return GROUP_ALIASES.get(name)


def rank(levels: tuple[str, ...] = LEVEL_ORDER) -> dict[str, int]:
    """Return each level's place in `levels`, worst first (0 = worst)."""
    return {level: i for i, level in enumerate(levels)}
