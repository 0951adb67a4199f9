"""Notification messages (pure): the Chinese message of an alert event, the messages due per
channel, and the daily digest."""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flows.notify_channels import (
    EVENTS,
    Channel,
    NotifyConfig,
    event_types,
    in_scope,
    is_stale,
    wants,
)
from triggers.vocabulary import ALERT_LEVELS, EVENT_KINDS, FINDING_KINDS
from triggers.vocabulary import LEVEL_WORDS as ALL_LEVEL_WORDS

LEVEL_WORDS = {level: ALL_LEVEL_WORDS[level] for level in ALERT_LEVELS}  # the lights alerts have
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Message:
    """One notification: a title, a body, and the events it reports."""

    title: str
    body: str
    event_ids: tuple[int, ...] = ()
    notify_type: str = "info"


def describe(row: dict) -> Message:
    """Return the Chinese message of one alert event."""
    types, level = event_types(row), LEVEL_WORDS.get(row["to_level"], row["to_level"])
    first = next(
        (t for t in ("resolved", "acknowledged", "reopened", "opened", "escalated") if t in types),
        "level_changed",
    )
    verb = EVENT_KINDS[first] + (
        f" {LEVEL_WORDS.get(row['from_level'])}→{level}" if first == "level_changed" else ""
    )
    named = re.search(r"「[^」]*」", row["message"] or "")
    thing = (
        named.group(0)
        if named
        else f"「{row['subject'].split('/')[-1]} {FINDING_KINDS.get(row['kind'], row['kind'])}」"
    )
    lines = [
        row["message"],
        f"规则 {row['rule_id']} · 对象 {row['subject']}"
        + (f" · 牵头单位 {row['lead_unit']}" if row.get("lead_unit") else "")
        + (f" · 评估日期 {row['as_of']}" if row["as_of"] else ""),
    ]
    if row["actor"] != "system":
        lines.append(f"{row['actor']}：{row['note'] or '（无说明）'}")
    elif row["note"] and first != "opened":
        lines.append(row["note"])
    if "escalated" in types:
        verb += f" · {row['step_name']}"
        lines += ["", f"督办步骤：{row['step_name']}（{row['document']}）", row["letter"]]
    kind = {"resolved": "success", "acknowledged": "info"}.get(
        first, "failure" if row["to_level"] == "red" else "warning"
    )
    place = "系统" if row["kind"] == "system" else row["region_name"]  # a service alert
    title = f"【{level}】{verb} · {place}{thing}"
    return Message(title, "\n".join(lines), (row["event_id"],), kind)


def plan_messages(rows: list[dict], config: NotifyConfig, now: datetime) -> dict[str, list]:
    """Return the messages due per channel: each fresh pending event it wants and has not had."""
    plan: dict[str, list[Message]] = {c.name: [] for c in config.channels}
    for row in (r for r in rows if not is_stale(r, config, now)):
        for channel in config.channels:
            if channel.name not in row["delivered"] and wants(channel, row):
                plan[channel.name].append(describe(row))
    return plan


def build_digest(digest: dict, channel: Channel, now: datetime) -> Message:
    """Return the daily summary for one channel: its open alerts by level and region, and changes."""
    open_rows = [
        r
        for r in digest["open"]
        if in_scope(channel, r["rule_id"], r["region_code"], r["level"], r.get("lead_unit"))
    ]
    changes = [
        r
        for r in digest["events"]
        if in_scope(channel, r["rule_id"], r["region_code"], r["to_level"], r.get("lead_unit"))
    ]
    levels, regions = Counter(), {}
    for r in open_rows:
        levels[r["level"]] += r["alerts"]
        region = regions.setdefault((r["region_code"], r["region_name"]), Counter())
        region[r["level"]] += r["alerts"]
    types = Counter(t for r in changes for t in event_types(r))
    total, local = levels.total(), now.astimezone(SHANGHAI)
    counts = "，".join(f"{w} {levels[k]}" for k, w in LEVEL_WORDS.items())
    lines = [f"截至 {local:%Y-%m-%d %H:%M}（北京时间）未关闭告警 {total} 条：{counts}。"]
    lines += [
        f"  {name}（{code}）：" + "，".join(f"{w} {c[k]}" for k, w in LEVEL_WORDS.items())
        for (code, name), c in sorted(regions.items())
    ]
    lines.append(
        f"近 24 小时告警变化 {len(changes)} 次："
        + "，".join(f"{EVENT_KINDS[t]} {types[t]}" for t in EVENTS)
    )
    title = f"【每日汇总】{local:%Y-%m-%d} 未关闭告警 {total} 条（{counts}）"
    return Message(title, "\n".join(lines), (), "warning" if levels["red"] else "info")
