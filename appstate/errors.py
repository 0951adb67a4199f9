"""Named errors of the application state; the CLI and dashboard translate them at their boundary."""


class AppStateError(Exception):
    """Base class of application-state errors."""


class UserError(AppStateError, ValueError):
    """A user cannot be created or found as asked."""


class InboxError(AppStateError):
    """An upload cannot be accepted (unknown kind, empty file, no usable name)."""
