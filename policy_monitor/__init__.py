"""policy-monitor: economic-indicator and policy-trigger monitor for local finance bureaus.

For analysts: `import policy_monitor as pm; pm.open("data/warehouse.duckdb").fund_warnings()`
returns pandas DataFrames read from the published replica (see `policy_monitor.api`).
"""

__all__ = ["Monitor", "MonitorUnavailable", "open"]


def __getattr__(name: str):
    # the API (DuckDB, polars) loads on first use, so the CLI's commands do not pay for it
    if name in __all__:
        from policy_monitor import api

        return getattr(api, name)
    raise AttributeError(f"module 'policy_monitor' has no attribute {name!r}")
