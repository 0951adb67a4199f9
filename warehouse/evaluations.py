"""Store one evaluation: its findings, rule health, alert changes, events and escalations.

Everything is written in one transaction, so readers see the previous evaluation or this one,
never half of it. Findings tables hold the latest evaluation only (rules that failed keep their
earlier rows); alerts, events and escalations are history.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import polars as pl

from warehouse.ids import next_id, next_ids
from warehouse.notifications import enqueue_notifications

FINDINGS_TABLES = {
    "subsidies": "subsidy_findings",
    "warnings": "fund_warnings",
    "bond_projects": "bond_projects",
    "bond_counties": "bond_counties",
    "carryover": "carryover_findings",
    "commitments": "commitment_findings",
}

_OPEN_ALERTS = """
    SELECT alert_id, rule_id, subject, kind, region_code, level, status, message, opened_at,
           opened_as_of, resolved_at, red_since, escalation_step, step_on
    FROM alerts WHERE status <> 'resolved' AND NOT starts_with(rule_id, 'system.')
"""

_UPSERT_ALERTS = """
    INSERT INTO alerts BY NAME SELECT * FROM changed_alerts
    ON CONFLICT (alert_id) DO UPDATE SET
        level = excluded.level, status = excluded.status, message = excluded.message,
        resolved_at = excluded.resolved_at, red_since = excluded.red_since,
        escalation_step = excluded.escalation_step, step_on = excluded.step_on
"""

_INSERT_EVENTS = """
    INSERT INTO alert_events BY NAME
    SELECT * EXCLUDE (n), $first + n AS event_id
    FROM (SELECT *, row_number() OVER () - 1 AS n FROM new_events)
"""


@dataclass
class EvaluationRecord:
    """What one evaluation produced, ready to store."""

    as_of: date
    started_at: datetime
    finished_at: datetime
    cause: str
    findings: dict[str, pl.DataFrame]
    health: list[dict]
    alerts: pl.DataFrame
    events: pl.DataFrame
    escalations: pl.DataFrame = field(default_factory=pl.DataFrame)
    evaluated_at: datetime | None = None  # the instant graded at (Asia/Shanghai wall time)


def query_open_alerts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Return the firing and acknowledged alerts."""
    return con.execute(_OPEN_ALERTS).pl()


def query_next_alert_id(con: duckdb.DuckDBPyConnection) -> int:
    """Take the id the next new alert gets (the rest of the block: `take_alert_ids`)."""
    return next_id(con, "alert_id_seq")


def take_alert_ids(con: duckdb.DuckDBPyConnection, first: int, alerts: pl.DataFrame) -> None:
    """Take the ids after `first` that a transition gave its new alerts (first + 1 …)."""
    count = alerts.filter(pl.col("alert_id") > first).height if alerts.height else 0
    if count:
        taken = next_ids(con, "alert_id_seq", count)
        if taken != first + 1:
            raise RuntimeError(f"alert ids {first + 1}… were taken meanwhile (got {taken})")


def store_evaluation(con: duckdb.DuckDBPyConnection, record: EvaluationRecord) -> int:
    """Write the evaluation in one transaction; return its id."""
    unhealthy = [h["rule_id"] for h in record.health if not h["healthy"]]
    con.begin()
    try:
        evaluation_id = next_id(con, "evaluation_id_seq")
        con.execute(
            "INSERT INTO evaluations (evaluation_id, as_of, started_at, finished_at, rules,"
            " unhealthy, cause, evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                evaluation_id,
                record.as_of,
                record.started_at,
                record.finished_at,
                len(record.health),
                len(unhealthy),
                record.cause,
                record.evaluated_at,
            ],
        )
        if record.health:
            health = pl.DataFrame(record.health).with_columns(evaluation_id=pl.lit(evaluation_id))
            con.register("health_rows", health)
            con.execute("INSERT INTO rule_health BY NAME SELECT * FROM health_rows")
        for name, table in FINDINGS_TABLES.items():
            con.execute(
                f"DELETE FROM {table} WHERE NOT list_contains($keep, rule_id)", {"keep": unhealthy}
            )
            frame = record.findings.get(name)
            if frame is not None and frame.height:
                con.register("finding_rows", frame)
                con.execute(
                    f"INSERT INTO {table} BY NAME SELECT *, $id AS evaluation_id FROM finding_rows",
                    {"id": evaluation_id},
                )
                con.unregister("finding_rows")
        _store_alerts(con, record)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return evaluation_id


def _store_alerts(con: duckdb.DuckDBPyConnection, record: EvaluationRecord) -> None:
    if record.alerts.height:
        con.register("changed_alerts", record.alerts)
        con.execute(_UPSERT_ALERTS)
    if record.events.height:
        first = next_ids(con, "event_id_seq", record.events.height)
        con.register("new_events", record.events)
        con.execute(_INSERT_EVENTS, {"first": first})
        enqueue_notifications(con, first, record.finished_at)
    if record.escalations.height:
        con.register("new_escalations", record.escalations)
        con.execute("INSERT INTO escalations BY NAME SELECT * FROM new_escalations")
