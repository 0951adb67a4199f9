"""Notify flows: alert changes from the outbox to e-mail and chat bots (apprise); a daily digest.

read pending → build messages per channel (pure) → send (per channel, retried) → mark sent.
An outbox row closes once every channel that wants it has it: a failed channel gets it on the
next run, the others never twice. Silenced rows are never read.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import apprise
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.schedules import Cron, Interval
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from flows.notify_channels import Channel, NotifyConfig, parse_config, settle
from flows.notify_messages import LEVEL_WORDS as LEVEL_WORDS
from flows.notify_messages import Message, build_digest, plan_messages
from flows.notify_messages import describe as describe
from flows.rule_files import load_rules
from flows.settings import FlowSettings
from warehouse.connection import connect
from warehouse.notifications import query_digest, query_pending, record_deliveries
from warehouse.replica import publish


class NotifySettings(BaseSettings):
    """Where the notification channels are configured (env POLICY_MONITOR_)."""

    model_config = SettingsConfigDict(env_prefix="POLICY_MONITOR_", extra="ignore")

    notify_file: Path | None = Field(
        None,
        description=(
            "YAML file of notification channels (apprise URLs with rule, region, level and event "
            "filters; see notify.example.yaml); unset: notifications are off."
        ),
    )
    notify_every: int = Field(
        300, ge=10, description="Seconds between two notify runs of `policy-monitor serve`."
    )
    digest_cron: str = Field(
        "0 8 * * *",
        description="When `policy-monitor serve` sends the daily digest (cron, Asia/Shanghai).",
    )


def load_notify_config(config_file: str | Path | None = None) -> NotifyConfig | None:
    """Return the configured channels (None: notifications off), checked against the rules."""
    path = config_file or NotifySettings().notify_file
    if path is None:
        return None
    rules_dir = FlowSettings().rules_dir
    return parse_config(Path(path), [r.id for r in load_rules(rules_dir)])


@dataclass(frozen=True)
class Delivery:
    """What one channel received in one run."""

    channel: str
    event_ids: list[int]
    sent: int
    failed: int
    error: str | None = None


class ChannelFailed(RuntimeError):
    """Nothing could be sent to a channel (safe to retry: nothing went out)."""


class _ThreadLog(logging.Handler):
    """Apprise's warnings from this thread only: channels are sent in parallel."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.thread, self.lines = threading.get_ident(), []

    def emit(self, record):
        if record.thread == self.thread:
            self.lines.append(record.getMessage())


@task(cache_policy=NONE, retries=2, retry_delay_seconds=[10, 60])
def send_messages(channel: Channel, messages: list[Message]) -> Delivery:
    """Send the messages in order, stopping at the first failure; return what went out.

    Raises ChannelFailed when nothing went out, so a retry never repeats a message.
    """
    service = apprise.Apprise.instantiate(channel.url)
    if channel.interval is not None:
        service.request_rate_per_sec = channel.interval  # apprise paces e-mail and bots at 5.5 s
    sender, log, sent = apprise.Apprise(), _ThreadLog(), []
    sender.add(service)
    logging.getLogger("apprise").addHandler(log)
    try:
        for done, message in enumerate(messages):
            if not sender.notify(
                body=message.body,
                title=message.title,
                notify_type=message.notify_type,
                body_format="text",
            ):
                error = "；".join(log.lines) or "发送失败"
                if not sent:
                    raise ChannelFailed(f"{channel.name}: {error}")
                return Delivery(channel.name, sent, done, len(messages) - done, error)
            sent.extend(message.event_ids)
    finally:
        logging.getLogger("apprise").removeHandler(log)
    return Delivery(channel.name, sent, len(messages), 0)


def send_all(channels: list[Channel], plan: dict[str, list[Message]]) -> list[Delivery]:
    """Send every channel's messages in parallel; a channel that failed is reported, not raised."""
    futures = {c.name: send_messages.submit(c, plan[c.name]) for c in channels if plan[c.name]}
    deliveries = []
    for name, future in futures.items():
        result = future.result(raise_on_failure=False)
        if isinstance(result, BaseException):
            get_run_logger().warning("notification channel %s failed: %s", name, result)
            result = Delivery(name, [], 0, len(plan[name]), str(result))
        deliveries.append(result)
    return deliveries


@task(cache_policy=NONE, retries=2, retry_delay_seconds=[5, 30])  # the warehouse may be busy
def read_pending(db: str) -> list[dict]:
    """Return the pending outbox rows with everything a message needs."""
    with connect(Path(db), read_only=True) as con:
        return query_pending(con)


@task(cache_policy=NONE, retries=2, retry_delay_seconds=[5, 30])
def mark_delivered(db: str, sent: dict, closed: dict, at: datetime) -> None:
    """Record what each channel received and close the finished outbox rows."""
    with connect(Path(db)) as con:
        record_deliveries(con, sent, closed, at)
        publish(con, Path(db))


def _report(deliveries: list[Delivery], channels: list[Channel], **extra) -> dict:
    report = {c.name: {"sent": 0, "failed": 0, "error": None} for c in channels}
    for d in deliveries:
        report[d.channel] = {"sent": d.sent, "failed": d.failed, "error": d.error}
    return {"enabled": True, "channels": report, **extra}


@flow(name="notify", flow_run_name="notify", validate_parameters=False)
def notify_flow(db: str, config_file: str | None = None) -> dict:
    """Send each pending alert change to the channels that want it; return counts per channel."""
    config = load_notify_config(config_file)
    if config is None:
        return {"enabled": False, "channels": {}}
    now = datetime.now(UTC)
    rows = read_pending(db)
    deliveries = send_all(config.channels, plan_messages(rows, config, now))
    sent = {d.channel: d.event_ids for d in deliveries if d.event_ids}
    closed = settle(rows, config, sent, now)
    if sent or any(closed.values()):
        mark_delivered(db, sent, closed, now)
    left = len(rows) - sum(len(ids) for ids in closed.values())
    return _report(
        deliveries, config.channels, closed={k: len(v) for k, v in closed.items()}, pending=left
    )


@task(cache_policy=NONE, retries=2, retry_delay_seconds=[5, 30])
def read_digest(db: str, now: datetime) -> dict:
    """Return the open alerts by rule, region and level, and the alert events of the last 24 h."""
    with connect(Path(db), read_only=True) as con:
        return query_digest(con, now - timedelta(hours=24), now)


@flow(name="notify-digest", flow_run_name="notify-digest", validate_parameters=False)
def digest_flow(db: str, config_file: str | None = None) -> dict:
    """Send the daily summary to every channel with `digest: true`; return counts per channel."""
    config = load_notify_config(config_file)
    if config is None:
        return {"enabled": False, "channels": {}}
    now = datetime.now(UTC)
    digest = read_digest(db, now)
    channels = [c for c in config.channels if c.digest]
    plan = {c.name: [build_digest(digest, c, now)] for c in channels}
    return _report(send_all(channels, plan), channels)


def scheduled_deployments(db: Path, timezone: str) -> list:
    """Return the deployments of `policy-monitor serve` (none while notifications are off)."""
    settings = NotifySettings()
    if settings.notify_file is None:
        return []
    params, one = {"db": str(db)}, {"concurrency_limit": 1}  # two runs at once would send twice
    return [
        notify_flow.to_deployment(
            "alert-changes",
            parameters=params,
            **one,
            schedules=[Interval(timedelta(seconds=settings.notify_every), timezone=timezone)],
        ),
        digest_flow.to_deployment(
            "daily-digest",
            parameters=params,
            **one,
            schedules=[Cron(settings.digest_cron, timezone=timezone)],
        ),
    ]
