"""The alert state machine: firing → acknowledged → resolved, with escalation steps.

Every change of an alert's status goes through here and says what kind of event it is:
`transition` (an evaluation, as whole frames), `act` (a person acknowledges, resolves or
reopens), `raise_system` / `clear_system` (the service's own alerts) and `event_kinds` (what a stored
event is, for notifications); triggers/silences.py says which events' notifications a silence
mutes. The warehouse only loads and stores; the dashboard, the CLI and the notifications ask here.
"""

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from triggers.escalation import escalate
from triggers.vocabulary import ALERT_LEVELS

KEY = ["rule_id", "subject"]
SEVERITY = {level: len(ALERT_LEVELS) - i for i, level in enumerate(ALERT_LEVELS)}  # red worst
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
    """A requested change is not allowed (from the alert's current status, when `action` is set)."""

    def __init__(self, message: str, action: str | None = None, status: str | None = None):
        super().__init__(message)
        self.action, self.status = action, status


@dataclass(frozen=True)
class Transition:
    """What changed: alerts to store (new or changed), events, escalation steps reached."""

    alerts: pl.DataFrame
    events: pl.DataFrame
    escalations: pl.DataFrame


def _severity(column: str) -> pl.Expr:
    return pl.col(column).replace_strict(SEVERITY, default=0, return_dtype=pl.Int8)


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
        pl.when(pl.col("is_new"))
        .then(pl.lit("firing"))
        .when(pl.col("gone"))
        .then(pl.lit("resolved"))
        .when((pl.col("status") == "acknowledged") & worse)
        .then(pl.lit("firing"))
        .otherwise(pl.col("status"))
    )
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
    escalations = escalate(confirmed, ladders, as_of)
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
        pl.when(pl.col("old_status").is_null())
        .then(pl.lit("新告警"))
        .when((pl.col("status") == "resolved") & pl.col("rule_removed"))
        .then(pl.lit("规则已删除或停用，告警关闭"))
        .when(pl.col("status") == "resolved")
        .then(pl.lit("条件已解除，自动恢复"))
        .when(pl.col("status") != pl.col("old_status"))
        .then(pl.lit("级别升高，重新告警"))
        .when(pl.col("level") != pl.col("old_level"))
        .then(pl.lit("级别变化"))
        .otherwise(pl.lit("督办升级"))
    )
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


# A person's actions: action → (statuses it applies to, status after, event kind).
ACTIONS = {
    "acknowledge": (("firing",), "acknowledged", "acknowledged"),
    "resolve": (("firing", "acknowledged"), "resolved", "resolved"),
    "reopen": (("acknowledged",), "firing", "reopened"),
}
# Why an action is refused from a status (the CLI prefixes "告警 N", the dashboard its own words).
REFUSALS = {
    ("acknowledge", "acknowledged"): "已确认过",
    ("acknowledge", "resolved"): "已恢复，无需确认",
    ("resolve", "resolved"): "已恢复",
    ("reopen", "firing"): "未被确认，无需重新打开",
    ("reopen", "resolved"): "已恢复，不能重新打开",
}


@dataclass(frozen=True)
class Change:
    """One alert's change made by a person or the service: the status after and the event kind."""

    from_status: str | None
    to_status: str
    event: str


def refusal(action: str, status: str) -> str | None:
    """Return why `action` is not allowed on an alert in `status`, or None when it is."""
    allowed, _, _ = ACTIONS[action]
    return None if status in allowed else REFUSALS[(action, status)]


def act(action: str, status: str) -> Change:
    """Return a person's change (acknowledge, resolve, reopen); raise AlertStateError if refused."""
    if (reason := refusal(action, status)) is not None:
        raise AlertStateError(reason, action, status)
    _, to_status, event = ACTIONS[action]
    return Change(status, to_status, event)


SYSTEM_RULE = "system.flow_failure"  # the rule id of the service's own alerts (kind `system`)


def raise_system(open_status: str | None) -> Change | None:
    """Return the change when the service reports a failure: a new alert, unless one is open."""
    return Change(None, "firing", "opened") if open_status is None else None


def clear_system(open_status: str | None) -> Change | None:
    """Return the change when the service works again: its open alert resolves (None: none open)."""
    return None if open_status is None else act("resolve", open_status)


def event_kinds(
    from_status: str | None,
    to_status: str,
    from_level: str | None,
    to_level: str,
    escalated: bool = False,
) -> set[str]:
    """Return what an alert event is: opened, escalated, resolved, level_changed, acknowledged…"""
    kinds = {"escalated"} if escalated else set()
    if from_status is None:
        kinds.add("opened")
    elif to_status != from_status and to_status in ("resolved", "acknowledged"):
        kinds.add(to_status)  # an acknowledged alert whose level changes is a level change
    elif from_level != to_level:
        kinds.add("level_changed")  # a worse level re-opening an acknowledged alert included
    elif from_status == "acknowledged" and to_status == "firing":
        kinds.add("reopened")
    return kinds
