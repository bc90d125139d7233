"""The report's recommendations as structured records, with statuses computed where measurable."""

from __future__ import annotations

__all__: list[str] = []
