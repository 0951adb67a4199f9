"""Alert lifecycle, as whole frames: firing → acknowledged → resolved, with escalation steps.

An alert's identity is (rule_id, subject). `transition` compares the open alerts with this
evaluation's candidates and returns the changed alerts, one event per state or level change
(notifications go out on those only), and the escalation steps that fell due.
"""

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

KEY = ["rule_id", "subject"]
SEVERITY = {"yellow": 1, "red": 2}
# a candidate level that keeps an open alert as it is (level, status, ladder), only its message
# updated, and opens none: a finding no rule grades any more is not "fixed" (triggers.alerting)
HOLD = "hold"

ALERT_SCHEMA = {
    "alert_id": pl.Int64,
    "rule_id": pl.String,
    "subject": pl.String,
    "kind": pl.String,
    "region_code": pl.String,
    "level": pl.String,
    "status": pl.String,
    "message": pl.String,
    "opened_at": pl.Datetime("us", "UTC"),
    "opened_as_of": pl.Date,
    "resolved_at": pl.Datetime("us", "UTC"),
    "red_since": pl.Date,
    "escalation_step": pl.Int32,
    "step_on": pl.Date,
}
CANDIDATE_SCHEMA = {
    "rule_id": pl.String,
    "subject": pl.String,
    "kind": pl.String,
    "region_code": pl.String,
    "level": pl.String,
    "message": pl.String,
}


class AlertStateError(ValueError):
    """A requested change is not allowed from the alert's current status."""


@dataclass(frozen=True)
class Transition:
    """What changed: alerts to store (new or changed), events, escalation steps reached."""

    alerts: pl.DataFrame
    events: pl.DataFrame
    escalations: pl.DataFrame


def _severity(column: str) -> pl.Expr:
    return pl.col(column).replace_strict(SEVERITY, default=0, return_dtype=pl.Int8)


def _escalate(frame: pl.DataFrame, ladders: dict[str, list], as_of: date) -> pl.DataFrame:
    """Return the red alerts that step up one rung now: each rung waits its `after_days`.

    The wait counts from the later of the last step and the start of the current red spell, and
    a step is taken on the evaluation date (a slip or letter is never back-dated).
    """
    frame = frame.filter(pl.col("rule_id").is_in(list(ladders)))
    if not ladders or frame.is_empty():
        return pl.DataFrame(schema=_STEP_SCHEMA)
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
            *KEY,
            escalation_step=pl.col("escalation_step") + 1,
            step_on=pl.lit(as_of),
            days_red=(pl.lit(as_of) - pl.col("red_since")).dt.total_days(),
        )
        .cast(_STEP_SCHEMA)
    )


_STEP_SCHEMA = {
    "alert_id": pl.Int64,
    "rule_id": pl.String,
    "subject": pl.String,
    "escalation_step": pl.Int32,
    "step_on": pl.Date,
    "days_red": pl.Int64,
}


def transition(
    alerts: pl.DataFrame,
    candidates: pl.DataFrame,
    *,
    evaluated_rules: list[str],
    known_rules: list[str],
    ladders: dict[str, list],
    as_of: date,
    now: datetime,
    next_id: int,
) -> Transition:
    """Return the alert changes of one evaluation.

    `alerts` are the open (firing or acknowledged) alerts; `candidates` the findings that call for
    an alert now. An open alert whose rule ran healthily and no longer yields it resolves; one
    whose rule failed stays as it is; one whose rule was removed resolves with a note.
    """
    alerts = alerts.select(ALERT_SCHEMA.keys()).cast(ALERT_SCHEMA)
    candidates = candidates.select(CANDIDATE_SCHEMA.keys()).cast(CANDIDATE_SCHEMA)
    held = candidates.filter(pl.col("level") == HOLD).select(*KEY, held_message="message")
    candidates = candidates.filter(pl.col("level") != HOLD)
    joined = alerts.join(candidates, on=KEY, how="full", coalesce=True, suffix="_new")
    joined = joined.join(held, on=KEY, how="left").with_columns(
        is_new=pl.col("alert_id").is_null(),
        rule_removed=~pl.col("rule_id").is_in(known_rules),
        gone=pl.col("level_new").is_null()
        & pl.col("held_message").is_null()
        & (pl.col("rule_id").is_in(evaluated_rules) | ~pl.col("rule_id").is_in(known_rules)),
    )
    new_ids = pl.int_range(0, pl.len(), dtype=pl.Int64).over("is_new") + next_id
    worse = _severity("level_new") > _severity("level")
    status = (
        pl.when(pl.col("is_new")).then(pl.lit("firing"))
        .when(pl.col("gone")).then(pl.lit("resolved"))
        .when((pl.col("status") == "acknowledged") & worse).then(pl.lit("firing"))
        .otherwise(pl.col("status"))
    )  # fmt: skip
    level = pl.coalesce("level_new", "level")
    red_since = (
        pl.when(level != "red")
        .then(None)
        .when(pl.col("level") == "red")
        .then(pl.col("red_since"))
        .otherwise(pl.lit(as_of))
    )
    stepped = joined.with_columns(
        alert_id=pl.when(pl.col("is_new")).then(new_ids).otherwise(pl.col("alert_id")),
        old_status=pl.col("status"),
        old_level=pl.col("level"),
        old_message=pl.col("message"),
        old_step=pl.col("escalation_step").fill_null(0),
    ).with_columns(
        status=status,
        level=level,
        kind=pl.coalesce("kind_new", "kind"),
        region_code=pl.coalesce("region_code_new", "region_code"),
        message=pl.coalesce("message_new", "held_message", "message"),
        opened_at=pl.coalesce("opened_at", pl.lit(now)),
        opened_as_of=pl.coalesce("opened_as_of", pl.lit(as_of)),
        resolved_at=pl.when(pl.col("gone")).then(pl.lit(now)),
        red_since=red_since,
        escalation_step=pl.col("escalation_step").fill_null(0),
    )
    changed = stepped.filter(
        pl.col("is_new")
        | pl.col("gone")
        | (pl.col("level") != pl.col("old_level"))
        | (pl.col("status") != pl.col("old_status"))
        | (pl.col("message") != pl.col("old_message"))
    )
    # only alerts this evaluation confirmed climb: a failed rule's alerts stay as they were
    confirmed = stepped.filter((pl.col("status") != "resolved") & pl.col("level_new").is_not_null())
    escalations = _escalate(confirmed, ladders, as_of)
    if not escalations.is_empty():
        stepped = stepped.update(
            escalations.select("alert_id", "escalation_step", "step_on"), on="alert_id"
        )
        changed = stepped.filter(
            pl.col("alert_id").is_in(changed["alert_id"].implode())
            | pl.col("alert_id").is_in(escalations["alert_id"].implode())
        )
    events = _events(changed, as_of, now)
    return Transition(
        alerts=changed.select(ALERT_SCHEMA.keys()).cast(ALERT_SCHEMA),
        events=events,
        escalations=escalations,
    )


def _events(changed: pl.DataFrame, as_of: date, now: datetime) -> pl.DataFrame:
    moved = changed.filter(
        pl.col("old_status").is_null()
        | (pl.col("status") != pl.col("old_status"))
        | (pl.col("level") != pl.col("old_level"))
        | (pl.col("escalation_step") != pl.col("old_step"))
    )
    note = (
        pl.when(pl.col("old_status").is_null()).then(pl.lit("新告警"))
        .when((pl.col("status") == "resolved") & pl.col("rule_removed"))
        .then(pl.lit("规则已删除或停用，告警关闭"))
        .when(pl.col("status") == "resolved").then(pl.lit("条件已解除，自动恢复"))
        .when(pl.col("status") != pl.col("old_status")).then(pl.lit("级别升高，重新告警"))
        .when(pl.col("level") != pl.col("old_level")).then(pl.lit("级别变化"))
        .otherwise(pl.lit("督办升级"))
    )  # fmt: skip
    return moved.select(
        "alert_id",
        *KEY,
        happened_at=pl.lit(now),
        as_of=pl.lit(as_of),
        from_status=pl.col("old_status"),
        to_status=pl.col("status"),
        from_level=pl.col("old_level"),
        to_level=pl.col("level"),
        actor=pl.lit("system"),
        note=note,
        message=pl.col("message"),
    )


def acknowledge(status: str) -> str:
    """Return the status after an acknowledgement, or raise AlertStateError."""
    if status == "firing":
        return "acknowledged"
    if status == "acknowledged":
        raise AlertStateError("该告警已确认过")
    raise AlertStateError("该告警已恢复，无需确认")
