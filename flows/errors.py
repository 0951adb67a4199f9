"""Named errors of the flows package; the CLI turns them into a rejected-file account."""


class SourceRejected(Exception):
    """The file cannot be read as its kind at all; nothing from it is loaded."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message, self.row, self.column = message, row, column
