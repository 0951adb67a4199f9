"""The Python API for analysts: the warehouse's one read path as pandas DataFrames.

    import policy_monitor as pm
    monitor = pm.open("data/warehouse.duckdb")
    monitor.fund_warnings(region="654300", level="red")

It reads the published replica (`warehouse.read.duckdb`), so it answers while a load or an
evaluation holds the warehouse, and sees what the dashboard sees. Frames are handed over through
Arrow (pyarrow-backed pandas columns): money stays exact as `decimal128` yuan (Python `Decimal`
per value), dates stay dates, rates are 0–1 floats, lists (reasons) stay lists.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from triggers.jurisdictions import normalise_region
from warehouse import reads
from warehouse.replica import read_connection

if TYPE_CHECKING:  # pandas is imported by polars on the first frame, not by the CLI
    import pandas as pd


class MonitorUnavailable(RuntimeError):
    """The warehouse cannot be read: it does not exist, or was never published and is busy."""


def _region(region: str | None) -> str | None:
    return None if region is None else normalise_region(region)


class Monitor:
    """One warehouse, read through its replica; every method returns a pandas DataFrame."""

    def __init__(self, db: Path):
        self.db = db

    def __repr__(self) -> str:
        return f"Monitor({str(self.db)!r})"

    def _read(self, query: Callable, *args, **kwargs):
        try:
            cursor = read_connection(self.db)
        except (duckdb.IOException, FileNotFoundError) as exc:
            raise MonitorUnavailable(
                f"仓库 {self.db} 尚未发布且正被写入：请待导入完成后重试"
            ) from exc
        try:
            return query(cursor, *args, **kwargs)
        except duckdb.CatalogException as exc:
            raise MonitorUnavailable("仓库结构较旧：请用新版本运行一次导入或评估") from exc
        finally:
            cursor.close()

    def _frame(self, query: Callable, *args, **kwargs) -> pd.DataFrame:
        return self._read(query, *args, **kwargs).to_pandas(use_pyarrow_extension_array=True)

    def subsidies(self, region: str | None = None, triggered: bool | None = None) -> pd.DataFrame:
        """Return the price-subsidy findings of the jurisdictions under `region`, by month."""
        return self._frame(reads.query_subsidies, None, _region(region), triggered)

    def fund_warnings(
        self, region: str | None = None, level: str | None = None, department: str | None = None
    ) -> pd.DataFrame:
        """Return the direct-fund lights under `region` (red, yellow, yellow_bell, green), red first."""
        return self._frame(
            reads.query_fund_warnings, None, _region(region), level, department, limit=None
        )

    def revisions(self, region: str | None = None) -> pd.DataFrame:
        """Return the months under `region` whose price decision a data revision reversed."""
        return self._frame(reads.query_revisions, None, _region(region))

    def carryover(self, region: str | None = None) -> pd.DataFrame:
        """Return the carry-over balances due for recall under `region`, soonest first."""
        return self._frame(reads.query_carryover, None, _region(region))

    def bond_projects(
        self, region: str | None = None, level: str | None = None, department: str | None = None
    ) -> pd.DataFrame:
        """Return the special-bond projects under `region` with projection, level and step."""
        return self._frame(
            reads.query_bond_projects, None, _region(region), level, department, limit=None
        )

    def bond_counties(self, region: str | None = None) -> pd.DataFrame:
        """Return each county's bond totals, projection and level under `region`."""
        return self._frame(reads.query_bond_counties, None, _region(region))

    def commitments(
        self,
        region: str | None = None,
        kind: str | None = None,
        level: str | None = None,
        lead_unit: str | None = None,
        disputed: bool = False,
    ) -> pd.DataFrame:
        """Return the graded commitment items (承诺事项) under `region`, red first.

        Money is exact yuan (`amount_yuan`, `done_yuan`); `target`/`actual` are decimals in the
        row's `unit` (yuan, percent, count). `disputed=True` gives the disputed items instead.
        """
        return self._frame(
            reads.query_commitments,
            None,
            _region(region),
            kind,
            lead_unit=lead_unit,
            level=level,
            disputed=disputed,
            limit=None,
        )

    def commitment_summary(
        self, by: str = "rule", region: str | None = None, kind: str | None = None
    ) -> pd.DataFrame:
        """Return the commitment items counted per `by` (rule, lead_unit, party or region):
        items by level, amount / done / outstanding / overdue yuan, disputed apart."""
        return self._frame(reads.query_commitment_summary, None, by, _region(region), kind)

    def alerts(self, status: str = "open", region: str | None = None) -> pd.DataFrame:
        """Return the alerts under `region`: `status` 'open' (firing or acknowledged) or 'all'."""
        if status not in ("open", "all"):
            raise ValueError(f"status 应为 open 或 all，收到 {status!r} / status is open or all")
        return self._frame(reads.query_alerts, None, status == "open", _region(region), None)

    def alert(self, alert_id: int) -> dict:
        """Return one alert with its `events` and `escalations` (letters); AlertNotFound if none."""
        return self._read(reads.query_alert, alert_id)

    def cpi(self, regions: list[str] | None = None) -> pd.DataFrame:
        """Return CPI and food CPI year on year (percent, current vintage) per region and month."""
        codes = None if regions is None else [normalise_region(r) for r in regions]
        return self._frame(reads.query_cpi_series, codes)

    def ingests(self, limit: int | None = None) -> pd.DataFrame:
        """Return the ingest log, newest first, with each file's account."""
        return self._frame(reads.query_ingests, limit)

    def quarantine(self, limit: int | None = None) -> pd.DataFrame:
        """Return the quarantined rows (file, row, column, reason, raw content), newest first."""
        return self._frame(reads.query_quarantine_rows, limit)

    def last_evaluation(self) -> dict | None:
        """Return the latest evaluation (as_of, finished_at, unhealthy_rules …), or None."""
        return self._read(reads.query_last_evaluation)


def open(path: str | Path) -> Monitor:
    """Return a Monitor over the warehouse at `path` (its published replica)."""
    db = Path(path)
    if not db.exists():
        raise MonitorUnavailable(f"仓库 {db} 还不存在：请先导入数据并运行 policy-monitor evaluate")
    return Monitor(db)
