"""Checks across rules: unique ids, no unexplained overlaps, no local threshold above national.

Commitments (`triggers.commitment_rules.CommitmentBase`) of one kind and jurisdiction never
overlap: each is a promise of its own, so they may all be in force at once.
"""

from collections import defaultdict
from datetime import date

from triggers.commitment_rules import CommitmentBase
from triggers.periods import add_months

NATION = "000000"


def _months(start: date, end: date) -> list[date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = add_months(day, 1)
    return months


def _in_force(rules: list, month: date) -> list:
    """Return the rules covering `month`, without those another covering rule overrides."""
    covering = [r for r in rules if r.effective.covers(month)]
    replaced = {i for r in covering for i in r.overrides}
    return [r for r in covering if r.id not in replaced]


def _check_ids(located: list[tuple[str, object]]) -> list[str]:
    seen: dict[str, str] = {}
    errors = []
    for file, rule in located:
        if rule.id in seen:
            errors.append(f"{file}: 规则 {rule.id}: id: 与 {seen[rule.id]} 中的规则重名")
        seen.setdefault(rule.id, file)
    return errors


def _check_overlaps(located: list[tuple[str, object]]) -> list[str]:
    errors = []
    groups: dict[tuple, list[tuple[str, object]]] = defaultdict(list)
    for file, rule in located:
        if not isinstance(rule, CommitmentBase):  # two commitments are two promises
            groups[(rule.kind, rule.jurisdiction)].append((file, rule))
    ids = {rule.id: rule for _, rule in located}
    for file, rule in located:
        for other in rule.overrides:
            target = ids.get(other)
            if target is None or (target.kind, target.jurisdiction) != (
                rule.kind,
                rule.jurisdiction,
            ):
                errors.append(f"{file}: 规则 {rule.id}: overrides: 没有同类、同辖区的规则 {other}")
    for members in groups.values():
        for i, (file, a) in enumerate(members):
            for _, b in members[i + 1 :]:
                explained = a.id in b.overrides or b.id in a.overrides
                if a.effective.overlaps(b.effective) and not explained:
                    errors.append(
                        f"{file}: 规则 {a.id}: effective: 与规则 {b.id} 的生效期重叠"
                        f"（同一辖区 {a.jurisdiction}）；请调整日期，或在较新的规则里写 overrides"
                    )
    return errors


def _check_thresholds(located: list[tuple[str, object]]) -> list[str]:
    prices = [(f, r) for f, r in located if r.kind == "price_subsidy"]
    national = [r for _, r in prices if r.jurisdiction == NATION]
    if not national:
        return []
    bounded = [d for r in national for d in (r.effective.start, r.effective.end) if d]
    horizon = date(max(bounded).year + 2, 12, 31)
    errors = []
    for file, rule in prices:
        if rule.jurisdiction == NATION:
            continue
        local = [r for _, r in prices if r.jurisdiction == rule.jurisdiction]
        end = rule.effective.end or max(horizon, rule.effective.start)
        bad: dict[tuple[str, str], list[date]] = defaultdict(list)
        for month in _months(rule.effective.start, end):
            if rule not in _in_force(local, month):
                continue
            for nat in _in_force(national, month):
                for field in ("cpi_threshold_pct", "food_threshold_pct"):
                    if getattr(rule, field) > getattr(nat, field):
                        bad[(nat.id, field)].append(month)
        for (nat_id, field), months in bad.items():
            open_ended = rule.effective.end is None and months[-1] == _months(end, end)[0]
            until = "起" if open_ended else f" 至 {months[-1]:%Y-%m}"
            errors.append(
                f"{file}: 规则 {rule.id}: {field}: {getattr(rule, field)} 高于全国规则 {nat_id} 的 "
                f"{getattr(next(r for r in national if r.id == nat_id), field)}"
                f"（{months[0]:%Y-%m}{until}）；地方标准只能低于或等于全国标准"
            )
    return errors


def check_rules(located: list[tuple[str, object]]) -> list[str]:
    """Return the cross-rule problems of (file, rule) pairs; empty when the set is consistent."""
    return _check_ids(located) + _check_overlaps(located) + _check_thresholds(located)
