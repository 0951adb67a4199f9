"""The Excel brief's table rows: (value, format) cells and headers for funds, bonds and steps."""

from datetime import date
from decimal import Decimal

from brief.model import BondCounty, Brief, Escalation, FundCounty
from triggers.vocabulary import FUND_LEVELS, LEVELS


def wan(yuan: Decimal | None) -> float | None:
    """Return yuan as 万元 for a cell (None stays empty)."""
    return None if yuan is None else float(yuan) / 10_000  # shown with 2 decimals, kept exact


def _date(value: date | None) -> tuple:
    return (value, "date") if value else ("—", "text")


def fund_rows(funds: list[FundCounty], brief: Brief) -> list[list[tuple]]:
    """Return the direct-fund rows of `funds`, with a 合计 row over all counties."""
    rows = [
        [
            (c.region_name, "text"),
            (c.red, "int"),
            (c.yellow, "int"),
            (c.yellow_bell, "int"),
            (c.green, "int"),
            (c.total, "int"),
            (c.spending_rate if c.spending_rate is not None else "—", "pct"),
        ]
        for c in funds
    ]
    totals = brief.fund_totals()
    rows.append(
        [
            ("合计", "sum"),
            *((totals[lv], "sum") for lv in FUND_LEVELS),
            (sum(totals.values()), "sum"),
            ("—", "sum"),
        ]
    )
    return rows


def bond_rows(bonds: list[BondCounty], brief: Brief) -> list[list[tuple]]:
    """Return the special-bond rows of `bonds`, with a 合计 row over all counties."""
    rows = [
        [
            (c.region_name, "text"),
            (c.projects, "int"),
            (wan(c.quota_yuan), "wan"),
            (wan(c.spent_yuan), "wan"),
            (c.spending_rate if c.spending_rate is not None else "—", "pct"),
            (c.target_rate, "pct"),
            _date(c.deadline),
            _date(c.projected_date) if c.projected_date else ("按现进度难以达到", "text"),
            (LEVELS.get(c.level, (c.level,))[0], c.level if c.level in LEVELS else "text"),
        ]
        for c in bonds
    ]
    quota, spent, rate = brief.bond_totals()
    rows.append(
        [
            ("合计", "sum"),
            (sum(c.projects for c in brief.bonds), "sum"),
            (wan(quota), "sum_wan"),
            (wan(spent), "sum_wan"),
            (rate if rate is not None else "—", "sum_pct"),
            *(("", "sum") for _ in range(4)),
        ]
    )
    return rows


def escalation_rows(steps: list[Escalation]) -> list[list[tuple]]:
    """Return one row per escalation step."""
    return [
        [
            (e.region_name, "text"),
            (e.project, "text"),
            (e.step_name, "text"),
            _date(e.step_on),
            (LEVELS.get(e.level, (e.level,))[0], e.level if e.level in LEVELS else "text"),
        ]
        for e in steps
    ]


FUND_HEADERS = ["县市", *(LEVELS[lv][0] for lv in FUND_LEVELS), "合计", "支出进度"]
BOND_HEADERS = [
    "县市",
    "项目数",
    "额度（万元）",
    "已支出（万元）",
    "支出进度",
    "目标",
    "截止日",
    "预计达到目标",
    "等级",
]
STEP_HEADERS = ["县市", "项目", "环节", "日期", "等级"]
