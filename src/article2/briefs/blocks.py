"""The pieces a brief is made of (tables, charts, sections), shared by the section builders of
:mod:`article2.briefs.sections` and the renderer :mod:`article2.briefs.render`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Block", "Chart", "Table"]


@dataclass(frozen=True)
class Table:
    """A table as printed: every cell already formatted.

    Attributes:
        caption: what the table shows (left out when it would repeat the section's heading).
        columns: column headings.
        rows: formatted cells, one tuple per row.
        nowrap: indexes of columns whose cells never break across lines (ids, years).
        notes: lines printed under the table (definitions, footnotes).
    """

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    nowrap: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    svg: str
    table: Table


@dataclass(frozen=True)
class Block:
    """A section of the brief: heading, generated sentences, charts, tables, notes."""

    title: str
    findings: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()
    capability: bool = False

    @property
    def empty(self) -> bool:
        """True when the section has nothing to show (it is then left out)."""
        return not (self.findings or self.charts or self.tables or self.notes)
