"""Bounded work in the web app: a limit on concurrent computations, a limit on concurrent PDF
renders, a time limit per request, per-client rate limiting and a byte-bounded response cache.

What a request costs is bounded wherever it comes from:

- a computation (a cache miss) runs in a :class:`Gate`: at most ``slots`` at once, in threads of
  the gate's own; a request that finds them busy waits at most ``wait`` seconds in a queue of at
  most ``queue`` requests, then gets ``503 Service Unavailable`` with ``Retry-After``
  (:class:`Busy`);
- a request waits at most ``time_limit`` seconds for its answer; past that it gets a 503 with
  ``Retry-After`` while the computation finishes and fills the cache, so the next request is a
  cache hit (the work already started is not lost, and the gate still counts it until it ends);
- :class:`ResponseCache` keeps serialised bodies, bounded in entries and in bytes, so that a
  repeated URL costs a dictionary look-up;
- :class:`RateLimit` gives each client (its IP address) a token bucket: ``rate`` requests per
  second with bursts of ``burst``; beyond it, ``429 Too Many Requests`` with ``Retry-After``.

The settings (``ARTICLE2_WEB_*``, :mod:`article2.config`) are read once by :func:`Limits.from_settings`.
"""

from __future__ import annotations

import asyncio
import html
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from article2 import config

__all__ = ["Busy", "Gate", "Limits", "RateLimit", "ResponseCache", "TokenBuckets"]


class Busy(Exception):  # noqa: N818  (reads as a sentence: raise Busy)
    """The server refuses the request for now: 503 (or 429) with ``Retry-After`` seconds."""

    def __init__(self, message: str, retry_after: float, status: int = 503) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, math.ceil(retry_after))
        self.status = status


@dataclass(frozen=True)
class Limits:
    """The web app's limits (see the module docstring).

    Attributes:
        compute_slots: computations (cache misses) running at once, per process.
        pdf_slots: PDF renders (each a Chromium) running at once, per process.
        queue: requests waiting for a slot, per gate, beyond which a request is refused at once.
        queue_wait: seconds a request waits for a slot before a 503.
        time_limit: seconds a request waits for its answer before a 503 (the computation goes on
            and fills the cache).
        rate: requests per second per client (0: no rate limiting); ``burst``: bucket size.
        cache_mb: memory for cached response bodies, in MB, shared by the caches.
    """

    compute_slots: int = 2
    pdf_slots: int = 1
    queue: int = 64
    queue_wait: float = 1.0
    time_limit: float = 1.5
    rate: float = 20.0
    burst: int = 100
    cache_mb: float = 256.0

    @classmethod
    def from_settings(cls) -> Limits:
        """The limits from the ``web_*`` settings (environment ``ARTICLE2_WEB_*``)."""

        def num(name: str, kind: type, low: float) -> Any:
            raw = config.get(name)
            try:
                value = kind(raw)
            except (TypeError, ValueError):
                value = None
            if value is None or not math.isfinite(value) or value < low:
                env = config.SETTINGS[name].env
                raise ValueError(f"{env}={raw!r}: give a {'whole ' if kind is int else ''}"
                                 f"number >= {low}")
            return value

        return cls(
            compute_slots=num("web_compute_slots", int, 1),
            pdf_slots=num("web_pdf_slots", int, 1),
            queue=num("web_queue", int, 0),
            queue_wait=num("web_queue_wait", float, 0),
            time_limit=num("web_time_limit", float, 0.1),
            rate=num("web_rate", float, 0),
            burst=num("web_burst", int, 1),
            cache_mb=num("web_cache_mb", float, 1),
        )


class Gate:
    """At most ``slots`` computations at once, each in a thread of the gate's own; at most
    ``queue`` callers waiting, each for at most ``wait`` seconds, else :class:`Busy`.

    CPU-bound pandas work holds the GIL: with a few threads the event loop keeps its share and
    cached answers stay fast; DuckDB releases the GIL, so two slots keep two cores busy.
    """

    def __init__(self, name: str, slots: int, queue: int, wait: float) -> None:
        self.name, self.slots, self.queue, self.wait = name, slots, queue, wait
        self._loop: asyncio.AbstractEventLoop | None = None
        self._threads: anyio.CapacityLimiter | None = None
        self._semaphore: asyncio.Semaphore | None = None
        self.waiting = 0
        self.running = 0

    async def run(self, fn: Callable[[], Any]) -> Any:
        """``fn()`` in a thread once a slot is free; :class:`Busy` when none frees up in time."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # created on the loop that serves (tests start several)
            self._loop = loop
            self._semaphore = asyncio.Semaphore(self.slots)
            self._threads = anyio.CapacityLimiter(self.slots)
        sem = self._semaphore
        assert sem is not None
        if sem.locked():
            if self.waiting >= self.queue:
                raise Busy(f"the server is busy ({self.name}: {self.slots} running, "
                           f"{self.waiting} waiting); try again shortly", self.wait + 1)
            self.waiting += 1
            try:
                await asyncio.wait_for(sem.acquire(), self.wait)
            except TimeoutError:
                raise Busy(f"the server is busy ({self.name}: no free slot within "
                           f"{self.wait:g} s); try again shortly", self.wait + 1) from None
            finally:
                self.waiting -= 1
        else:
            await sem.acquire()
        self.running += 1
        try:
            return await anyio.to_thread.run_sync(fn, limiter=self._threads)
        finally:
            self.running -= 1
            sem.release()


def _size(value: Any) -> int:
    if isinstance(value, bytes | str):
        return len(value)
    if isinstance(value, tuple):
        return sum(_size(v) for v in value if isinstance(v, bytes | str))
    return 0


class ResponseCache:
    """A bounded LRU of serialised response bodies, read on the event loop and filled off it.

    A hit is a dictionary look-up in the event loop (no thread hop). A miss computes the body
    through ``gate`` (default: run in a worker thread) so that the loop keeps serving other
    requests; concurrent misses of the same key wait for that one computation instead of
    repeating it (50 clients asking for one uncached profile cost one profile, not 50). The
    computation is a task of its own: a client that disconnects or times out does not cancel it,
    and its result is stored for the next request. Stores happen on the loop thread only. The
    warehouse is read-only for the app's lifetime, so entries never go stale; keys include
    whatever selects the body. Bounded by ``maxsize`` entries and ``max_bytes`` of bodies
    (bytes and str values, or tuples holding them); errors are not cached.
    """

    def __init__(self, maxsize: int, max_bytes: int | None = None, gate: Gate | None = None) -> None:
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self.gate = gate
        self.nbytes = 0
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._pending: dict[Hashable, asyncio.Future] = {}

    async def get(self, key: Hashable, compute: Callable[[], Any],
                  timeout: float | None = None) -> Any:
        """The cached value of ``key``, else ``compute()``'s; :class:`Busy` after ``timeout``
        seconds (the computation goes on and is stored)."""
        hit = self._data.get(key)
        if hit is not None:
            self._data.move_to_end(key)
            return hit
        task = self._pending.get(key)
        if task is None:
            if self.gate is not None:
                task = asyncio.ensure_future(self.gate.run(compute))
            else:
                task = asyncio.ensure_future(anyio.to_thread.run_sync(compute))
            self._pending[key] = task
            task.add_done_callback(lambda t: self._store(key, t))
        try:
            return await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            waited = timeout or 0.0  # wait_for only times out with a timeout
            raise Busy(f"still computing after {waited:g} s; the answer will be ready "
                       "shortly: try again", max(2.0, waited / 2)) from None

    def _store(self, key: Hashable, task: asyncio.Future) -> None:
        self._pending.pop(key, None)
        if task.cancelled() or task.exception() is not None:
            return  # errors are not cached: the next request tries again
        value = task.result()
        size = _size(value)
        if self.max_bytes is not None and size > self.max_bytes:
            return
        self._data[key] = value
        self.nbytes += size
        while len(self._data) > self.maxsize or (
            self.max_bytes is not None and self.nbytes > self.max_bytes
        ):
            _, old = self._data.popitem(last=False)
            self.nbytes -= _size(old)

    def __len__(self) -> int:
        return len(self._data)


class TokenBuckets:
    """One token bucket per client key: ``rate`` tokens a second up to ``burst``; at most
    ``max_clients`` buckets kept (the least recently seen are forgotten, i.e. refilled)."""

    def __init__(self, rate: float, burst: int, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.max_clients, self.clock = rate, burst, max_clients, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str) -> float:
        """0 when ``client`` may go ahead (a token is taken), else seconds until it may."""
        now = self.clock()
        tokens, then = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._buckets[client] = (tokens, now)
        if len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


#: the page a browser gets when over its rate (no template: answered before the app runs)
_TOO_MANY = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<meta http-equiv="refresh" content="{retry}"><title>Too many requests · article2</title>'
    '<link rel="stylesheet" href="/static/app.css"></head><body><main id="main">'
    '<h1>Too many requests <small>(error 429)</small></h1><p class="error" role="alert">'
    '{message}</p><p>This page tries again by itself in {retry} s.</p>'
    '<p><a href="/">Back to the map</a></p></main></body></html>'
)


class RateLimit:
    """ASGI middleware: per-client rate limiting (the client is the peer's IP address; headers
    such as ``X-Forwarded-For`` are not trusted). Over the limit: 429 with ``Retry-After``."""

    def __init__(self, app: ASGIApp, rate: float, burst: int,
                 wants_html: Callable[[str, str], bool] | None = None) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate, burst) if rate > 0 else None
        self.wants_html = wants_html  # (path, Accept) -> answer with a page instead of JSON

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.buckets is not None:
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.buckets.take(client)
            if wait > 0:
                retry = max(1, math.ceil(wait))
                message = (f"too many requests from this client: at most "
                           f"{self.buckets.rate:g} a second (bursts of {self.buckets.burst}); "
                           f"try again in {retry} s")
                accept = dict(scope.get("headers") or ()).get(b"accept", b"").decode("latin-1")
                response: Response
                if self.wants_html is not None and self.wants_html(scope.get("path", ""), accept):
                    response = HTMLResponse(_TOO_MANY.format(retry=retry,
                                                             message=html.escape(message)),
                                            status_code=429, headers={"Retry-After": str(retry)})
                else:
                    response = JSONResponse({"error": message}, status_code=429,
                                            headers={"Retry-After": str(retry)})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
