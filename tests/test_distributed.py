"""The per-province evaluation on a Dask cluster gives the same findings as the local engine."""

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from flows.distributed import evaluate_distributed, task_runner
from flows.rule_files import read_rule_texts
from triggers.engine import evaluate_rules
from triggers.frames import INPUTS
from triggers.partitions import WHOLE, evaluate_partitioned, partition
from triggers.rules import parse_rule_texts

REGIONS_CSV = Path(__file__).parent.parent / "warehouse" / "data" / "regions.csv"
PREFECTURES = ["440100", "440300", "530100", "530300", "650100", "654300"]
GROUPS = ["urban_dibao", "rural_dibao", "tekun", "orphan_dispersed", "unemployment_allowance"]
GAPS = {"654300": (5, 6, 7), "650000": (6,), "440000": (4,)}  # CPI months a region misses
KEYS = {
    "subsidies": ["rule_id", "region_code", "period"],
    "warnings": ["rule_id", "region_code", "fund_code"],
    "carryover": ["rule_id", "region_code", "fund_code"],
    "bond_projects": ["rule_id", "region_code", "project"],
    "bond_counties": ["rule_id", "region_code"],
    "commitments": ["rule_id", "region_code", "item"],
}
EXTRA_RULES = """
rules:
  - id: guangdong-price
    kind: price_subsidy
    title: 广东省价格临时补贴（分档）
    version: gd-2022
    jurisdiction: "440000"
    effective: {from: 2022-01, to: 2022-12}
    cpi_threshold_pct: 3.0
    food_threshold_pct: 6.0
    cpi_regions: ["440000", "000000"]
    groups: [urban_dibao, rural_dibao, tekun]
    amount: {method: tiered, bands: [{min_rise_pct: 3.0, share_pct: 1.5},
                                     {min_rise_pct: 5.0, share_pct: 3.0}]}
    pay_by: {method: working_days_after_publication, working_days: 10}
  - id: guangdong-price-q4
    kind: price_subsidy
    title: 广东省第四季度按比例补贴
    version: gd-2022-q4
    jurisdiction: "440000"
    effective: {from: 2022-10, to: 2022-12}
    overrides: [guangdong-price]
    cpi_threshold_pct: 2.5
    food_threshold_pct: 5.0
    cpi_regions: ["440000", "000000"]
    groups: [urban_dibao, rural_dibao, tekun, orphan_dispersed]
    amount: {method: proportional, floor_yuan: 5}
    pay_by: {method: end_of_publication_month}
  - id: kunming-direct-fund
    kind: direct_fund
    title: 昆明市直达资金从严预警
    jurisdiction: "530100"
    effective: {from: 2022-01-01}
    red_behind_points: 15
    yellow_behind_points: 5
  - id: xinjiang-carryover
    kind: carryover_recall
    title: 新疆结转资金提前预警
    jurisdiction: "650000"
    effective: {from: 2021-01-01}
    warn_days_before: 120
  - id: guangdong-weekly-reports
    kind: report_due
    title: 广东省各牵头单位每周五报送
    source: 测试用
    jurisdiction: "440000"
    effective: {from: 2022-01}
    lead_units: [省财政厅]
    units: [省财政厅, 省发展改革委]
    cadence: weekly
    weekday: 5
"""
RULES = parse_rule_texts(read_rule_texts(None) | {"extra.yaml": EXTRA_RULES})


def _regions() -> pl.DataFrame:
    """Return nation, four provinces, six prefectures, their first counties and odd units."""
    all_ = pl.read_csv(REGIONS_CSV, schema_overrides={"code": pl.String, "parent_code": pl.String})
    counties = all_.filter(
        pl.col("parent_code").is_in(PREFECTURES)
        & (pl.col("code").rank("ordinal").over("parent_code") <= 5)
        | pl.col("code").is_in(["530112", "654301", "659001"])
        | (pl.col("parent_code") == "110000") & (pl.col("code") < "110110")
    )
    top = all_.filter(pl.col("code").is_in(["000000", "110000", "440000", "530000", "650000"]))
    odd = pl.DataFrame(
        {
            "code": ["654300-KNS", "449999"],
            "name": ["喀纳斯景区", "未登记单位"],
            "level": ["county", "county"],
            "parent_code": ["654300", None],
        }
    )
    prefectures = all_.filter(pl.col("code").is_in(PREFECTURES))
    return pl.concat([top, prefectures, counties.unique("code", maintain_order=True), odd])


def _month_end(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1) - timedelta(days=1)


MONTHS = [date(2021 + (m >= 12), m % 12 + 1, 1) for m in range(24)]  # 2021-01 .. 2022-12


def _frames(as_of: date, seed: int = 7) -> dict[str, pl.LazyFrame]:
    """Return in-memory input frames as `query_trigger_inputs` would give them on `as_of`."""
    rnd = random.Random(seed)
    regions = _regions().rows(named=True)
    cpi, counts, standards, funds, bonds = [], [], [], [], []
    for code in ["000000", "440000", "530000", "650000", "654300", "440100"]:
        for month in MONTHS:
            if month > as_of or month.month in GAPS.get(code, ()):
                continue  # a missing month: the rule's CPI chain falls back
            for indicator, low, high in (("cpi", -100, 560), ("food", -300, 900)):
                published = _month_end(month) + timedelta(days=rnd.randint(8, 20))
                cpi.append(
                    (
                        code,
                        month,
                        indicator,
                        rnd.randint(low, high),
                        None if rnd.random() < 0.1 else published,
                        published,
                        1,
                    )
                )
    for region in regions:
        code, name, parent = region["code"], region["name"], region["parent_code"]
        for month in (m for m in MONTHS[12:] if m <= as_of and rnd.random() < 0.7):
            counts += [(code, month, g, rnd.randint(0, 5000)) for g in GROUPS]
            if code != "440303" and rnd.random() < 0.8:  # one county never reports standards
                standards += [
                    (code, month, s, rnd.randint(5_000_000, 12_000_000))
                    for s in ("urban_dibao", "rural_dibao")
                ]
        for f in range(30):
            funds.append(_fund(rnd, as_of, code, name, parent, f))
        if region["level"] == "county":
            bonds += [_bond(rnd, as_of, code, name, p) for p in range(rnd.randint(2, 8))]
    rows = {"cpi": cpi, "beneficiaries": counts, "standards": standards}
    rows |= {"funds": funds, "bonds": bonds} | _ledgers(rnd, as_of, regions)
    rows |= _reports(rnd, as_of)
    rows |= {n: [] for n in INPUTS if n not in rows}
    return {n: pl.LazyFrame(r, schema=INPUTS[n], orient="row") for n, r in rows.items()}


def _ledgers(rnd: random.Random, as_of: date, regions: list[dict]) -> dict[str, list]:
    """Return the commitment ledgers: arrears, issues, readiness, guarantees, procurement."""
    arrears, issues, ready, fees, buys = [], [], [], [], []
    for region in regions:
        code, name = region["code"], region["name"]
        for d in range(rnd.randint(1, 4)):
            owed = rnd.choice([200_000_000, rnd.randint(1, 900_000_000)]) if d else 199_999_999
            repaid = rnd.choice([0, owed, owed // 2])
            plan = rnd.choice([None, date(2022, rnd.randint(5, 12), 15)])
            disputed = rnd.choice([None, False, False, True])
            repaid_on = None if repaid == 0 else date(2022, 4, 1)
            debtor, creditor = f"单位{d % 2}", f"企业{d % 3}"
            arrears.append(
                (as_of, code, name, debtor, creditor, "", owed, disputed, plan, repaid, repaid_on)
            )
        for b in range(rnd.randint(0, 2)):
            day = date(rnd.choice([2022, 2022, 2023]), rnd.randint(1, 12), 1)
            issues.append((code, name, f"债券{b}", f"{code}{b}", rnd.randint(1, 10**11), day))
        quota = rnd.choice([0, 10**9])
        notice = rnd.choice([None, date(2022, 3, 1)])
        ready.append((as_of, code, name, f"项目{code}", "住建局", quota, notice))
        fees.append(
            (
                as_of,
                code,
                name,
                "担保公司",
                f"企业{code}",
                10**8,
                rnd.choice([80, 81, 100, 101, None]),
                as_of,
            )
        )
        for kind, budget in (("goods", 200_000_001), ("works", 400_000_001), ("services", 10**8)):
            share = rnd.choice([budget * 4 // 10, budget * 4 // 10 + 1, 0])
            buys.append(
                (as_of, code, name, f"{kind}{code}", "采购单位", kind, budget, share, as_of)
            )
    return {
        "arrears": arrears,
        "bond_issues": issues,
        "bond_readiness": ready,
        "guarantees": fees,
        "procurement": buys,
    }


def _reports(rnd: random.Random, as_of: date) -> dict[str, list[tuple]]:
    """Return measures (克州, a county of it, 阿勒泰) and reports on time, late or missing."""
    measures = [
        ("653000", "克州", "1", "复工复市", ["自治州财政局", "自治州工信局"], [], "daily"),
        ("653000", "克州", "2", "每周调度", ["自治州商务局"], [], "weekly"),
        ("653001", "阿图什市", "1", "减免租金", ["阿图什市财政局"], [], "daily"),
        ("654300", "阿勒泰地区", "1", "清欠", ["地区财政局"], [], "daily"),
    ]
    units = [
        "自治州财政局",
        "自治州工信局",
        "阿图什市财政局",
        "地区财政局",
        "省财政厅",
        "省发展改革委",
    ]
    reports = []
    for n in range((as_of - date(2022, 8, 20)).days + 1):
        day = date(2022, 8, 20) + timedelta(days=n)
        for unit in units:
            if rnd.random() < 0.15:
                continue  # not reported
            minutes = rnd.choice([-300, -1, 0, 1, 25, 60 * 16])
            at = datetime.combine(day, time(17, 0)) + timedelta(minutes=minutes)
            reports.append((unit, day, None, at, rnd.random() < 0.1))
    return {"measures": [(*m, time(17, 0)) for m in measures], "daily_reports": reports}


def _snapshot(rnd: random.Random, as_of: date) -> date:
    """Return the month end of a snapshot on or before as_of: mostly recent, some stale."""
    month = as_of.replace(day=1)
    for _ in range(rnd.choice([1, 1, 2, 2, 3, 5])):
        month = (month - timedelta(days=1)).replace(day=1)
    return _month_end(month)


def _fund(rnd, as_of, code, name, parent, f) -> tuple:
    received = 0 if rnd.random() < 0.03 else rnd.randint(1_000_000, 10_000_000_000)
    allocated = received if rnd.random() < 0.7 else int(received * rnd.uniform(0.4, 1))
    paid = int(received * rnd.uniform(0, 1.05)) if received else 0
    released = date(rnd.choice([2020, 2021, 2022, 2022]), rnd.randint(1, 9), rnd.randint(1, 28))
    own = rnd.randint(1, 3) if rnd.random() < 0.03 else 0
    return (
        _snapshot(rnd, as_of),
        code,
        name,
        parent,
        f"ZD{f:04d}",
        f"直达资金{f}",
        rnd.choice(["财政局", "民政局", "教育局"]),
        received,
        allocated,
        min(paid, received),
        None if rnd.random() < 0.03 else released,
        own,
        own * rnd.randint(0, 9_000_000),
    )


def _bond(rnd, as_of, code, name, p) -> tuple:
    snapshot = _snapshot(rnd, as_of)
    quota = rnd.randint(100_000_000, 10_000_000_000)
    spent = int(quota * rnd.uniform(0.2, 1))
    previous = _month_end(snapshot.replace(day=1) - timedelta(days=1))
    has_previous = rnd.random() < 0.7
    before = spent - (0 if rnd.random() < 0.1 else int(spent * rnd.uniform(0, 0.3)))
    arrived = date(2022, rnd.randint(1, 6), rnd.randint(1, 28)) if rnd.random() < 0.8 else None
    return (
        snapshot,
        code,
        name,
        f"专项债券项目{code}-{p:02d}",
        f"{name}住建局",
        "发展改革委",
        quota,
        spent,
        arrived,
        previous if has_previous else None,
        before if has_previous else None,
    )


def _normal(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """Return the frame sorted by its key, with list-of-struct cells in a fixed order."""
    assert frame.select(KEYS[name]).is_duplicated().sum() == 0, f"{name}: key not unique"
    nested = [c for c, t in frame.schema.items() if t == pl.List(pl.Struct)]
    for column in nested:
        fields = [f.name for f in frame.schema[column].inner.fields]
        frame = frame.with_columns(
            pl.col(column).list.eval(
                pl.element().sort_by(*[pl.element().struct.field(f) for f in fields[:2]])
            )
        )
    return frame.sort(KEYS[name])


def _assert_same(local, other) -> None:
    assert other.health == local.health
    assert sorted(other.findings) == sorted(local.findings)
    for name, frame in local.findings.items():
        assert_frame_equal(_normal(other.findings[name], name), _normal(frame, name))


def test_the_synthetic_inputs_exercise_every_kind():
    frames = _frames(date(2022, 10, 31))
    local = evaluate_rules(RULES, frames, date(2022, 10, 31))
    assert all(h["healthy"] for h in local.health)
    empty = {h["rule_id"] for h in local.health if h["findings"] == 0}
    absent = {"fukang-guarantee-fee", "kizilsu-guarantee-fee", "fukang-arrears-2024"}
    absent |= {"kizilsu-sme-procurement-goods-services", "kizilsu-sme-procurement-works"}
    # guangdong-price-q4: its first month, 2022-10, is not yet due; 阜康 and 克州 have no rows
    # (and 阜康's arrears rule starts in 2024)
    assert empty == {"guangdong-price-q4"} | absent
    commitments = local.findings["commitments"]
    assert sorted(commitments["level"].unique()) == ["green", "red", "yellow"]
    assert commitments["disputed"].any() and commitments["overdue"].any()
    assert set(local.findings) == set(KEYS)
    levels = local.findings["warnings"]["level"].unique().to_list()
    assert sorted(levels) == ["green", "red", "yellow", "yellow_bell"]
    assert local.findings["subsidies"]["triggered"].any()


def test_partitions_hold_whole_peer_groups_and_each_row_once():
    frames = _frames(date(2022, 10, 31))
    parts = partition(RULES, frames)
    keys = [p.key for p in parts]
    assert keys == ["00", "11", "44", "53", "65", WHOLE]
    regional = [p for p in parts if p.key != WHOLE]
    for name in ("funds", "bonds", "beneficiaries", "standards"):
        assert sum(p.frames[name].height for p in regional) == frames[name].collect().height
    peers = pl.concat([p.frames["funds"].with_columns(key=pl.lit(p.key)) for p in regional])
    assert peers.group_by("parent_code").agg(pl.col("key").n_unique()).get_column("key").max() == 1
    assert parts[0].frames["cpi"].height == 0  # no price rule there: no CPI
    cpi = {k: set(p.frames["cpi"]["region_code"]) for k, p in zip(keys, parts, strict=True)}
    assert cpi["65"] == {"654300", "650000", "000000"} and cpi["44"] == {"440000", "000000"}
    assert parts[-1].rule_ids == tuple(r.id for r in RULES if r.id.startswith("national-price"))
    assert {"altay-price", "altay-price-2022-temporary"} < set(parts[4].rule_ids)
    assert "guangdong-price-q4" in parts[2].rule_ids and "altay-price" not in parts[2].rule_ids


@pytest.mark.parametrize("as_of", [date(2022, 6, 30), date(2022, 12, 31), date(2023, 1, 15)])
def test_the_partitioned_plan_gives_the_local_findings(as_of):
    frames = _frames(as_of, seed=as_of.day)
    local = evaluate_rules(RULES, frames, as_of)
    _assert_same(local, evaluate_partitioned(RULES, frames, as_of))
    _assert_same(local, evaluate_partitioned(RULES, frames, as_of, level=4))  # by prefecture


def test_by_prefecture_peers_stay_together_and_wider_price_rules_run_whole():
    parts = {p.key: p for p in partition(RULES, _frames(date(2022, 10, 31)), level=4)}
    assert {"0000", "1100", "4401", "4403", "5301", "5303", "6500", "6543", WHOLE} < set(parts)
    assert set(parts["6543"].frames["funds"]["parent_code"]) == {"654300"}  # with 654300-KNS
    assert set(parts["6500"].frames["funds"]["region_code"]) >= {"650100", "654300", "659001"}
    assert {"altay-price", "altay-price-2022-temporary"} < set(parts["6543"].rule_ids)
    assert "guangdong-price" in parts[WHOLE].rule_ids  # a province spans its prefectures


def test_a_failing_rule_and_an_override_across_partitions_merge_as_locally():
    as_of = date(2022, 10, 31)
    frames = _frames(as_of)
    frames["bonds"] = frames["bonds"].drop("previous_spent_fen")  # every bond rule fails
    national = next(r for r in RULES if r.id == "national-price-2022-temporary")
    rules = [r for r in RULES if r.id != national.id]  # a national rule overriding a province's
    rules.append(national.model_copy(update={"overrides": ["guangdong-price"]}))
    local = evaluate_rules(rules, frames, as_of)
    assert "bond_projects" not in local.findings
    assert [p.context for p in partition(rules, frames) if p.key == "44"] == [(national.id,)]
    _assert_same(local, evaluate_partitioned(rules, frames, as_of))


def test_without_an_address_the_runner_starts_a_small_multiprocess_cluster():
    runner = task_runner(None, workers=2)
    assert runner.cluster_class == "distributed.LocalCluster"
    assert runner.cluster_kwargs["n_workers"] == 2
    assert runner.cluster_kwargs["threads_per_worker"] == 1
    assert runner.cluster_kwargs["processes"] is True
    assert task_runner("tcp://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as c:
        yield c


def test_a_dask_cluster_through_prefect_gives_the_local_findings(prefect_harness, cluster):
    from distributed import Client, get_task_stream

    as_of = date(2022, 10, 31)
    frames = _frames(as_of)
    local = evaluate_rules(RULES, frames, as_of)
    since = datetime.now(UTC)  # other tests of the session run distributed evaluations too
    with Client(cluster, set_as_default=False) as client, get_task_stream(client) as stream:
        distributed = evaluate_distributed(RULES, frames, as_of, address=cluster.scheduler_address)
    _assert_same(local, distributed)
    assert len(stream.data) == len(partition(RULES, frames))  # one Dask task per partition
    assert len({t["worker"] for t in stream.data}) == 2  # spread over both worker processes
    assert sorted(_prefect_task_runs("evaluate-", since)) == sorted(
        f"evaluate-{p.key}" for p in partition(RULES, frames)
    )


def _prefect_task_runs(prefix: str, since: datetime) -> list[str]:
    """Return the names of the completed task runs started since `since` that start with prefix."""
    from prefect import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName
    from prefect.client.schemas.sorting import TaskRunSort

    named = TaskRunFilter(name=TaskRunFilterName(like_=prefix))
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(task_run_filter=named, sort=TaskRunSort.NAME_ASC, limit=200)
    return [
        r.name
        for r in runs
        if r.name.startswith(prefix) and r.state.is_completed() and r.start_time >= since
    ]
