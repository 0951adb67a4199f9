"""Notification channels: the YAML file that lists them, which alert events each one wants, and
when an outbox row is done (every channel that wants it has it).

Channels are data: strict pydantic models (`extra` forbidden), every problem reported at once
with the file name and the channel, and a rule pattern that matches no rule is an error.
"""

from collections import Counter
from datetime import datetime, timedelta
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal, get_args

import apprise
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from triggers.jurisdictions import is_under
from triggers.lifecycle import event_kinds
from triggers.vocabulary import ALERT_LEVELS, EVENT_KINDS

Event = Literal[tuple(EVENT_KINDS)]
EVENTS: tuple[str, ...] = get_args(Event)
Level = Literal[ALERT_LEVELS]


class NotifyConfigError(ValueError):
    """The notification file cannot be used; `errors` lists every problem with the file name."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class Channel(BaseModel):
    """One destination and the alert changes it wants."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[^,\s]+$")
    url: str
    rules: list[str] | None = Field(None, min_length=1)
    regions: list[str] | None = Field(None, min_length=1)
    lead_units: list[str] | None = Field(None, min_length=1)  # 牵头单位 of commitment alerts
    levels: list[Level] = Field(list(ALERT_LEVELS), min_length=1)
    events: list[Event] = list(EVENTS)
    digest: bool = Field(False, validate_default=True)
    interval: float | None = Field(None, ge=0)

    @field_validator("url")
    @classmethod
    def _known_service(cls, url: str) -> str:
        if apprise.Apprise.instantiate(url, suppress_exceptions=True) is None:
            raise ValueError("不是可用的 apprise 地址（mailto://、json://、wecombot:// 等）")
        return url

    @field_validator("rules")
    @classmethod
    def _rules_exist(cls, patterns: list[str] | None, info: ValidationInfo) -> list[str] | None:
        known = (info.context or {}).get("rule_ids")
        unknown = [
            p
            for p in patterns or []
            if known is not None
            and not p.startswith("system.")
            and not any(fnmatchcase(rule_id, p) for rule_id in known)
        ]
        if unknown:
            raise ValueError(f"不匹配任何规则：{'、'.join(unknown)}")
        return patterns

    @field_validator("digest")
    @classmethod
    def _gets_something(cls, digest: bool, info: ValidationInfo) -> bool:
        if info.data.get("events") == [] and not digest:
            raise ValueError("events 为空且 digest 为 false：该通道什么也收不到")
        return digest


class NotifyConfig(BaseModel):
    """The notification file: channels, and how old an event may be and still be sent."""

    model_config = ConfigDict(extra="forbid")

    channels: list[Channel] = Field(min_length=1)
    max_age_hours: float = Field(72, gt=0)

    @field_validator("channels")
    @classmethod
    def _unique_names(cls, channels: list[Channel]) -> list[Channel]:
        if twice := _twice([c.name for c in channels]):
            raise ValueError(f"通道名称重复：{twice}")
        return channels


def _twice(names: list) -> str:
    return "、".join(str(n) for n, k in Counter(names).items() if k > 1)


def parse_config(path: Path, rule_ids: list[str] | None = None) -> NotifyConfig:
    """Return the validated file, or raise NotifyConfigError listing every problem at once."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise NotifyConfigError([f"{path}: 无法读取：{exc}"]) from None
    try:
        return NotifyConfig.model_validate(data, context={"rule_ids": rule_ids})
    except ValidationError as exc:
        errors = [_located(path, data, e) for e in exc.errors()]
    raw = data.get("channels") if isinstance(data, dict) else None
    names = [c.get("name") for c in raw if isinstance(c, dict)] if isinstance(raw, list) else []
    if (twice := _twice([n for n in names if isinstance(n, str)])) and not any(
        "通道名称重复" in e for e in errors
    ):
        errors.append(f"{path}: channels: 通道名称重复：{twice}")
    raise NotifyConfigError(errors)


def _located(path: Path, data, error: dict) -> str:
    where, node = "", data
    for part in error["loc"]:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            name = node.get("name") if isinstance(node, dict) else None
            where += f"[{part}]" + (f"（{name}）" if isinstance(name, str) else "")
        else:
            where += f".{part}"
            node = node.get(part) if isinstance(node, dict) else None
    return f"{path}: {where.lstrip('.') or '文件'}: {error['msg'].removeprefix('Value error, ')}"


def event_types(row: dict) -> set[str]:
    """Return what a stored alert event is, as the state machine says (triggers.lifecycle)."""
    escalated = bool(row.get("step_name"))  # the step this evaluation took, joined to its event
    return event_kinds(
        row["from_status"], row["to_status"], row["from_level"], row["to_level"], escalated
    )


def in_scope(
    channel: Channel, rule_id: str, region_code: str, level: str, lead_unit: str | None = None
) -> bool:
    """Return whether the channel covers this rule, region, level and lead unit.

    A channel with `lead_units` covers only the commitment alerts whose lead unit is one of them.
    """
    return (
        level in channel.levels
        and (channel.rules is None or any(fnmatchcase(rule_id, p) for p in channel.rules))
        and (channel.regions is None or any(is_under(region_code, p) for p in channel.regions))
        and (channel.lead_units is None or lead_unit in channel.lead_units)
    )


def wants(channel: Channel, row: dict) -> bool:
    """Return whether the channel wants this alert event."""
    return bool(event_types(row) & set(channel.events)) and in_scope(
        channel, row["rule_id"], row["region_code"], row["to_level"], row.get("lead_unit")
    )


def is_stale(row: dict, config: NotifyConfig, now: datetime) -> bool:
    """Return whether a pending event is too old to be sent (turning notifications on later)."""
    return row["created_at"] < now - timedelta(hours=config.max_age_hours)


def settle(rows: list[dict], config: NotifyConfig, sent: dict[str, list[int]], now: datetime):
    """Return the outbox rows to close by status: sent (every channel has it), unrouted, expired."""
    closed: dict[str, list[int]] = {"sent": [], "unrouted": [], "expired": []}
    for row in rows:
        have = set(row["delivered"]) | {n for n, ids in sent.items() if row["event_id"] in ids}
        if is_stale(row, config, now):
            closed["expired"].append(row["event_id"])
        elif {c.name for c in config.channels if wants(c, row)} <= have:
            closed["sent" if have else "unrouted"].append(row["event_id"])
    return closed
