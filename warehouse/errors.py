"""Named warehouse errors; the CLI, flows and dashboard translate them at their boundary."""


class WarehouseError(Exception):
    """Base class of warehouse errors."""


class RegionConfigError(WarehouseError):
    """The region or alias configuration is invalid."""


class WarehouseBusy(WarehouseError):
    """Another process holds the warehouse for writing."""
