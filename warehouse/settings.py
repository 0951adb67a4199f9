"""Warehouse settings, declared once with their defaults and help (env prefix POLICY_MONITOR_)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WarehouseSettings(BaseSettings):
    """Where the warehouse lives and how region names are resolved."""

    model_config = SettingsConfigDict(env_prefix="POLICY_MONITOR_", extra="ignore")

    db: Path = Field(
        Path("data/warehouse.duckdb"),
        description="Path of the DuckDB warehouse file (the CLI's --db overrides it).",
    )
    home_region: str = Field(
        "654300",
        description=(
            "GB/T 2260 code of the bureau's own jurisdiction; a region name that exists in "
            "several places is resolved inside it."
        ),
    )
    region_file: Path | None = Field(
        None,
        description=(
            "Extra CSV of regions and aliases (columns name,region_code[,parent_code,level]) "
            "for units without a GB/T 2260 code, e.g. a scenic-area administration."
        ),
    )
    lock_wait: float = Field(
        30.0,
        description=(
            "Seconds a writer (ingest, evaluate, acknowledgment) waits for another process's "
            "write to end before it gives up."
        ),
    )
    memory_limit: str = Field(
        "4GB", description="DuckDB memory limit for one ingest or query process."
    )
