"""How much one person gets per month once the price subsidy is triggered (rule data)."""

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    floor_yuan: int | None = Field(None, ge=0, description="paid at least this much per person")


class Fixed(_Base):
    """A flat amount per person per month (the Xinjiang prefecture: 20 yuan)."""

    method: Literal["fixed"]
    yuan: int = Field(gt=0)


class _OfStandard(_Base):
    """Amounts taken as a share of a 低保 standard (per month), rounded half-up to whole yuan."""

    standards: dict[str, str] = Field(
        default_factory=lambda: {"urban_dibao": "urban_dibao", "rural_dibao": "rural_dibao"},
        description="group code → the benefit standard its amount is based on",
    )
    default_standard: str = Field(
        "urban_dibao", description="standard for the groups not listed in `standards`"
    )


class Proportional(_OfStandard):
    """Standard × the triggering rate (the higher amount when both indices trigger)."""

    method: Literal["proportional"]


class Band(BaseModel):
    """From `min_rise_pct` up, the amount is a share of the standard: `share_pct` % or `share`.

    `share` is an exact fraction ("1/12": a month of a yearly amount), which a percentage with
    two decimals cannot state (8.33 % of 1,200 is 99.96, 1/12 of it is 100).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_rise_pct: Decimal = Field(ge=0, decimal_places=1)
    share_pct: Decimal | None = Field(None, gt=0, le=100, decimal_places=4)
    share: str | None = Field(None, pattern=r"^[1-9]\d*/[1-9]\d*$")

    @field_validator("min_rise_pct", "share_pct", mode="before")
    @classmethod
    def _exact(cls, value: object) -> object:
        return Decimal(repr(value)) if isinstance(value, float) else value

    @model_validator(mode="after")
    def _one_share(self) -> "Band":
        if (self.share_pct is None) == (self.share is None):
            raise ValueError("每一档须写 share_pct 或 share（如 1/12）之一")
        if self.share is not None:
            num, den = (int(x) for x in self.share.split("/"))
            if num > den:
                raise ValueError(f"share {self.share} 大于 1")
        return self

    @property
    def fraction(self) -> tuple[int, int]:
        """Return the share as (numerator, denominator), exactly."""
        if self.share is not None:
            num, den = (int(x) for x in self.share.split("/"))
            return num, den
        return int(self.share_pct * 10000), 1_000_000


class Tiered(_OfStandard):
    """Bands of the triggering rate, each paying a share of the standard."""

    method: Literal["tiered"]
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _ascending(self) -> "Tiered":
        rises = [b.min_rise_pct for b in self.bands]
        if rises != sorted(set(rises)):
            raise ValueError("bands 须按 min_rise_pct 从小到大排列且不重复")
        return self


Amount = Annotated[Fixed | Proportional | Tiered, Field(discriminator="method")]
