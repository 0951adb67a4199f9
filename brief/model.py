"""The one-page monthly leadership brief as plain data, gathered from the published replica.

`gather` reads the latest evaluation's findings through the scoped `warehouse.reads` queries into
a `Brief` (commitments: `brief.commitments`) that `brief.pdf`/`brief.xlsx` render. Its month picks
the price index (September's: August's, payable in September); the rest is the latest evaluation.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from brief.commitments import NO_COMMITMENTS, Commitments, gather_commitments
from triggers.jurisdictions import depth
from triggers.vocabulary import BOND_LEVELS, FUND_LEVELS, LEVELS, SUBSIDY, rank
from triggers.wording import day, money, month, pct
from warehouse import reads
from warehouse.replica import read_connection

STEPS = ("告知", "提醒", "约谈", "移交问题线索")


class BriefUnavailable(RuntimeError):
    """No evaluation has been published yet, or the warehouse cannot be read."""


@dataclass(frozen=True)
class SubsidyLine:
    """The price-linkage finding of one jurisdiction for the index month shown."""

    region_code: str
    region_name: str
    period: date
    status: str
    triggered: bool
    reasons: str
    cpi_yoy_pct: Decimal | None
    food_yoy_pct: Decimal | None
    persons: int | None
    per_person_yuan: int | None
    total_yuan: Decimal | None
    pay_by: date | None
    days_left: int | None


@dataclass(frozen=True)
class FundCounty:
    """How many direct funds of one county are at each light."""

    region_code: str
    region_name: str
    red: int
    yellow: int
    yellow_bell: int
    green: int
    spending_rate: float | None

    @property
    def total(self) -> int:
        return self.red + self.yellow + self.yellow_bell + self.green


@dataclass(frozen=True)
class BondCounty:
    """One county's special-bond totals, projection and level."""

    region_code: str
    region_name: str
    projects: int
    quota_yuan: Decimal
    spent_yuan: Decimal
    spending_rate: float | None
    target_rate: float
    deadline: date | None
    projected_date: date | None
    level: str
    reason: str


@dataclass(frozen=True)
class Escalation:
    """An open alert that reached a step of the ladder 告知 → 提醒 → 约谈 → 移交问题线索."""

    region_code: str
    region_name: str
    project: str
    kind: str
    level: str
    step: int
    step_name: str
    step_on: date


@dataclass(frozen=True)
class Brief:
    """Everything the one-page brief shows, in display order."""

    region_code: str | None
    region_name: str
    month: date
    index_month: date
    evaluated_as_of: date
    evaluated_at: datetime | None
    subsidies: tuple[SubsidyLine, ...]
    funds: tuple[FundCounty, ...]
    bonds: tuple[BondCounty, ...]
    escalations: tuple[Escalation, ...]
    commitments: Commitments = NO_COMMITMENTS

    @property
    def title(self) -> str:
        return f"{self.region_name}财政政策监测月度简报（{month(self.month)}）"

    def file_name(self, extension: str) -> str:
        """Return e.g. '阿勒泰地区_2022年9月_简报.pdf'."""
        return f"{self.region_name}_{month(self.month)}_简报.{extension}"

    @property
    def as_of_note(self) -> str:
        return (
            f"价格联动为{month(self.index_month)}价格指数（{month(self.month)}发布）；"
            f"直达资金、专项债券与督办数据截至 {day(self.evaluated_as_of)} 评估"
        )

    def fund_totals(self) -> dict[str, int]:
        """Return the number of funds at each light over all counties."""
        return {lv: sum(getattr(c, lv) for c in self.funds) for lv in FUND_LEVELS}

    def bond_totals(self) -> tuple[Decimal, Decimal, float | None]:
        """Return quota and spent (yuan) over all counties, and the overall spending rate."""
        quota = sum((c.quota_yuan for c in self.bonds), Decimal(0))
        spent = sum((c.spent_yuan for c in self.bonds), Decimal(0))
        return quota, spent, (float(spent / quota) if quota else None)

    def shown_funds(self, limit: int) -> tuple[list[FundCounty], int]:
        """Return at most `limit` counties (the worst, in code order) and how many are left out."""
        worst = sorted(
            self.funds, key=lambda c: (-c.red, -(c.yellow + c.yellow_bell), c.region_code)
        )
        return sorted(worst[:limit], key=lambda c: c.region_code), max(0, len(worst) - limit)

    def shown_bonds(self, limit: int) -> tuple[list[BondCounty], int]:
        """Return at most `limit` counties (the worst, in code order) and how many are left out."""
        order = rank(BOND_LEVELS)
        worst = sorted(self.bonds, key=lambda c: (order.get(c.level, 9), c.spending_rate or 0))
        return sorted(worst[:limit], key=lambda c: c.region_code), max(0, len(worst) - limit)

    def headlines(self) -> list[str]:
        """Return the summary sentences at the top of the brief (the same in PDF and Excel)."""
        return [
            _subsidy_headline(self),
            _fund_headline(self),
            _bond_headline(self),
            _escalation_headline(self),
            self.commitments.headline(),
        ]


def pay_by_text(line: SubsidyLine) -> str:
    """Return the pay-by date with the days left at the evaluation date."""
    return "—" if line.pay_by is None else f"{day(line.pay_by)}前{_left(line)}"


def _left(line: SubsidyLine) -> str:
    n = line.days_left
    if n is None or n > 0:
        return "" if n is None else f"（剩 {n} 天）"
    return "（今日到期）" if n == 0 else f"（已过 {-n} 天）"


def _subsidy_headline(brief: Brief) -> str:
    if not brief.subsidies:
        return f"价格联动：{month(brief.index_month)}价格指数尚无评估结果。"
    parts = []
    for s in brief.subsidies:
        text = f"{s.region_name}{SUBSIDY.get(s.status, s.status)}"
        if s.triggered:
            text += f"，{s.persons or 0:,} 人，{money(s.total_yuan)}，须于{day(s.pay_by)}前发放{_left(s)}"
        parts.append(text)
    return f"价格联动（{month(brief.index_month)}指数）：" + "；".join(parts) + "。"


def _fund_headline(brief: Brief) -> str:
    if not brief.funds:
        return "直达资金：暂无数据。"
    totals = brief.fund_totals()
    counts = "、".join(f"{LEVELS[lv][0]} {totals[lv]}" for lv in FUND_LEVELS)
    worst = max(brief.funds, key=lambda c: (c.red, c.yellow + c.yellow_bell))
    most = f"；红灯最多：{worst.region_name}（{worst.red} 项）" if worst.red else ""
    return f"直达资金：{sum(totals.values())} 项中{counts}{most}。"


def _bond_headline(brief: Brief) -> str:
    if not brief.bonds:
        return "专项债券：暂无数据。"
    quota, spent, rate = brief.bond_totals()
    levels = "、".join(
        f"{LEVELS[lv][0]} {sum(c.level == lv for c in brief.bonds)}" for lv in BOND_LEVELS
    )
    target = max(c.target_rate for c in brief.bonds)
    return (
        f"专项债券：{len(brief.bonds)} 个县市额度 {money(quota)}，已支出 {money(spent)}"
        f"（{pct(rate)}，目标 {pct(target)}）；{levels}。"
    )


def _escalation_headline(brief: Brief) -> str:
    if not brief.escalations:
        return "督办升级：无在办事项。"
    counts = "、".join(
        f"{name} {n}"
        for name in STEPS
        if (n := sum(e.step_name == name for e in brief.escalations))
    )
    return f"督办升级：{len(brief.escalations)} 项在办（{counts}）。"


def parse_month(text: str) -> date:
    """Return the first day of month 'YYYY-MM'; ValueError with a Chinese message otherwise."""
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise ValueError(f"月份格式应为 YYYY-MM（例如 2022-09），收到 {text!r}")
    return date(int(found[1]), int(found[2]), 1)


def _previous_month(first: date) -> date:
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)


def _fields(cls, row: dict, **extra) -> dict:
    return {k: row[k] for k in cls.__dataclass_fields__ if k in row} | extra


def gather(con: duckdb.DuckDBPyConnection, month_first: date, region: str | None) -> Brief:
    """Return the brief for `month_first` and `region` (None: everything) from the findings."""
    last = reads.query_last_evaluation(con)
    if last is None:
        raise BriefUnavailable("尚无评估结果：请先导入数据并运行 policy-monitor evaluate")
    names = reads.query_region_names(con)
    index_month = _previous_month(month_first)
    subsidies = reads.query_subsidies(con, region).filter(period=index_month).iter_rows(named=True)
    subsidy_lines = [
        SubsidyLine(
            **_fields(
                SubsidyLine,
                r,
                region_name=names.get(r["region_code"], r["region_code"]),
                reasons="；".join(r["reasons"] or []),
                per_person_yuan=None if r["per_person_yuan"] is None else int(r["per_person_yuan"]),
            )
        )
        for r in sorted(subsidies, key=lambda r: (-depth(r["region_code"]), r["region_code"]))
    ]
    funds = reads.query_fund_levels_by_county(con, region).iter_rows(named=True)
    bonds = reads.query_bond_counties(con, region).iter_rows(named=True)
    escalations = [
        Escalation(
            region_code=r["region_code"],
            region_name=names.get(r["region_code"], r["region_code"]),
            project=r["subject"].split("/", 1)[-1],
            kind=r["kind"],
            level=r["level"],
            step=r["escalation_step"],
            step_name=r["step_name"],
            step_on=r["step_on"],
        )
        for r in reads.query_open_escalations(con, region).iter_rows(named=True)
    ]
    return Brief(
        region_code=region,
        region_name=names.get(region, region) if region else "全部地区",
        month=month_first,
        index_month=index_month,
        evaluated_as_of=last["as_of"],
        evaluated_at=last["finished_at"],
        subsidies=tuple(subsidy_lines),
        funds=tuple(FundCounty(**_fields(FundCounty, r)) for r in funds),
        bonds=tuple(BondCounty(**_fields(BondCounty, r)) for r in bonds),
        escalations=tuple(escalations),
        commitments=gather_commitments(con, region),
    )


def read_brief(db: Path, month_first: date, region: str | None) -> Brief:
    """Return the brief from the published replica of warehouse `db` (works while a load runs)."""
    if not db.exists():
        raise BriefUnavailable(f"仓库 {db} 还不存在：请先导入数据并运行 policy-monitor evaluate")
    try:
        cursor = read_connection(db)
    except (duckdb.IOException, FileNotFoundError) as exc:
        raise BriefUnavailable("数据尚未发布且仓库正被写入：请待导入完成后重试") from exc
    try:
        return gather(cursor, month_first, region)
    except duckdb.CatalogException as exc:
        raise BriefUnavailable("仓库结构较旧：请用新版本运行一次导入或评估") from exc
    finally:
        cursor.close()
