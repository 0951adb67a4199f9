"""The domain's words: every code the project stores, with the Chinese label users see.

The CLI, the dashboard, the brief and the notifications take their labels from here, and rules
validate their codes against it (tests/test_vocabulary.py fails when a code has no label).
"""

LEVELS = {
    "red": ("红灯", "#c62828"),
    "yellow": ("黄灯", "#f9a825"),
    "yellow_bell": ("黄色警铃", "#fbc02d"),
    "green": ("绿灯", "#2e7d32"),
}
KINDS = {"price_subsidy": "物价联动", "direct_fund": "直达资金", "bond_deadline": "专项债券",
         "carryover_recall": "结转结余"}  # fmt: skip
STATUS = {"firing": "告警中", "acknowledged": "已确认", "resolved": "已恢复"}
SUBSIDY = {
    "triggered": "已触发",
    "not_triggered": "未触发",
    "pending": "待定（等待数据）",
    "overdue": "数据逾期",
}
PAYMENT = {"not_due": "未到期", "paid": "已发放", "partly_paid": "部分发放", "unpaid": "逾期未发放"}
GROUPS = {
    "urban_dibao": "城市低保", "rural_dibao": "农村低保", "tekun": "特困人员",
    "orphan_institutional": "集中供养孤儿", "orphan_dispersed": "社会散居孤儿",
    "de_facto_orphan": "事实无人抚养儿童", "hiv_child": "艾滋病病毒感染儿童",
    "unemployment_insurance": "领取失业保险金人员", "unemployment_allowance": "领取失业补助金人员",
    "near_dibao": "低保边缘人口", "entitled_groups": "优抚对象",
}  # fmt: skip

# Names files use for groups, beyond the labels above. A name that covers several groups (城乡低保,
# a plain 孤儿) maps to all of them: a payment may cover them together, a head count may not.
GROUP_ALIASES: dict[str, tuple[str, ...]] = {
    "城市低保对象": ("urban_dibao",), "城镇低保": ("urban_dibao",), "城镇低保对象": ("urban_dibao",),
    "农村低保对象": ("rural_dibao",),
    "城乡低保": ("urban_dibao", "rural_dibao"), "城乡低保对象": ("urban_dibao", "rural_dibao"),
    "低保": ("urban_dibao", "rural_dibao"), "低保对象": ("urban_dibao", "rural_dibao"),
    "特困": ("tekun",), "特困供养": ("tekun",), "特困供养人员": ("tekun",),
    "特困供养对象": ("tekun",),
    "孤儿": ("orphan_institutional", "orphan_dispersed"),
    "散居孤儿": ("orphan_dispersed",), "集中养育孤儿": ("orphan_institutional",),
    "失业保险金领取人员": ("unemployment_insurance",), "失业保险金": ("unemployment_insurance",),
    "失业补助金领取人员": ("unemployment_allowance",), "失业补助金": ("unemployment_allowance",),
    "低保边缘对象": ("near_dibao",), "低保边缘家庭": ("near_dibao",),
}  # fmt: skip


def group_codes(name: str) -> tuple[str, ...] | None:
    """Return the group codes a label or alias names (several for 城乡低保), or None if unknown."""
    name = "".join(name.split())
    by_label = next((code for code, label in GROUPS.items() if label == name), None)
    if by_label:
        return (by_label,)
    if name in GROUPS:
        return (name,)
    return GROUP_ALIASES.get(name)
