"""Trade-agreement architecture: the registry, membership queries, conflicts and the map."""

from __future__ import annotations

__all__: list[str] = []
