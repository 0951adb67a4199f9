"""担保费率上限：一个用 pandas 手写的自定义规则类型（custom rule kind, worked example）。

Every government-backed guarantee started while the rule is in force must charge at most the
cap (阿勒泰 654300: 0.8 %). Per guarantee, one graded item:

- red: the fee rate is above the cap (0.81 % against 0.8 %);
- green: at or below the cap (exactly 0.80 % is green);
- yellow: the ledger gives no fee rate, so the guarantee cannot be checked.

The shipped `limit_per_row` defaults check the same promise without code; this module shows how
an analyst writes such a kind by hand. Copy it and guarantee_fee_cap.yaml into the rules folder
(POLICY_MONITOR_RULES_DIR). The contract: triggers/custom_kinds.py and docs/rules.md.
"""

from datetime import date

import pandas as pd
from pydantic import BaseModel, Field

from triggers.custom_kinds import percent

KIND = "guarantee_fee_cap"
INPUTS = ("guarantees",)


class Params(BaseModel):
    """The rule's own YAML fields (besides id, title, source, jurisdiction, lead_units …)."""

    cap_bp: int = Field(gt=0, le=10_000, description="费率上限，百分之一个百分点（0.8 % = 80）")


def evaluate(rule, inputs: dict[str, pd.DataFrame], as_of: date) -> pd.DataFrame:
    """Return one graded item per guarantee started on or after the rule's start."""
    g = inputs["guarantees"]  # only rows under rule.jurisdiction; dates are datetime64
    started = pd.Timestamp(rule.effective.start)
    g = g[g["started_on"].isna() | (g["started_on"] >= started)].reset_index(drop=True)

    rate, cap = g["fee_rate_bp"], rule.cap_bp  # nullable Int64, hundredths of a percent
    over = (rate > cap).fillna(False).astype(bool)
    unknown = rate.isna()
    level = pd.Series("green", index=g.index).mask(over, "red").mask(unknown, "yellow")

    actual = percent(rate)  # exact Decimal percent: 81 → Decimal("0.8100")
    cap_text = f"{percent(pd.Series([cap]))[0].normalize()}%"
    rate_text = actual.map(lambda v: f"{v.normalize()}%" if v is not None else "")
    reason = (
        pd.Series("担保费率 ", index=g.index)
        + rate_text
        + pd.Series(" 未超过上限 ", index=g.index).mask(over, " 高于上限 ")
        + cap_text
    ).mask(unknown, "台账未填报担保费率，无法核对")

    return pd.DataFrame(
        {
            "region_code": g["region_code"],
            "region_name": g["region_name"],
            "item": g["guarantor"]
            + "/"
            + g["borrower"]
            + "/"
            + g["started_on"].dt.strftime("%Y-%m-%d").fillna("未填日期"),
            "subject": g["guarantor"] + " → " + g["borrower"],
            "party": g["guarantor"],
            "unit": "percent",
            "target": percent(pd.Series([cap] * len(g), dtype="Int64")),
            "actual": actual,
            "amount_fen": g["amount_fen"],
            "level": level,
            "reasons": reason,  # one reason as text (a list of texts is fine too)
        }
    )
