"""Settings of the application state (env prefix POLICY_MONITOR_), declared once with their help."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AppStateSettings(BaseSettings):
    """Where the inbox folder is; how long the audit log is kept."""

    model_config = SettingsConfigDict(env_prefix="POLICY_MONITOR_", extra="ignore")

    inbox: Path | None = Field(
        None,
        description=(
            "Folder watched for files to ingest (browser uploads land here); default: `inbox` "
            "beside the warehouse."
        ),
    )
    audit_retention_days: int = Field(
        180,
        ge=180,
        description=(
            "Days the audit log keeps a row (at least 180, 等保 2.0); older rows are purged when "
            "the dashboard starts or by `policy-monitor audit --purge`."
        ),
    )
