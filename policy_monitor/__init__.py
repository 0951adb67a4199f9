"""policy-monitor: economic-indicator and policy-trigger monitor for local finance bureaus.

For analysts: `import policy_monitor as pm; pm.open("data/warehouse.duckdb").fund_warnings()`
returns pandas DataFrames read from the published replica (see `policy_monitor.api`).
"""

from policy_monitor.api import Monitor, MonitorUnavailable, open

__all__ = ["Monitor", "MonitorUnavailable", "open"]
