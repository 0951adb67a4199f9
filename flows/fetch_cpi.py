"""Flow `fetch-national-cpi`: put the newest national CPI from the NBS data portal in the inbox.

Off unless `POLICY_MONITOR_CPI_PORTAL` is true: the default path for CPI is still a file
uploaded (or moved) into the inbox. When on, the flow works out which month should be out by
now (the figure is released from the 9th at 09:30 of the next month, sometimes later), returns
at once if the warehouse already has it, and otherwise fetches the last months, retrying for
about four hours until the month appears. The file lands in `<inbox>/cpi/`, where the inbox
watcher ingests it like any upload. The portal gives no publication date; none is recorded.
"""

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from appstate.inbox import inbox_path
from flows.evaluate import today
from flows.settings import FlowSettings
from flows.sources import nbs_portal
from triggers.periods import add_months
from warehouse import queries
from warehouse.settings import WarehouseSettings

RELEASE_DAY = 9  # the month's CPI is expected from this day of the next month
RETRY_DELAYS = [60, 300, 900, 1800, 3600, 7200]


def expected_month(as_of: date) -> str:
    """Return the newest month ('YYYY-MM') whose CPI should be published by `as_of`."""
    month = add_months(as_of, -1 if as_of.day >= RELEASE_DAY else -2)
    return f"{month.year:04d}-{month.month:02d}"


def newest_in_warehouse(db: Path) -> str | None:
    """Return the newest national CPI month ('YYYY-MM') in the warehouse, if any."""
    return queries.latest_national_cpi_month(db)


@task(cache_policy=NONE, retries=6, retry_delay_seconds=RETRY_DELAYS)
def fetch_task(base_url: str, months: int, expect: str) -> nbs_portal.PortalIndices:
    """Fetch the indices; raise SourceUnavailable (and be retried) until `expect` is out."""
    return nbs_portal.fetch_indices(base_url, months=months, expect=expect)


@task(cache_policy=NONE)
def save_task(inbox_dir: str, indices: nbs_portal.PortalIndices) -> str:
    """Write the indices into `<inbox>/cpi/` as an NBS export; return the stored name."""
    return nbs_portal.save_to_inbox(Path(inbox_dir), indices)


@flow(name="fetch-national-cpi", flow_run_name="fetch-national-cpi", validate_parameters=False)
def fetch_national_cpi(
    db: str | None = None,
    inbox_dir: str | None = None,
    as_of: date | None = None,
    months: int = 13,
    enabled: bool | None = None,
    base_url: str | None = None,
) -> dict:
    """Fetch the national CPI and food indices into the inbox; return what was done.

    `enabled` and `base_url` default to the settings POLICY_MONITOR_CPI_PORTAL (off) and
    POLICY_MONITOR_CPI_PORTAL_URL. The result's `status` is `disabled`, `current` (the
    warehouse already has the month; no file) or `saved` (with the stored file name).
    """
    logger = get_run_logger()
    flow_settings = FlowSettings()
    if not (flow_settings.cpi_portal if enabled is None else enabled):
        logger.info("CPI portal fetch is off (POLICY_MONITOR_CPI_PORTAL)")
        return {"status": "disabled"}
    db_path = Path(db) if db else WarehouseSettings().db
    expect = expected_month(as_of or today())
    have = newest_in_warehouse(db_path)
    if have and have >= expect:
        logger.info("warehouse already has national CPI for %s (newest %s)", expect, have)
        return {"status": "current", "expected": expect, "newest": have}
    url = base_url or flow_settings.cpi_portal_url
    indices = fetch_task(url, months, expect)
    newest = indices.months[0]
    if have and have >= newest:
        return {"status": "current", "expected": expect, "newest": have}
    folder = inbox_dir or str(inbox_path(db_path))
    stored = save_task(folder, indices)
    logger.info("national CPI up to %s saved to the inbox as %s", newest, stored)
    return {
        "status": "saved",
        "expected": expect,
        "newest": newest,
        "months": indices.months,
        "file": stored,
        "inbox": folder,
        "codes": indices.codes,
        "published_on": indices.published_on,  # always None: the portal gives no release date
    }
