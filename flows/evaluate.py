"""The evaluate flow: read rules and inputs → evaluate (pure) → alert transitions → store.

It runs after each ingest and on demand (`policy-monitor evaluate`). The warehouse is opened only
to read the inputs and, at the end, to write the results in one transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from flows.distributed import evaluate_distributed
from flows.rule_files import load_rules
from flows.settings import FlowSettings
from triggers.alerting import SUBJECTS, alert_candidates
from triggers.documents import render_documents
from triggers.engine import evaluate_rules
from triggers.lifecycle import transition
from warehouse.actions import apply_actions
from warehouse.connection import connect
from warehouse.evaluations import (
    EvaluationRecord,
    query_next_alert_id,
    query_open_alerts,
    store_evaluation,
    take_alert_ids,
)
from warehouse.replica import publish
from warehouse.trigger_inputs import query_trigger_inputs

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Return the evaluation date: POLICY_MONITOR_AS_OF, else today in Asia/Shanghai."""
    return FlowSettings().as_of or datetime.now(SHANGHAI).date()


def evaluation_instant(
    as_of: date | None = None, at: datetime | None = None
) -> tuple[date, datetime | None]:
    """Return the evaluation's date and instant (naive Asia/Shanghai wall time).

    `at` gives both (an aware time is converted to Asia/Shanghai). Without it the date is
    `as_of` (default `today()`) and the instant is now for today, None (the end of the day, as
    the engine reads it) for any other date. The triggers never read the clock: this does.
    """
    if at is not None:
        if at.tzinfo is not None:
            at = at.astimezone(SHANGHAI).replace(tzinfo=None)
        if as_of is not None and as_of != at.date():
            raise ValueError(f"评估时刻 {at:%Y-%m-%d %H:%M} 不在评估日期 {as_of} 当天")
        return at.date(), at
    day = as_of or today()
    now = datetime.now(SHANGHAI).replace(tzinfo=None)
    return day, now if day == now.date() else None


def end_of_day(day: date) -> datetime:
    """Return the instant an evaluation of `day` without a time of day is at."""
    return datetime.combine(day, time.max)


@dataclass(frozen=True)
class Summary:
    """What an evaluation found, for the terminal and the flow result."""

    evaluation_id: int
    as_of: date
    at: datetime  # the instant the report rules were graded at (Asia/Shanghai)
    rules: int
    unhealthy: list[dict]
    counts: dict[str, dict[str, int]]
    events: int
    escalations: int

    def to_dict(self) -> dict:
        return {
            "evaluation_id": self.evaluation_id,
            "as_of": self.as_of.isoformat(),
            "at": self.at.isoformat(timespec="minutes"),
            "rules": self.rules,
            "unhealthy": self.unhealthy,
            "counts": self.counts,
            "events": self.events,
            "escalations": self.escalations,
        }


def run_evaluation(
    db: Path,
    as_of: date,
    rules: list,
    cause: str = "manual",
    evaluate: Callable = evaluate_rules,
    at: datetime | None = None,
) -> Summary:
    """Evaluate every rule against the warehouse on `as_of` (at the instant `at`) and store them.

    `evaluate` is `evaluate_rules` (in this process) or `evaluate_distributed` with a cluster;
    it gets `at=` only when an instant is given (None: the end of the `as_of` day).
    """
    started = datetime.now(UTC)
    with connect(db) as con:
        apply_actions(con, db)  # acknowledgments queued while the warehouse was busy
        frames = query_trigger_inputs(con, as_of)
        evaluation = evaluate(rules, frames, as_of, **({"at": at} if at else {}))
        first_id = query_next_alert_id(con)
        step = transition(
            query_open_alerts(con),
            alert_candidates(evaluation.findings, as_of, rules),
            evaluated_rules=evaluation.healthy_rules,
            known_rules=[r.id for r in rules],
            ladders={r.id: r.escalation for r in rules if getattr(r, "escalation", None)},
            as_of=as_of,
            now=started,
            next_id=first_id,
        )
        take_alert_ids(con, first_id, step.alerts)
        projects = evaluation.findings.get("bond_projects")
        documents = render_documents(
            step.escalations,
            projects.with_columns(subject=SUBJECTS["bond_projects"])
            if projects is not None
            else None,
            rules,
            evaluation.findings.get("commitments"),
        )
        record = EvaluationRecord(
            as_of=as_of,
            started_at=started,
            finished_at=datetime.now(UTC),
            cause=cause,
            findings=evaluation.findings,
            health=evaluation.health,
            alerts=step.alerts,
            events=step.events,
            escalations=documents,
            evaluated_at=at or end_of_day(as_of),
        )
        evaluation_id = store_evaluation(con, record)
        publish(con, db)
    counts = {
        name: dict(frame.group_by(_level(frame)).len().sort(_level(frame)).iter_rows())
        for name, frame in evaluation.findings.items()
    }
    return Summary(
        evaluation_id=evaluation_id,
        as_of=as_of,
        at=at or end_of_day(as_of),
        rules=len(rules),
        unhealthy=[h for h in evaluation.health if not h["healthy"]],
        counts=counts,
        events=step.events.height,
        escalations=documents.height,
    )


def _level(frame):
    return "level" if "level" in frame.columns else "status"


@task(cache_policy=NONE)
def read_rules(rules_dir: str | None) -> list:
    """Return the validated rules (defaults plus the user's folder)."""
    return load_rules(Path(rules_dir) if rules_dir else None)


@task(cache_policy=NONE)
def evaluate_and_store(
    db: str, as_of: date, rules: list, cause: str, at: datetime | None = None
) -> dict:
    """Evaluate the rules, apply alert transitions, store everything; return the summary."""
    address = FlowSettings().dask_address
    evaluate = partial(evaluate_distributed, address=address) if address else evaluate_rules
    summary = run_evaluation(Path(db), as_of, rules, cause, evaluate, at)
    for bad in summary.unhealthy:
        get_run_logger().warning("rule %s is unhealthy: %s", bad["rule_id"], bad["error"])
    return summary.to_dict()


@flow(name="evaluate", flow_run_name="evaluate", validate_parameters=False)
def evaluate_flow(
    db: str, as_of: date | None = None, cause: str = "manual", at: datetime | None = None
) -> dict:
    """Evaluate every rule on `as_of` (default: today) at the instant `at`; record the results.

    Without `at`: now for today, the end of the day for another date (`evaluation_instant`).
    """
    as_of, at = evaluation_instant(as_of, at)
    rules = read_rules(str(FlowSettings().rules_dir) if FlowSettings().rules_dir else None)
    return evaluate_and_store(db, as_of, rules, cause, at)
