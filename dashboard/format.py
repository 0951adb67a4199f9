"""How numbers, dates and levels read on screen: Chinese first, money in 万元/亿元, levels as colour and text."""

from datetime import date, datetime
from decimal import Decimal

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
    "no_data": "待发布",
    "overdue": "数据逾期",
}
GROUPS = {
    "urban_dibao": "城市低保", "rural_dibao": "农村低保", "tekun": "特困人员",
    "orphan_institutional": "集中供养孤儿", "orphan_dispersed": "社会散居孤儿",
    "de_facto_orphan": "事实无人抚养儿童", "hiv_child": "艾滋病病毒感染儿童",
    "unemployment_insurance": "领取失业保险金人员", "unemployment_allowance": "领取失业补助金人员",
    "near_dibao": "低保边缘人口", "entitled_groups": "优抚对象",
}  # fmt: skip


def money(yuan: Decimal | float | int | None) -> str:
    """Return yuan as 万元 (or 亿元 from 1 亿 up), with the unit."""
    if yuan is None:
        return "—"
    value = Decimal(str(yuan))
    if abs(value) >= Decimal(100_000_000):
        return f"{value / Decimal(100_000_000):,.2f} 亿元"
    return f"{value / Decimal(10_000):,.2f} 万元"


def month(day: date | None) -> str:
    """Return '2022年9月'."""
    return "—" if day is None else f"{day.year}年{day.month}月"


def day(value: date | datetime | None) -> str:
    """Return '2022年9月30日'."""
    return "—" if value is None else f"{value.year}年{value.month}月{value.day}日"


def pct(rate: float | None) -> str:
    """Return a 0–1 rate as '49.6%'."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def level_text(level: str) -> str:
    """Return the Chinese word of a light."""
    return LEVELS.get(level, (level, ""))[0]
