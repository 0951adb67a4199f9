"""Split an evaluation by region and merge the parts back: pure, no cluster, no I/O.

`flows.distributed.evaluate_distributed` runs one Prefect task per `Partition` on Dask and
returns the same `Evaluation` as `triggers.engine.evaluate_rules(rules, frames, as_of)`; `partition` says
which rows and rules go to which task, `merge` (pure) puts the tasks' findings back together.
A partition is named by the first `level` digits of region codes: 2 = province (the default,
for national data), 4 = prefecture (for one province's data).

How the work is split, and why the merged findings equal the local ones:

- direct_fund, carryover_recall and bond_deadline judge each row on its own, except that the
  yellow bell compares a region with its peers (same parent_code). Funds therefore go by their
  parent_code (a null or 000000 parent, i.e. nation- and province-level funds, to "00"), so
  each peer group is whole in one partition; bonds, beneficiaries and standards go by their
  region_code ('654300-KNS' → 65). Every partition evaluates all rules of these kinds; a rule's
  findings are concatenated and its health summed. bond_counties is recomputed from the merged
  projects: a county's projects all come from one partition, in their original order.
- A price_subsidy rule gives one row per month for its whole jurisdiction, from the CPI of its
  fallback chain and the counts of every region under it. A rule whose jurisdiction lies inside
  one partition (a province, or anything under one) runs only there: that partition holds all
  of the jurisdiction's beneficiary and standard rows, and the CPI rows of the regions in its
  rules' fallback chains (the only CPI rows a rule reads). Rules of wider jurisdictions
  (000000; a province when level is 4) run once, in partition "whole", on the whole
  beneficiary and standard frames; they are few and cheap.
  A price rule that overrides a partition's rule is evaluated there too, so the months it
  replaces drop out as they do locally; its own findings there are discarded.
- A commitment (`target_by_date`, `limit_per_row`) runs, like a price rule, only in the
  partition of its jurisdiction (or "whole" when wider): that partition holds all of its ledger
  rows, so a jurisdiction without rows gives its one "nothing reached" item exactly once.
- A report_due rule runs, like a price rule, only in the partition of its jurisdiction (or
  "whole"): its units come from the measures under it (or from the rule itself), and the daily
  reports, which carry no region, go whole to every partition.
- A rule that fails in any partition is unhealthy with that partition's error and no findings,
  as it would be on the whole frames.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from triggers.bond_deadline import evaluate_bond_counties
from triggers.engine import EVALUATORS, Evaluation, evaluate_rules
from triggers.jurisdictions import prefix
from triggers.vocabulary import RULE_KINDS

WHOLE = "whole"  # the partition of price rules spanning partitions: the whole frames
# run once, where their jurisdiction is
LOCAL_KINDS = ("price_subsidy", "target_by_date", "limit_per_row", "report_due")
REGIONAL_KINDS = tuple(k for k in RULE_KINDS if k not in LOCAL_KINDS)
KEY_COLUMNS = {"funds": "parent_code"}  # a frame's rows go by this column (else region_code)
SHARED = ("cpi",)  # frames not split by region: each partition gets the rows its rules read


@dataclass(frozen=True)
class Partition:
    """One task's work: its frames, the rules it reports, and rules it needs only as context."""

    key: str  # "65" (level 2) or "6543" (level 4); "00" nation- and province-level; "whole"
    frames: dict[str, pl.DataFrame]
    rule_ids: tuple[str, ...]
    context: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        return sum(f.height for name, f in self.frames.items() if name not in SHARED)


def part_key(column: str, level: int = 2) -> pl.Expr:
    """Return the first `level` digits of a region code column; null gives zeros ("00")."""
    return pl.col(column).str.slice(0, level).fill_null("0" * level)


def _split(frames: dict[str, pl.DataFrame], level: int) -> tuple[dict, dict[str, pl.DataFrame]]:
    """Return (frame name → partition key → rows) and the frames every partition shares."""
    split, whole = {}, {}
    for name, frame in frames.items():
        column = KEY_COLUMNS.get(name, "region_code")
        if name in SHARED or frame.schema.get(column) != pl.String:
            whole[name] = frame  # a frame without its key column fails every rule anyway
            continue
        parts = frame.with_columns(_part=part_key(column, level)).partition_by(
            "_part", as_dict=True, include_key=False, maintain_order=True
        )
        split[name] = {key: rows for (key,), rows in parts.items()}
    return split, whole


def _overriders(price: list, ids: list[str]) -> tuple[str, ...]:
    """Return the price rules (other than `ids`) that override one of `ids`."""
    return tuple(r.id for r in price if r.id not in ids and set(r.overrides) & set(ids))


def partition(rules: list, frames: dict, level: int = 2) -> list[Partition]:
    """Return the partitions to evaluate (see the module's docstring)."""
    data = {n: f.collect() if isinstance(f, pl.LazyFrame) else f for n, f in frames.items()}
    split, whole = _split(data, level)
    price = [r for r in rules if r.kind == "price_subsidy"]
    regional = tuple(r.id for r in rules if r.kind in REGIONAL_KINDS)
    local_price: dict[str, list[str]] = defaultdict(list)
    wide = []
    for rule in (r for r in rules if r.kind in LOCAL_KINDS):
        code = prefix(rule.jurisdiction)
        (local_price[code[:level]] if len(code) >= level else wide).append(rule.id)
    keys = set(local_price)
    if regional:
        keys |= {key for parts in split.values() for key in parts} or {"0" * level}
    out = []
    for key in sorted(keys):
        own = {n: split[n].get(key, data[n].clear()) for n in split}
        ids = local_price.get(key, [])
        context = _overriders(price, ids)
        cpi = _cpi_for(whole, [r for r in price if r.id in ids or r.id in context])
        out.append(Partition(key, own | whole | cpi, regional + tuple(ids), context))
    if wide:
        context = _overriders(price, wide)
        cpi = _cpi_for(whole, [r for r in price if r.id in wide or r.id in context])
        rest = {n: f.clear() if n in ("funds", "bonds") else f for n, f in data.items()}
        out.append(Partition(WHOLE, rest | cpi, tuple(wide), context))
    return out


def _cpi_for(whole: dict[str, pl.DataFrame], rules: list) -> dict[str, pl.DataFrame]:
    """Return the CPI rows of the regions in the rules' fallback chains (all a rule reads)."""
    cpi = whole.get("cpi")
    if cpi is None or cpi.schema.get("region_code") != pl.String:
        return {}
    regions = sorted({code for rule in rules for code in rule.cpi_regions})
    return {"cpi": cpi.filter(pl.col("region_code").is_in(regions))}


def evaluate_partition(
    part: Partition, rules: list, as_of: date, at: datetime | None = None
) -> Evaluation:
    """Return the findings and health of the partition's own rules on its frames."""
    wanted = set(part.rule_ids) | set(part.context)
    frames = {name: frame.lazy() for name, frame in part.frames.items()}
    # every rule is context: a local price rule takes its people from a wider one
    result = evaluate_rules(rules, frames, as_of, only=wanted, at=at)
    if part.context:
        own = list(part.rule_ids)
        result.health = [h for h in result.health if h["rule_id"] in own]
        result.findings = {
            name: found.filter(pl.col("rule_id").is_in(own))
            for name, found in result.findings.items()
        }
    result.findings.pop("bond_counties", None)  # recomputed from every partition's projects
    return result


def merge(rules: list, parts: list[Evaluation], as_of: date) -> Evaluation:
    """Return the partitions' results as one Evaluation, in the order `evaluate_rules` uses."""
    result = Evaluation(as_of=as_of)
    entries: dict[str, list[dict]] = defaultdict(list)
    pieces: dict[str, list[pl.DataFrame]] = defaultdict(list)  # kinds may share a findings name
    for part in parts:
        for health in part.health:
            entries[health["rule_id"]].append(health)
    for kind, evaluator in EVALUATORS.items():
        healthy = []
        for rule in (r for r in rules if r.kind == kind):
            mine = entries[rule.id]
            bad = next((h for h in mine if not h["healthy"]), None)
            if not mine:
                bad = {"error": "RuntimeError: no partition evaluated the rule"}
            ok = bad is None
            healthy += [rule.id] if ok else []
            result.health.append(
                {
                    "rule_id": rule.id,
                    "kind": kind,
                    "healthy": ok,
                    "error": None if ok else bad["error"],
                    "findings": sum(h["findings"] for h in mine) if ok else 0,
                }
            )
        found = [p.findings[evaluator.findings] for p in parts if evaluator.findings in p.findings]
        if healthy and found:
            rank = pl.col("rule_id").replace_strict(healthy, range(len(healthy)), default=None)
            pieces[evaluator.findings].append(
                pl.concat(found, how="vertical_relaxed")
                .filter(pl.col("rule_id").is_in(healthy))
                .sort(rank, maintain_order=True)
            )
    for name, frames in pieces.items():
        result.findings[name] = pl.concat(frames, how="vertical_relaxed")
    if "bond_projects" in result.findings:
        result.findings["bond_counties"] = evaluate_bond_counties(
            result.findings["bond_projects"], as_of
        )
    return result


def evaluate_partitioned(
    rules: list, frames: dict, as_of: date, level: int = 2, at: datetime | None = None
) -> Evaluation:
    """Return `evaluate_distributed`'s result computed in this process, partition by partition."""
    parts = partition(rules, frames, level)
    return merge(rules, [evaluate_partition(p, rules, as_of, at) for p in parts], as_of)
