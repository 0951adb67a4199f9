"""Evaluate the rules on a Dask cluster through Prefect: one task per partition, then one merge.

`evaluate_distributed(rules, frames, as_of, address=None, workers=2, level=2, at=None)` returns
the same `Evaluation` as `triggers.engine.evaluate_rules(rules, frames, as_of, at=at)`; how the
work is split and why the merge is exact is in `triggers/partitions.py`.
"""

from contextlib import nullcontext
from datetime import date, datetime

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from triggers.custom_kinds import is_custom
from triggers.engine import Evaluation, evaluate_rules
from triggers.partitions import Partition, evaluate_partition, merge, partition


@task(cache_policy=NONE, task_run_name="evaluate-{part.key}")
def evaluate_partition_task(
    part: Partition, rules: list, as_of: date, at: datetime | None = None
) -> Evaluation:
    """Evaluate one partition on a Dask worker."""
    return evaluate_partition(part, rules, as_of, at)


class InProcess:
    """A flow argument that stays in this process: pickled, it holds nothing.

    Prefect copies a flow's parameters into the context sent with every task; the whole input
    frames would travel with each partition's task (100 MB each on national data).
    """

    __slots__ = ("value",)  # and no __iter__: Prefect stores "<InProcess>" as the parameter

    def __init__(self, value=None):
        self.value = value

    def __reduce__(self):
        return (InProcess, ())


@flow(name="evaluate-distributed", flow_run_name="evaluate-distributed", validate_parameters=False)
def evaluate_distributed_flow(
    rules: list, frames: InProcess, as_of: date, level: int = 2, at: datetime | None = None
):
    """Fan the per-partition evaluation out on the flow's task runner, then merge."""
    parts = partition(rules, frames.value, level)
    sizes = ", ".join(f"{p.key}: {p.rows}" for p in parts)
    get_run_logger().info("%d partitions (rows) %s", len(parts), sizes)
    with _api_for_workers():
        futures = [evaluate_partition_task.submit(p, rules, as_of, at) for p in parts]
    return merge(rules, [f.result() for f in futures], as_of)


def _api_for_workers():
    """Without PREFECT_API_URL, send local workers to this process's temporary API server.

    Otherwise each worker process would start a temporary server of its own. A cluster on other
    machines needs a real server: set PREFECT_API_URL (see docs/scaling.md).
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        return nullcontext()
    from prefect.server.api.server import SubprocessASGIServer

    return temporary_settings({PREFECT_API_URL: SubprocessASGIServer().api_url})


def task_runner(address: str | None = None, workers: int = 2):
    """Return a DaskTaskRunner on the cluster at `address`, else on a new local cluster."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": ":0",  # a free port, logged by prefect-dask
        },
    )


def evaluate_distributed(
    rules: list,
    frames: dict,
    as_of: date,
    address: str | None = None,
    workers: int = 2,
    level: int = 2,
    at: datetime | None = None,
) -> Evaluation:
    """Return `evaluate_rules(rules, frames, as_of, at=at)`, computed per partition on Dask.

    `address` is a running scheduler ("tcp://host:8786"); without it a LocalCluster of `workers`
    single-threaded processes is started for this run and closed after it. `level` 2 makes one
    task per province, 4 one per prefecture.
    """
    runner = task_runner(address, workers)
    flow_ = evaluate_distributed_flow.with_options(task_runner=runner)
    # custom (pandas) kinds run here, after the cluster's part: their modules are in the user's
    # rules folder, which the workers cannot import (docs/rules.md)
    result = flow_([r for r in rules if not is_custom(r)], InProcess(frames), as_of, level, at)
    custom = [r for r in rules if is_custom(r)]
    return _with(result, evaluate_rules(custom, frames, as_of, at=at)) if custom else result


def _with(result: Evaluation, more: Evaluation) -> Evaluation:
    """Return `result` with the findings and health of `more` (rules evaluated in-process)."""
    for name, found in more.findings.items():
        have = result.findings.get(name)
        both = [found] if have is None else [have, found]
        result.findings[name] = pl.concat(both, how="vertical_relaxed")
    result.health += more.health
    return result
