"""What every rule has (id, jurisdiction, effective range …) and the escalation ladder's rungs.

`triggers.rules` builds each kind on `RuleBase`; the commitment kinds add lead and responsible
units (`triggers.commitment_rules`).
"""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from triggers.periods import Effective, parse_month


def _region_code(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(
            '地区代码须加引号书写，例如 "654300"（不加引号时 YAML 会把 000000 读成 0）'
        )
    return value


RegionCode = Annotated[str, BeforeValidator(_region_code), Field(pattern=r"^\d{6}(-[A-Z0-9]+)?$")]
Month = Annotated[date, BeforeValidator(parse_month)]


class RuleBase(BaseModel):
    """Fields every rule has."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str
    source: str = ""
    jurisdiction: RegionCode
    effective: Effective
    note: str = ""
    overrides: list[str] = Field(
        [], description="ids of rules of the same kind and jurisdiction this one replaces"
    )


class EscalationStep(BaseModel):
    """One rung of the ladder 告知 → 提醒 → 约谈 → 移交问题线索."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    after_days: int = Field(ge=0, description="days the project stays red after the last step")
    document: str
    template: str

    @field_validator("template")
    @classmethod
    def _known_fields(cls, value: str) -> str:
        from triggers.documents import FIELDS, template_fields

        unknown = sorted(set(template_fields(value)) - set(FIELDS))
        if unknown:
            raise ValueError(f"模板中有未知字段 {unknown}；可用字段：{', '.join(FIELDS)}")
        return value
