"""Structural gravity: estimation (:mod:`.gravity`), general equilibrium (:mod:`.ge`),
gravity panels from the warehouse (:mod:`.data`) and named scenarios (:mod:`.scenarios`).

Imports run one way: ``data`` reads tables from the warehouse; ``gravity`` and ``ge`` are pure
computation on tables and arrays; ``scenarios`` orchestrates them.
"""

from __future__ import annotations

__all__: list[str] = []
