"""What a dataset declaration is made of: fields, row checks, the dataset itself."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    """One value of a row: its parser (`type`), the Chinese label users know, and if required."""

    name: str
    type: str  # text | date | month | money | count | number | region
    label: str
    required: bool = True


@dataclass(frozen=True)
class Check:
    """A row is quarantined when `condition` (SQL over parsed fields) is true."""

    condition: str
    column: str
    message: str


@dataclass(frozen=True)
class Dataset:
    """A warehouse table fed by files, with how its rows are validated and keyed."""

    name: str
    table: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    derived: dict[str, str] = field(default_factory=dict)
    insert: tuple[str, ...] = ()
    vintage_key: tuple[str, ...] = ()  # insert only when the value differs from the current one

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)
