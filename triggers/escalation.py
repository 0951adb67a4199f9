"""The escalation ladder (告知 → 提醒 → 约谈 → 移交问题线索): which red alerts step up one rung."""

from datetime import date

import polars as pl

STEP_SCHEMA = {
    "alert_id": pl.Int64,
    "rule_id": pl.String,
    "subject": pl.String,
    "escalation_step": pl.Int32,
    "step_on": pl.Date,
    "days_red": pl.Int64,
}


def escalate(frame: pl.DataFrame, ladders: dict[str, list], as_of: date) -> pl.DataFrame:
    """Return the red alerts that step up one rung now: each rung waits its `after_days`.

    The wait counts from the later of the last step and the start of the current red spell, and
    a step is taken on the evaluation date (a slip or letter is never back-dated).
    """
    frame = frame.filter(pl.col("rule_id").is_in(list(ladders)))
    if not ladders or frame.is_empty():
        return pl.DataFrame(schema=STEP_SCHEMA)
    after = pl.col("rule_id").replace_strict(
        {r: [s.after_days for s in ladder] for r, ladder in ladders.items()},
        return_dtype=pl.List(pl.Int64),
    )
    clock = pl.max_horizontal("red_since", "step_on")
    return (
        frame.filter((pl.col("level") == "red") & pl.col("rule_id").is_in(list(ladders)))
        .with_columns(wait=after.list.get(pl.col("escalation_step"), null_on_oob=True))
        .filter(pl.col("wait").is_not_null() & (clock + pl.duration(days=pl.col("wait")) <= as_of))
        .select(
            "alert_id",
            "rule_id",
            "subject",
            escalation_step=pl.col("escalation_step") + 1,
            step_on=pl.lit(as_of),
            days_red=(pl.lit(as_of) - pl.col("red_since")).dt.total_days(),
        )
        .cast(STEP_SCHEMA)
    )
