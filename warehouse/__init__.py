"""DuckDB warehouse: schema and migrations, loads, and every SQL query of policy-monitor."""
