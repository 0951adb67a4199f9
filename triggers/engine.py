"""The trigger engine: one evaluator per rule kind, each rule run in isolation.

`evaluate_rules(rules, frames, as_of, at=None)` is pure: frames in, findings out. A rule that raises
is reported as unhealthy with its error, and the other rules still run. `at` is the instant of the
evaluation (Asia/Shanghai wall time, naive) for the kinds that grade a time of day (`needs_at`:
report_due); None is the end of the `as_of` day. The others see only the date.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

import polars as pl

from triggers.bond_deadline import evaluate_bond_counties, evaluate_bond_projects
from triggers.carryover import evaluate_carryover
from triggers.custom_kinds import FINDINGS, evaluate_custom, is_custom
from triggers.direct_fund import evaluate_direct_fund
from triggers.frames import check_frames
from triggers.limit_per_row import evaluate_limit_per_row
from triggers.price_subsidy import evaluate_price_subsidy
from triggers.report_due import evaluate_report_due
from triggers.target_by_date import evaluate_target_by_date


@dataclass(frozen=True)
class Evaluator:
    """How a rule kind is evaluated: the function, its input frames, its findings' name."""

    evaluate: Callable[..., pl.DataFrame]
    inputs: tuple[str, ...]
    findings: str
    date_column: str  # the date that decides which of two overlapping rules is in force
    needs_at: bool = False  # called with at= the evaluation's instant (a time of day)


EVALUATORS: dict[str, Evaluator] = {
    "price_subsidy": Evaluator(
        lambda rule, rules, frames, as_of: evaluate_price_subsidy(rule, frames, as_of, rules),
        ("cpi", "beneficiaries", "standards"),
        "subsidies",
        "period",
    ),
    "direct_fund": Evaluator(evaluate_direct_fund, ("funds",), "warnings", "as_of"),
    "bond_deadline": Evaluator(evaluate_bond_projects, ("bonds",), "bond_projects", "as_of"),
    "carryover_recall": Evaluator(evaluate_carryover, ("funds",), "carryover", "as_of"),
    "target_by_date": Evaluator(evaluate_target_by_date, (), "commitments", "as_of"),
    "limit_per_row": Evaluator(evaluate_limit_per_row, (), "commitments", "as_of"),
    "report_due": Evaluator(
        evaluate_report_due, ("measures", "daily_reports"), "commitments", "deadline", True
    ),
}


def inputs_of(evaluator: Evaluator, rule) -> list[str]:
    """Return the frames a rule reads: its kind's, and a commitment's own ledger."""
    ledger = getattr(rule, "ledger", None)
    return list(evaluator.inputs) + ([ledger] if isinstance(ledger, str) else [])


@dataclass
class Evaluation:
    """Findings by name (subsidies, warnings, bond_projects, bond_counties, carryover), health."""

    as_of: date
    findings: dict[str, pl.DataFrame] = field(default_factory=dict)
    health: list[dict] = field(default_factory=list)

    @property
    def healthy_rules(self) -> list[str]:
        return [h["rule_id"] for h in self.health if h["healthy"]]


def _in_force(frame: pl.DataFrame, rule, rules: list, column: str) -> pl.DataFrame:
    """Drop the rows of dates on which another rule overrides `rule`."""
    for other in rules:
        if rule.id in other.overrides:
            inside = pl.col(column) >= other.effective.start
            if other.effective.end is not None:
                inside &= pl.col(column) <= other.effective.end
            frame = frame.filter(~inside)
    return frame


def evaluate_rules(
    rules: list,
    frames: dict[str, pl.LazyFrame],
    as_of: date,
    only: set[str] | None = None,
    at: datetime | None = None,
) -> Evaluation:
    """Return every rule's findings on `as_of` (at the instant `at`), and which rules ran healthily.

    With `only`, just those rules are evaluated; the others are context (which rule overrides
    or takes precedence over which).
    """
    if at is not None and (at.tzinfo is not None or at.date() != as_of):
        raise ValueError(f"at {at} must be a naive Asia/Shanghai time on the as_of day {as_of}")
    instant = {"at": at or datetime.combine(as_of, time.max)}
    result = Evaluation(as_of=as_of)
    parts_of: dict[str, list[pl.DataFrame]] = {}
    for kind, evaluator in EVALUATORS.items():
        of_kind = [r for r in rules if r.kind == kind]
        parts = parts_of.setdefault(evaluator.findings, [])
        for rule in (r for r in of_kind if only is None or r.id in only):
            try:
                check_frames(frames, inputs_of(evaluator, rule))
                extra = instant if evaluator.needs_at else {}
                found = evaluator.evaluate(rule, of_kind, frames, as_of, **extra)
                found = _in_force(found, rule, of_kind, evaluator.date_column)
            except Exception as exc:
                result.health.append(_health(rule, False, f"{type(exc).__name__}: {exc}", 0))
                continue
            parts.append(found)
            result.health.append(_health(rule, True, None, found.height))
    for rule in (r for r in rules if is_custom(r) and (only is None or r.id in only)):
        try:  # a custom (pandas) kind: its module's evaluate, checked against the findings schema
            found = evaluate_custom(rule, rule.custom_kind, frames, as_of)
        except Exception as exc:
            result.health.append(_health(rule, False, f"{type(exc).__name__}: {exc}", 0))
            continue
        parts_of.setdefault(FINDINGS, []).append(found)
        result.health.append(_health(rule, True, None, found.height))
    for name, parts in parts_of.items():  # several kinds may share one findings table
        if parts:
            result.findings[name] = pl.concat(parts, how="vertical_relaxed")
    if "bond_projects" in result.findings:
        result.findings["bond_counties"] = evaluate_bond_counties(
            result.findings["bond_projects"], as_of
        )
    return result


def _health(rule, healthy: bool, error: str | None, rows: int) -> dict:
    return {
        "rule_id": rule.id,
        "kind": rule.kind,
        "healthy": healthy,
        "error": error,
        "findings": rows,
    }
