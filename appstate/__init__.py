"""What the application keeps beside the DuckDB warehouse: users, queued actions, the inbox folder,
the audit log, login attempts and locks, server-side sessions.

SQLite takes a small write from any process at any time, so a login or an acknowledgment never
waits for a DuckDB load. Nothing here imports another package of ours.
"""
