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
            "Folder of extra rule files (*.yaml), added to the shipped defaults; a jurisdiction "
            "is added by adding a file."
        ),
    )
    as_of: date | None = Field(
        None,
        description=(
            "Evaluation date when `--as-of` is not given (default: today in Asia/Shanghai); "
            "set it to replay a past year."
        ),
    )
