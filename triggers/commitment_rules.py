"""What every commitment rule has: who answers for it, where it comes from, how it escalates.

The kinds (`target_by_date`, `limit_per_row`, `report_due`) are built on `CommitmentBase`; each
returns findings of `triggers.commitment_findings.COMMITMENT_SCHEMA`. Several commitments of one
kind may hold in one jurisdiction at once (they are different promises), so they never overlap
in the sense of `triggers.consistency`.
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from triggers.commitment_filters import (
    LEDGER_DEFAULTS,
    Condition,
    check_condition,
    check_ledger,
    column_of,
    columns,
    exact,
    scaled,
)
from triggers.rule_base import EscalationStep, RuleBase


class CommitmentBase(RuleBase):
    """A checkable promise of a package: its lead unit answers for it, its document is cited."""

    source: str = Field(min_length=1, description="the document and article the promise is in")
    lead_units: list[str] = Field(min_length=1, description="牵头单位")
    responsible_units: list[str] = Field([], description="责任单位")
    escalation: list[EscalationStep] = Field(
        [], description="the ladder a red item climbs (告知 → 提醒 → 约谈 → 移交问题线索)"
    )

    @field_validator("lead_units", "responsible_units")
    @classmethod
    def _named(cls, value: list[str]) -> list[str]:
        if any(not unit.strip() for unit in value):
            raise ValueError("单位名称不能为空")
        return [unit.strip() for unit in value]


class LedgerRule(CommitmentBase):
    """A commitment over the rows of one ledger (`where:` chooses the rows it is about)."""

    ledger: str = Field(description="the input frame read: arrears, bond_issues, guarantees …")
    where: list[Condition] = Field([], description="conditions every row must meet (and)")
    item: list[str] = Field([], description="columns naming an item (default: the ledger's)")
    party: str | None = Field(None, description="column of whose item it is (default: ledger's)")

    @field_validator("ledger")
    @classmethod
    def _known_ledger(cls, value: str) -> str:
        return check_ledger(value)

    @model_validator(mode="after")
    def _columns(self) -> "LedgerRule":
        for i, cond in enumerate(self.where):
            check_condition(self.ledger, cond, f"where.{i}")
        for name in self.item:
            column_of(self.ledger, name, "item", ("text", "date", "count"))
        if self.party is not None:
            column_of(self.ledger, self.party, "party", ("text",))
        return self

    def item_columns(self) -> list[str]:
        names = self.item or LEDGER_DEFAULTS[self.ledger]["item"]
        return [columns(self.ledger).get(n, (n, ""))[0] for n in names]

    def party_column(self) -> str | None:
        return self.party or LEDGER_DEFAULTS[self.ledger]["party"]


class Window(BaseModel):
    """Rows whose date column lies in [from, to] (e.g. bonds issued in 2022)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    column: str
    start: date = Field(alias="from")
    end: date = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        if self.end < self.start:
            raise ValueError("window.to 早于 window.from")
        return self


class TargetByDateRule(LedgerRule):
    """A measure over a ledger reaches a target by a deadline: a sum, a count or a share, per
    item (each row) or per region (the rows of each region together)."""

    kind: Literal["target_by_date"]
    measure: Literal["sum", "count", "share"]
    per: Literal["item", "region"] = "region"
    of: str | None = Field(None, description="sum: the money/count column summed")
    done: str | None = Field(None, description="share: the money column met (e.g. repaid)")
    amount: str | None = Field(None, description="share: the money column due (e.g. owed)")
    target: Decimal = Field(ge=0, description="yuan (sum of money), count, or percent (share)")
    deadline: date
    at_risk_days: int = Field(30, ge=0, le=365)
    window: Window | None = None
    due: str | None = Field(
        None,
        description="per item: a date column that is the item's own "
        "deadline where set (arrears: plan_due_on)",
    )
    plan_required_by: date | None = Field(
        None,
        description="per item: after this date an undisputed item neither met nor under a "
        "plan (no `due` date) is red (阿勒泰: 2022-06-30)",
    )
    subject: str = Field("", description="per region: what the item is called (default: title)")

    @field_validator("target", mode="before")
    @classmethod
    def _exact(cls, value: object) -> object:
        return exact(value)

    @model_validator(mode="after")
    def _measure(self) -> "TargetByDateRule":
        if self.measure == "sum":
            if self.of is None:
                raise ValueError("of: measure 为 sum 时须写要合计的列")
            unit = column_of(self.ledger, self.of, "of", ("yuan", "count"))[1]
            scaled(self.target, unit, "target")
        if self.measure == "share":
            for field in ("done", "amount"):
                if getattr(self, field) is None:
                    raise ValueError(f"{field}: measure 为 share 时须写 done 和 amount 两列")
                column_of(self.ledger, getattr(self, field), field, ("yuan", "count"))
            if self.target > 100:
                raise ValueError("target: 比例不能超过 100（单位为 %）")
            scaled(self.target, "percent", "target")
        if self.measure == "count":
            scaled(self.target, "count", "target")
        if self.window is not None:
            column_of(self.ledger, self.window.column, "window.column", ("date",))
        if (self.due is not None or self.plan_required_by is not None) and self.per != "item":
            raise ValueError("due / plan_required_by 只用于 per: item")
        if self.due is not None:
            column_of(self.ledger, self.due, "due", ("date",))
        if self.per == "item" and self.measure != "share":
            raise ValueError("measure: per 为 item 时须用 share（每项的 done 占 amount 的比例）")
        return self

    def unit(self) -> str:
        if self.measure == "count":
            return "count"
        if self.measure == "share":
            return "yuan" if self.per == "item" else "percent"
        return column_of(self.ledger, self.of, "of")[1]


class Ratio(BaseModel):
    """A row's value as a percentage: numerator ÷ denominator × 100."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    numerator: str
    denominator: str


class LimitPerRowRule(LedgerRule):
    """Every row's value stays within a cap (`max`) or above a floor (`min`), or a column of it
    must be set (`present`, e.g. a project's tender notice)."""

    kind: Literal["limit_per_row"]
    value: str | Ratio | None = Field(None, description="a column, or a ratio (in percent)")
    max: Decimal | None = Field(None, description="a cap in the value's unit (yuan, percent …)")
    min: Decimal | None = Field(None, description="a floor in the value's unit")
    present: str | None = Field(None, description="a column every row must have set")
    breach_level: Literal["red", "yellow"] = "red"

    @field_validator("max", "min", mode="before")
    @classmethod
    def _exact(cls, value: object) -> object:
        return exact(value)

    @model_validator(mode="after")
    def _limit(self) -> "LimitPerRowRule":
        if self.present is not None:
            if self.value is not None or self.max is not None or self.min is not None:
                raise ValueError("present 不能与 value、max、min 同用")
            column_of(self.ledger, self.present, "present")
            return self
        if self.value is None:
            raise ValueError("value: 须写要检查的列（或比例），或写 present")
        if self.max is None and self.min is None:
            raise ValueError("max: 须写上限 max 或下限 min")
        if isinstance(self.value, Ratio):
            for field in ("numerator", "denominator"):
                column_of(
                    self.ledger, getattr(self.value, field), f"value.{field}", ("yuan", "count")
                )
        else:
            column_of(self.ledger, self.value, "value", ("yuan", "percent", "count"))
        unit = self.unit()
        for field in ("max", "min"):
            if getattr(self, field) is not None:
                scaled(getattr(self, field), "percent" if unit == "percent" else unit, field)
        if self.max is not None and self.min is not None and self.min > self.max:
            raise ValueError("min 不能大于 max")
        return self

    def unit(self) -> str:
        if self.present is not None:
            return "count"
        if isinstance(self.value, Ratio):
            return "percent"
        return column_of(self.ledger, self.value, "value")[1]
