"""policy-monitor: economic-indicator and policy-trigger monitor for local finance bureaus."""
