"""What every commitment rule has: who answers for it, where it comes from, how it escalates.

The kinds (`target_by_date`, `limit_per_row`, `report_due`) are built on `CommitmentBase`; each
returns findings of `triggers.commitment_findings.COMMITMENT_SCHEMA`. Several commitments of one
kind may hold in one jurisdiction at once (they are different promises), so they never overlap
in the sense of `triggers.consistency`.
"""

from pydantic import Field, field_validator

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
