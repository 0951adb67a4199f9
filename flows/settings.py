"""Settings of the flows: where extra rule files live, and the evaluation date (env POLICY_MONITOR_)."""

from datetime import date
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class FlowSettings(BaseSettings):
    """How rules are found and which day an evaluation is for."""

    model_config = SettingsConfigDict(env_prefix="POLICY_MONITOR_", extra="ignore")

    rules_dir: Path | None = Field(
        None,
        description=(
            "Folder of extra rule files (*.yaml), added to the shipped defaults, and of custom "
            "rule kinds (*.py, pandas; docs/rules.md); a jurisdiction is added by adding a file."
        ),
    )
    inbox_every: int = Field(
        60, ge=1, description="Seconds between two looks at the inbox by `policy-monitor serve`."
    )
    inbox_watch: bool = Field(
        True,
        description=(
            "`policy-monitor serve` watches the inbox folder and ingests a file within a second "
            "or two of it landing (the `inbox_every` schedule stays as the safety net)."
        ),
    )
    inbox_settle: float = Field(
        0.5,
        ge=0,
        description=(
            "Seconds a file in the inbox must keep its size and modification time before it is "
            "taken (a file still being copied in is left for later)."
        ),
    )
    evaluate_cron: str = Field(
        "30 7 * * *",
        description="When `policy-monitor serve` evaluates every rule (cron, Asia/Shanghai).",
    )
    report_cron: str = Field(
        "5 17 * * *",
        description=(
            "When `policy-monitor serve` evaluates again just after the daily report deadline "
            "(17:00), so a missing or late report is an alert the same evening (cron, "
            "Asia/Shanghai)."
        ),
    )
    cpi_portal: bool = Field(
        False,
        description=(
            "Fetch the national CPI from the NBS data portal into the inbox (flow "
            "`fetch-national-cpi`); off by default, files put in the inbox stay the default path."
        ),
    )
    cpi_portal_url: str = Field(
        "https://data.stats.gov.cn/easyquery.htm",
        description="Query address of the NBS data portal used by `fetch-national-cpi`.",
    )
    dask_address: str | None = Field(
        None,
        description=(
            "Dask scheduler (`tcp://host:8786`) on which `evaluate` runs the rules per province "
            "(docs/scaling.md); unset, they run in-process."
        ),
    )
    as_of: date | None = Field(
        None,
        description=(
            "Evaluation date when `--as-of` is not given (default: today in Asia/Shanghai); "
            "set it to replay a past year (a past date is evaluated at the end of its day)."
        ),
    )
