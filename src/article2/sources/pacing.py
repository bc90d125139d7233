"""Pacing for services that allow only so many downloads an hour.

The OECD Data Explorer API blocks a client for a while after too many data downloads: "API
access is currently restricted to a maximum of 60 data downloads per hour" (earlier 20 an
hour; https://www.oecd.org/en/data/insights/data-explainers/2024/11/Api-best-practices-and-recommendations.html).
Every data call to such a service first takes a slot here. The slots used are kept in the
data home (``raw/.pacing/<service>.json``, the UTC times of the calls in the last window), so
the count holds across runs of ``article2 fetch``. When no slot is free the call waits for the
next one if that wait is at most ``fetch_max_wait`` seconds (saying so through ``notify``),
and otherwise stops with :class:`RateLimited`, which says when to run again. The number of
calls a window is a setting (``oecd_calls_per_hour``), since the OECD changes it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from article2 import config, paths
from article2.sources import download as dl

__all__ = ["Pace", "RateLimited", "reserve", "state_path"]


class RateLimited(dl.FetchError):
    """No call slot is free soon enough; the message says when to try again."""


@dataclass(frozen=True)
class Pace:
    """At most ``calls`` data calls to ``service`` in any ``window`` seconds.

    Attributes:
        service: name of the state file (``raw/.pacing/<service>.json``).
        calls_setting: :mod:`article2.config` setting with the number of calls a window.
        window: seconds.
        url: the service's address, for messages.
    """

    service: str
    calls_setting: str
    window: float = 3600.0
    url: str = ""

    def calls(self) -> int:
        raw = config.get(self.calls_setting) or "0"
        try:
            n = int(raw)
        except ValueError as exc:
            raise ValueError(
                f"setting {self.calls_setting} must be a whole number; got {raw!r}"
            ) from exc
        if n < 1:
            raise ValueError(f"setting {self.calls_setting} must be at least 1; got {n}")
        return n


def state_path(service: str) -> Path:
    return paths.raw_dir() / ".pacing" / f"{service}.json"


def _load(path: Path) -> list[float]:
    try:
        data = json.loads(path.read_text())
        return sorted(float(t) for t in data.get("calls", []))
    except (OSError, ValueError, TypeError, AttributeError):
        return []  # no or unreadable state: start counting afresh


def _save(path: Path, calls: list[float]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"calls": calls}))
    tmp.replace(path)


def _utc(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%H:%M:%S UTC")


def reserve(
    pace: Pace,
    *,
    now: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    notify: Callable[[str], None] | None = None,
) -> float:
    """Take one call slot of ``pace``; return the seconds waited for it.

    Raises:
        RateLimited: the next slot frees later than ``fetch_max_wait`` seconds from now.
    """
    limit = pace.calls()
    path = state_path(pace.service)
    t = now()
    calls = [c for c in _load(path) if t - c < pace.window]
    waited = 0.0
    if len(calls) >= limit:
        free_at = calls[len(calls) - limit] + pace.window
        wait = max(free_at - t, 0.0)
        max_wait = float(config.get("fetch_max_wait") or 0)
        if wait > max_wait:
            raise RateLimited(
                f"the service allows {limit} data downloads every {pace.window / 3600:g} hour(s) "
                f"and {len(calls)} were made in the last one; the next is allowed at "
                f"{_utc(free_at)} (in {wait / 60:.0f} min): run the fetch again then "
                f"(waits of up to {max_wait:g} s are taken automatically: setting "
                "fetch_max_wait)",
                url=pace.url,
            )
        if notify is not None:
            notify(
                f"{pace.service}: {limit} downloads an hour allowed; waiting {wait:.0f} s "
                f"for the next slot ({_utc(free_at)})"
            )
        sleep(wait)
        waited = wait
        t = now()
        calls = [c for c in calls if t - c < pace.window]
    calls.append(t)
    _save(path, calls)
    return waited
