"""Errors that name what went wrong and where: the file, the row and the field."""

from __future__ import annotations

__all__ = [
    "ChecksumMismatchError",
    "CorruptFileError",
    "MissingColumnError",
    "MissingFileError",
    "SourceError",
    "WarehouseMissingError",
]


class SourceError(ValueError):
    """A source file cannot be used. ``file``, ``row`` (1-based data row) and ``field`` say where."""

    def __init__(
        self, message: str, *, file: str, row: int | None = None, field: str | None = None
    ) -> None:
        where = file
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")
        self.file = file
        self.row = row
        self.field = field


class MissingFileError(SourceError, FileNotFoundError):
    """A file listed in the manifest is not in the snapshot."""


class ChecksumMismatchError(SourceError):
    """A file's SHA-256 differs from the one recorded in the manifest."""


class CorruptFileError(SourceError):
    """A file cannot be decoded (truncated or corrupt gzip, bad Stata file, bad JSON)."""


class MissingColumnError(SourceError):
    """A required column is missing or renamed."""


class WarehouseMissingError(FileNotFoundError):
    """No warehouse has been built yet."""
