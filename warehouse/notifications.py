"""The notification outbox: pending alert events with what a message needs, delivery marks, digest.

The evaluation writes one outbox row per alert event, `pending` or `silenced`. `channel` lists
the channels (comma-separated) that have received the event; the row is closed once every
channel that wants it has it: `sent`, `unrouted` (no channel wants it) or `expired` (too old to
be news). A channel that failed thus gets the event on a later run, and no channel gets it twice.
"""

from datetime import datetime

import duckdb

from triggers.silences import silencing
from warehouse.reads.common import rows_of

CLOSED_STATUSES = ("sent", "unrouted", "expired")

# A commitment alert's lead unit (牵头单位): its item's in the findings (subject = region/item),
# else the one its message names (an item no longer in the findings: its rule file was removed).
_LEAD_UNIT = """
    coalesce(
        c.lead_unit,
        nullif(nullif(regexp_extract(a.message, '（牵头单位：([^）]+)）$', 1), ''), '—')
    ) AS lead_unit
"""
_LEAD_UNITS = """
    LEFT JOIN (
        SELECT rule_id, region_code || '/' || item AS subject, any_value(lead_unit) AS lead_unit
        FROM commitment_findings GROUP BY ALL
    ) c ON c.rule_id = a.rule_id AND c.subject = a.subject
"""

# An escalation step is taken in an evaluation: it belongs to that evaluation's system event.
_EVENT_COLUMNS = f"""
    e.event_id, e.alert_id, e.happened_at, e.as_of, e.from_status, e.to_status, e.from_level,
    e.to_level, e.actor, e.note, coalesce(e.message, a.message) AS message, a.rule_id, a.subject,
    a.kind, a.region_code, coalesce(r.name, a.region_code) AS region_name, {_LEAD_UNIT},
    s.escalation_step, s.step_name, s.document, s.text AS letter
"""
_EVENT_JOINS = f"""
    JOIN alerts a ON a.alert_id = e.alert_id
    LEFT JOIN regions r ON r.region_code = a.region_code
    {_LEAD_UNITS}
    LEFT JOIN (
        SELECT alert_id, step_on, escalation_step, step_name, document, text FROM escalations
        QUALIFY row_number() OVER (PARTITION BY alert_id, step_on ORDER BY escalation_step DESC) = 1
    ) s ON s.alert_id = e.alert_id AND s.step_on = e.as_of AND e.actor = 'system'
"""

_PENDING = f"""
    SELECT n.created_at,
           CASE WHEN coalesce(n.channel, '') = '' THEN []::VARCHAR[]
                ELSE string_split(n.channel, ',') END AS delivered,
           {_EVENT_COLUMNS}
    FROM notifications n
    JOIN alert_events e ON e.event_id = n.event_id
    {_EVENT_JOINS}
    WHERE n.status = 'pending'
    ORDER BY e.event_id
"""

_RECENT_EVENTS = f"""
    SELECT {_EVENT_COLUMNS}
    FROM alert_events e
    {_EVENT_JOINS}
    WHERE e.happened_at > $since AND e.happened_at <= $until
    ORDER BY e.event_id
"""

_OPEN_BY_REGION = f"""
    SELECT a.rule_id, a.region_code, coalesce(r.name, a.region_code) AS region_name, a.level,
           {_LEAD_UNIT}, count(*) AS alerts
    FROM alerts a LEFT JOIN regions r ON r.region_code = a.region_code
    {_LEAD_UNITS}
    WHERE a.status <> 'resolved'
    GROUP BY ALL
    ORDER BY a.region_code, a.level, a.rule_id
"""

# The events not yet in the outbox, and the silences in force; lifecycle decides which are silenced.
_NEW_EVENTS = """
    SELECT e.event_id, e.alert_id, e.rule_id, e.subject, a.region_code
    FROM alert_events e JOIN alerts a USING (alert_id)
    WHERE e.event_id >= $first AND e.event_id NOT IN (SELECT event_id FROM notifications)
    ORDER BY e.event_id
"""
_SILENCES = """
    SELECT silence_id, rule_id, subject_prefix, region_prefix, created_at, expires_at
    FROM silences WHERE created_at <= $now AND $now < expires_at
"""
_ENQUEUE = """
    INSERT INTO notifications (event_id, alert_id, created_at, status, silence_id)
    SELECT event_id, alert_id, $now, status, silence_id FROM outbox_rows
"""

_MARK_SENT = """
    UPDATE notifications
    SET channel = CASE WHEN coalesce(channel, '') = '' THEN $channel
                       ELSE channel || ',' || $channel END,
        sent_at = $sent_at
    WHERE list_contains($ids, event_id) AND status = 'pending'
      AND NOT list_contains(string_split(coalesce(channel, ''), ','), $channel)
"""

_CLOSE = """
    UPDATE notifications SET status = $status
    WHERE list_contains($ids, event_id) AND status = 'pending'
"""


def query_pending(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Return the pending outbox rows with their event, alert, region name, lead unit (commitment
    alerts; None otherwise) and escalation step."""
    return rows_of(con, _PENDING, {})


def query_digest(con: duckdb.DuckDBPyConnection, since: datetime, until: datetime) -> dict:
    """Return `open` (open alerts counted by rule, region, level and lead unit) and `events` in
    (since, until]."""
    return {
        "open": rows_of(con, _OPEN_BY_REGION, {}),
        "events": rows_of(con, _RECENT_EVENTS, {"since": since, "until": until}),
    }


def query_outbox_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Return how many outbox rows are in each status."""
    return dict(con.execute("SELECT status, count(*) FROM notifications GROUP BY ALL").fetchall())


def enqueue_notifications(
    con: duckdb.DuckDBPyConnection, first_event_id: int, now: datetime
) -> int:
    """Put the events from `first_event_id` on in the outbox (pending or silenced); return how many.

    Events already in the outbox are left as they are.
    """
    events = con.execute(_NEW_EVENTS, {"first": first_event_id}).pl()
    if events.is_empty():
        return 0
    silences = rows_of(con, _SILENCES, {"now": now})
    con.register("outbox_rows", silencing(events, silences, now))
    try:
        return con.execute(_ENQUEUE, {"now": now}).fetchone()[0]
    finally:
        con.unregister("outbox_rows")


def mark_sent(
    con: duckdb.DuckDBPyConnection, event_ids: list[int], channel: str, sent_at: datetime
) -> None:
    """Record that `channel` received these pending events (once: a repeat changes nothing)."""
    if event_ids:
        con.execute(_MARK_SENT, {"ids": event_ids, "channel": channel, "sent_at": sent_at})


def close_notifications(con: duckdb.DuckDBPyConnection, event_ids: list[int], status: str) -> None:
    """Close pending outbox rows as `sent`, `unrouted` or `expired`: they are never read again."""
    if status not in CLOSED_STATUSES:
        raise ValueError(f"unknown outbox status {status!r}")
    if event_ids:
        con.execute(_CLOSE, {"ids": event_ids, "status": status})


def record_deliveries(
    con: duckdb.DuckDBPyConnection,
    sent: dict[str, list[int]],
    closed: dict[str, list[int]],
    at: datetime,
) -> None:
    """Mark what each channel received and close the finished rows, in one transaction."""
    con.begin()
    try:
        for channel, event_ids in sent.items():
            mark_sent(con, event_ids, channel, at)
        for status, event_ids in closed.items():
            close_notifications(con, event_ids, status)
        con.commit()
    except BaseException:
        con.rollback()
        raise
