"""Rule definitions as data: pydantic models, one per `kind`, parsed from YAML texts.

Every rule has an id, a jurisdiction (a GB/T 2260 code; it covers the regions under it) and an
effective range. A bad rule file never half-loads: `parse_rule_texts` reports every error of
every file at once, each with its file, rule id and field.
"""

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from triggers.amounts import Amount
from triggers.commitment_rules import LimitPerRowRule, TargetByDateRule
from triggers.report_rules import ReportDueRule
from triggers.rule_base import EscalationStep, Month, RegionCode, RuleBase
from triggers.vocabulary import GROUPS


class RuleError(ValueError):
    """One or more rule files are invalid; `errors` lists each problem with its location."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("规则文件有误：\n" + "\n".join(f"  - {e}" for e in errors))


class PayBy(BaseModel):
    """When a triggered month's subsidy must be paid."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["end_of_publication_month", "working_days_after_publication"]
    working_days: int = Field(20, ge=1, le=60)


class PriceSubsidyRule(RuleBase):
    """Price-subsidy linkage: triggered per index month by CPI or food CPI year on year."""

    kind: Literal["price_subsidy"]
    version: str
    cpi_threshold_pct: Decimal = Field(gt=0, le=20, decimal_places=1)
    food_threshold_pct: Decimal = Field(gt=0, le=30, decimal_places=1)
    cpi_regions: list[RegionCode] = Field(min_length=1)
    groups: list[str] = Field(min_length=1)
    amount: Amount
    pay_by: PayBy
    publication_due_day: int = Field(
        15, ge=1, le=31, description="day of the month after the index month by which it is due"
    )
    mix_regions: bool = Field(
        False,
        description=(
            "CPI and food may come from different regions of the chain (for a bulletin without "
            "食品); by default both come from the one region that decides the month"
        ),
    )

    @field_validator("cpi_threshold_pct", "food_threshold_pct", mode="before")
    @classmethod
    def _exact(cls, value: object) -> object:
        # YAML gives 3.5 as a float; its shortest repr is the decimal the author wrote.
        return Decimal(repr(value)) if isinstance(value, float) else value

    @field_validator("groups")
    @classmethod
    def _known_groups(cls, value: list[str]) -> list[str]:
        _check_groups(value, "")
        if len(set(value)) < len(value):
            raise ValueError(
                "保障对象类别重复：" + "、".join(sorted({g for g in value if value.count(g) > 1}))
            )
        return value

    @field_validator("amount")
    @classmethod
    def _known_standard_groups(cls, value: Amount) -> Amount:
        _check_groups(list(getattr(value, "standards", {})), "standards 中有")
        return value


def _check_groups(codes: list[str], where: str) -> None:
    # A typo would silently leave its people out of every budget: the vocabulary is closed.
    unknown = [code for code in codes if code not in GROUPS]
    if unknown:
        raise ValueError(
            f"{where}未知的保障对象类别 {', '.join(map(repr, unknown))}；可用：{', '.join(GROUPS)}"
        )


class DirectFundRule(RuleBase):
    """Direct-fund lights: allocation deadline, own-funds payments, spending behind time."""

    kind: Literal["direct_fund"]
    allocation_deadline_days: int = Field(30, ge=1, le=365)
    due_soon_days: int = Field(10, ge=0, le=365)
    red_behind_points: int = Field(20, ge=1, le=100)
    yellow_behind_points: int = Field(10, ge=0, le=100)
    stale_after_days: int = Field(45, ge=1, le=400)
    time_progress: Literal["day_of_year", "month_end"] = Field(
        "day_of_year",
        description="time progress: the snapshot's day of the year ÷ 365/366, or the months "
        "complete on that day ÷ 12 (docs/rules.md)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> "DirectFundRule":
        if self.yellow_behind_points > self.red_behind_points:
            raise ValueError("yellow_behind_points 不能大于 red_behind_points")
        return self


class BondDeadlineRule(RuleBase):
    """Special bonds: a share of the quota must be spent by a deadline; laggards escalate."""

    kind: Literal["bond_deadline"]
    deadline: date
    target_rate: Decimal = Field(Decimal("0.90"), gt=0, le=1, decimal_places=4)
    at_risk_days: int = Field(10, ge=0, le=365)
    escalation: list[EscalationStep] = Field(min_length=1)

    @field_validator("target_rate", mode="before")
    @classmethod
    def _exact(cls, value: object) -> object:
        return Decimal(repr(value)) if isinstance(value, float) else value

    @model_validator(mode="after")
    def _deadline_in_range(self) -> "BondDeadlineRule":
        if self.effective.start > self.deadline:
            raise ValueError("deadline 早于规则生效日期")
        return self


class CarryoverRecallRule(RuleBase):
    """Carry-over: balances unspent at the end of the year after budgeting are recalled."""

    kind: Literal["carryover_recall"]
    recall_after_years: int = Field(1, ge=1, le=5)
    warn_days_before: int = Field(60, ge=0, le=365)
    advance_release_months: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        [10, 11, 12],
        description="months in which money released is next year's budget (提前下达); "
        "the ledger has no 预算年度 column (docs/rules.md)",
    )

    @field_validator("advance_release_months")
    @classmethod
    def _year_end(cls, value: list[int]) -> list[int]:
        months = sorted(set(value))
        if months and months != list(range(months[0], 13)):
            raise ValueError("advance_release_months 须为截至 12 月的连续月份，例如 [10, 11, 12]")
        return months


Rule = Annotated[
    PriceSubsidyRule
    | DirectFundRule
    | BondDeadlineRule
    | CarryoverRecallRule
    | TargetByDateRule
    | LimitPerRowRule
    | ReportDueRule,
    Field(discriminator="kind"),
]


class RuleFile(BaseModel):
    """The top level of a rule file."""

    model_config = ConfigDict(extra="forbid")

    rules: list[Rule]


def _location(file: str, raw: object, loc: tuple) -> str:
    """Return 'file: rule <id>: field' for a pydantic error location."""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rule = raw["rules"][loc[1]] if isinstance(raw, dict) else None
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        name = f"规则 {rule_id}" if rule_id else f"第 {loc[1] + 1} 条规则"
        # drop the union tag pydantic puts after the index (the rule's kind, custom kinds too)
        kind = rule.get("kind") if isinstance(rule, dict) else None
        tail = loc[3:] if loc[2:3] == (kind,) else loc[2:]
        rest = [str(p) for p in tail if p not in _TAGS]
        return f"{file}: {name}: {'.'.join(rest) or '(整条)'}"
    return f"{file}: {'.'.join(str(p) for p in loc) or '(文件)'}"


_FIELD_FIRST = re.compile(r"^Value error, ([a-z_][a-z_0-9.]*): (.*)$", re.S)


def _message(file: str, raw: object, error: dict) -> str:
    """Return 'file: rule <id>: field: message'; a whole-rule check that names its field first
    (`ValueError("of: …")`) is located at that field."""
    where = _location(file, raw, tuple(error["loc"]))
    named = _FIELD_FIRST.match(error["msg"])
    if named and where.endswith(": (整条)"):
        return f"{where.removesuffix('(整条)')}{named[1]}: {named[2]}"
    return f"{where}: {error['msg']}"


# union tags pydantic inserts into error locations
_TAGS = (
    {"price_subsidy", "direct_fund", "bond_deadline", "carryover_recall"}
    | {
        "target_by_date",
        "limit_per_row",
    }
    | {
        "fixed",
        "proportional",
        "tiered",
    }
)


def parse_rule_texts(texts: dict[str, str], custom_kinds: tuple | list = ()) -> list:
    """Return every rule of the YAML `texts` (file name → text), or raise RuleError with all errors.

    `custom_kinds` (`triggers.custom_kinds.CustomKind`s, from the rules folder) add their kinds.
    Besides each file's own checks, rule ids must be unique, rules of one kind and jurisdiction
    must not overlap unless one overrides the other, and no local price threshold may exceed the
    national one in force for the same months.
    """
    import yaml

    from triggers.consistency import check_rules
    from triggers.custom_kinds import rule_file

    errors: list[str] = []
    located: list[tuple[str, object]] = []
    model = rule_file(RuleFile, Rule, tuple(custom_kinds))
    for file, text in sorted(texts.items()):
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" 第 {mark.line + 1} 行" if mark else ""
            errors.append(f"{file}:{where} 不是有效的 YAML：{getattr(exc, 'problem', exc)}")
            continue
        try:
            located.extend((file, rule) for rule in model.model_validate(raw).rules)
        except ValidationError as exc:
            errors.extend(_message(file, raw, e) for e in exc.errors())
    if not errors:
        errors = check_rules(located)
    if errors:
        raise RuleError(errors)
    return [rule for _, rule in located]


__all__ = ["Month", "RuleError", "parse_rule_texts"]
