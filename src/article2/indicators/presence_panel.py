"""Presence shares for many target countries at once.

:func:`actor_flows_panel` is defined in :mod:`article2.measures.trade` (the one definition of
an actor's share that the profile, the dashboard, the brief and the index use); re-exported
here for computations on a flow table.
"""

from __future__ import annotations

from article2.measures.trade import actor_flows_panel

__all__ = ["actor_flows_panel"]
