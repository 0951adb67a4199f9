"""The monthly one-page brief for leaders: read from the replica, rendered as PDF or Excel."""
