"""Records collected from a wide layout (one value per cell), with their raw cells for quarantine."""

import json
from typing import Any

from flows.sources.files import Cell
from warehouse.staging import ArrowSource, Part, arrow_text_table


class Records:
    """Text columns named by `headers`, one record per value, plus the rows set aside."""

    def __init__(self, headers: tuple[str, ...]) -> None:
        self.headers = headers
        self.columns: list[list[Cell]] = [[] for _ in headers]
        self.rows: list[int] = []
        self.raw: list[str] = []
        self.skipped: list[tuple[int, str]] = []

    def add(self, row: int, values: tuple, raw: dict) -> None:
        for column, value in zip(self.columns, values, strict=True):
            column.append(value)
        self.rows.append(row)
        self.raw.append(json.dumps(raw, ensure_ascii=False))

    def part(
        self,
        dataset: str,
        columns: dict[str, int],
        constants: dict[str, Any],
        labels: dict[str, int],
    ) -> Part:
        """Return the records as a Part; `labels` name, per field, a column naming it per row."""
        table = arrow_text_table(self.columns, self.rows).append_column("raw_row", [self.raw])
        return Part(
            dataset=dataset,
            source=ArrowSource(table),
            headers=self.headers,
            columns=columns,
            constants=constants,
            has_raw_row=True,
            skipped=self.skipped,
            row_labels=labels,
        )
