"""Commitment findings stored without any rule kind, for the commitments CLI, API and notify tests.

`store_items(db)` runs the real evaluation (`run_evaluation`) with an evaluator that returns these
graded items, so they land in `commitment_findings`, alerts and the outbox as a real kind's would.
"""

from datetime import date, datetime
from pathlib import Path

import polars as pl

from flows.evaluate import run_evaluation
from triggers.commitment_findings import conform
from triggers.engine import Evaluation

AS_OF = date(2022, 12, 31)
_COLUMNS = (
    "rule_id",
    "kind",
    "commitment",
    "source",
    "region_code",
    "region_name",
    "item",
    "subject",
    "party",
    "lead_unit",
    "deadline",
    "due_at",
    "unit",
    "target",
    "actual",
    "amount_fen",
    "done_fen",
    "overdue",
    "disputed",
    "level",
    "reasons",
)
_ARREARS = ("清偿拖欠中小企业账款", "西政办〔2022〕1号")
_ALTAY = ("清欠台账", "阿行署办〔2022〕8号")
ITEMS = [
    # 西山区: a debt just under 2,000,000 yuan unpaid past its deadline, one repaid in full
    ("xishan.arrears", "target_by_date", *_ARREARS, "530112", "西山区", "住建局/甲公司",
     "住建局 → 甲公司", "住建局", "区财政局", date(2022, 12, 31), None, "yuan", "1999999.99",
     "0", 199_999_999, 0, True, False, "red", ["截至 2022-12-31 未清偿"]),
    ("xishan.arrears", "target_by_date", *_ARREARS, "530112", "西山区", "住建局/乙公司",
     "住建局 → 乙公司", "住建局", "区财政局", date(2022, 12, 31), None, "yuan", "2000000",
     "2000000", 200_000_000, 200_000_000, False, False, "green", ["已全额清偿"]),
    # 布尔津县 (under 阿勒泰地区): one repaid in part, one disputed (listed apart)
    ("altay.arrears", "target_by_date", *_ALTAY, "654321", "布尔津县", "县住建局/丙公司",
     "县住建局 → 丙公司", "县住建局", "县财政局", date(2023, 1, 15), None, "yuan", "500000.50",
     "100000", 50_000_050, 10_000_000, False, False, "yellow", ["部分清偿，距还款计划日期 15 天"]),
    ("altay.arrears", "target_by_date", *_ALTAY, "654321", "布尔津县", "县交通局/丁公司",
     "县交通局 → 丁公司", "县交通局", "县财政局", date(2022, 6, 30), None, "yuan", "300000",
     "0", 30_000_000, 0, False, True, "yellow", ["有分歧，另行处理"]),
    # 阿勒泰地区: a guarantee fee above its 0.8 % cap
    ("altay.guarantee-fee", "limit_per_row", "担保费率不超过 0.8%", "阿行署办〔2022〕8号",
     "654300", "阿勒泰地区", "G-001", "地区融资担保公司 · 甲公司", "地区融资担保公司",
     "地区财政局", None, None, "percent", "0.8", "1", 100_000_000, None, False, False, "red",
     ["担保费率 1.00% 高于上限 0.80%"]),
    # 克州: a lead unit's daily report not in by 17:00
    ("kizilsu.daily-report", "report_due", "每日 17:00 前报送完成情况", "克政办〔2022〕3号",
     "653000", "克孜勒苏柯尔克孜自治州", "州发改委/2022-12-31", "州发改委 2022-12-31 日报",
     "州发改委", "州发改委", date(2022, 12, 31), datetime(2022, 12, 31, 17, 0), "time", None,
     None, None, None, True, False, "red", ["17:00 前未报送"]),
]  # fmt: skip


def findings(as_of: date = AS_OF) -> pl.DataFrame:
    """Return ITEMS as a conformed commitments findings frame."""
    frame = pl.DataFrame([dict(zip(_COLUMNS, row, strict=True)) for row in ITEMS])
    frame = frame.with_columns(
        pl.col("target", "actual").cast(pl.String).str.to_decimal(scale=4),
        responsible_units=pl.lit(["各县市"]),
    )
    return conform(frame, as_of)


def store_items(db: Path, as_of: date = AS_OF) -> None:
    """Store ITEMS through a real evaluation on `as_of` (findings, alerts, outbox, replica)."""

    def evaluate(rules, frames, on):
        return Evaluation(as_of=on, findings={"commitments": findings(on)})

    run_evaluation(db, as_of, [], evaluate=evaluate)
