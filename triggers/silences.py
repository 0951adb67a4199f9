"""Silences: what a silence must name, and which alert events' notifications it mutes.

A silenced alert still changes state (triggers/lifecycle.py); only its notifications wait.
"""

from datetime import datetime

import polars as pl

from triggers.jurisdictions import covers, prefix
from triggers.lifecycle import AlertStateError


def check_silence(
    rule_id: str | None,
    subject_prefix: str | None,
    region_prefix: str | None,
    expires_at: datetime,
    now: datetime,
) -> None:
    """Raise AlertStateError unless the silence names what it mutes and ends after `now`."""
    everywhere = region_prefix is not None and prefix(region_prefix) == ""  # 000000: the country
    if not (rule_id or subject_prefix or (region_prefix and not everywhere)):
        raise AlertStateError("静默须至少指定规则、对象或地区之一，不能静默全部告警")
    if expires_at <= now:
        raise AlertStateError("静默的到期时间须晚于现在")


def silencing(events: pl.DataFrame, silences: list[dict], now: datetime) -> pl.DataFrame:
    """Return each event's notification: `status` pending or silenced, and the `silence_id`.

    `events` has event_id, alert_id, rule_id, subject, region_code. A silence in force at `now`
    matches an event when each of its rule id, subject prefix and region (a region and the regions
    under it) it names matches; the lowest-numbered matching silence is recorded.
    """
    chosen = pl.lit(None, dtype=pl.Int64)
    for silence in sorted(silences, key=lambda s: s["silence_id"], reverse=True):
        if not silence["created_at"] <= now < silence["expires_at"]:
            continue
        match = pl.lit(True)
        if silence["rule_id"] is not None:
            match &= pl.col("rule_id") == silence["rule_id"]
        if silence["subject_prefix"] is not None:
            match &= pl.col("subject").str.starts_with(silence["subject_prefix"])
        if silence["region_prefix"] is not None:
            match &= covers(silence["region_prefix"])
        chosen = pl.when(match).then(pl.lit(silence["silence_id"], pl.Int64)).otherwise(chosen)
    return events.select(
        "event_id",
        "alert_id",
        status=pl.when(chosen.is_null()).then(pl.lit("pending")).otherwise(pl.lit("silenced")),
        silence_id=chosen,
    )
