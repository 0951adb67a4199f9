"""Settings of the dashboard server (env prefix POLICY_MONITOR_): secret, logins, sessions, cookies."""

from datetime import timedelta

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class DashboardSettings(BaseSettings):
    """How the dashboard signs cookies, locks out guessing, ends sessions, sits behind a proxy."""

    model_config = SettingsConfigDict(env_prefix="POLICY_MONITOR_", extra="ignore")

    secret_key: SecretStr | None = Field(
        None,
        description=(
            "Secret that signs the session cookie; unset: a random key created once in "
            "`.secret_key` beside the warehouse (owner-readable only)."
        ),
    )
    login_max_failures: int = Field(
        5, ge=1, description="Wrong passwords for one user name, or from one address, that lock it."
    )
    login_window_minutes: float = Field(
        15.0, gt=0, description="Minutes within which the wrong passwords are counted."
    )
    login_lock_minutes: float = Field(
        15.0,
        gt=0,
        description="Minutes a locked user name or address is refused (recorded in the audit log).",
    )
    session_idle_minutes: float = Field(
        30.0,
        gt=0,
        description="Minutes without a request after which a session ends (sign in again).",
    )
    session_max_hours: float = Field(
        12.0, gt=0, description="Absolute lifetime of a session in hours, however active."
    )
    secure_cookies: bool = Field(
        False,
        description=(
            "Mark cookies `Secure` (sent over HTTPS only) and send HSTS: set it when the bureau's "
            "HTTPS proxy terminates TLS in front of the dashboard."
        ),
    )
    proxy_hops: int = Field(
        0,
        ge=0,
        description=(
            "Number of reverse proxies in front of the dashboard whose `X-Forwarded-For` is trusted "
            "for the client address (login locks, audit); 0: the direct peer."
        ),
    )

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.session_idle_minutes)

    @property
    def lifetime(self) -> timedelta:
        return timedelta(hours=self.session_max_hours)
