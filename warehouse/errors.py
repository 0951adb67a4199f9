"""Named warehouse errors; the CLI, flows and dashboard translate them at their boundary.

A change an alert's status does not allow is triggers.lifecycle.AlertStateError (the state machine's).
"""


class WarehouseError(Exception):
    """Base class of warehouse errors."""


class RegionConfigError(WarehouseError):
    """The region or alias configuration is invalid."""


class WarehouseBusy(WarehouseError):
    """Another process holds the warehouse for writing."""


class AlertNotFound(WarehouseError):
    """No alert has the given id."""
