"""Bounded work in the web app (:mod:`article2.web.limits`): the computation gate and its queue,
the request time limit, the PDF gate, per-client rate limiting and the byte-bounded cache.

The unit tests drive the pieces with a fake clock or short sleeps; the app tests run the real
app over the real warehouse with tiny limits and a capability replaced by a slow stand-in, and
check what a client sees: 503 or 429 with ``Retry-After``, and never a 500.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

pytest.importorskip("fastapi")
import httpx  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import PlainTextResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from article2.web.limits import Busy, Gate, Limits, RateLimit, ResponseCache, TokenBuckets  # noqa: E402


def test_gate_queues_briefly_then_refuses():
    release = threading.Event()

    def slow():
        release.wait(5)
        return "done"

    async def run():
        gate = Gate("test", slots=1, queue=1, wait=0.2)
        first = asyncio.ensure_future(gate.run(slow))
        await asyncio.sleep(0.05)
        assert gate.running == 1
        second = asyncio.ensure_future(gate.run(slow))  # waits in the queue
        await asyncio.sleep(0.05)
        with pytest.raises(Busy) as full:  # the queue (1) is full: refused at once
            await gate.run(slow)
        assert full.value.status == 503 and full.value.retry_after >= 1
        with pytest.raises(Busy, match="no free slot within 0.2 s"):
            await second
        release.set()
        assert await first == "done"
        assert await gate.run(lambda: 42) == 42  # the slot is free again
        assert gate.waiting == 0 and gate.running == 0

    asyncio.run(run())


def test_time_limit_answers_busy_and_the_result_is_kept():
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.4)
        return b"body"

    async def run():
        cache = ResponseCache(8, gate=Gate("test", 1, 4, 1.0))
        with pytest.raises(Busy, match="still computing"):
            await cache.get("k", slow, timeout=0.1)
        await asyncio.sleep(0.6)  # the computation went on and was stored
        assert await cache.get("k", slow, timeout=0.1) == b"body"
        assert len(calls) == 1

    asyncio.run(run())


def test_cache_is_bounded_in_bytes():
    async def run():
        cache = ResponseCache(100, max_bytes=250)
        for k in "abc":
            await cache.get(k, lambda: b"x" * 100)
        assert len(cache) == 2 and cache.nbytes == 200  # "a" evicted
        await cache.get("big", lambda: b"x" * 1000)  # larger than the budget: not kept
        assert len(cache) == 2
        body = (b"x" * 120, "text/csv", {})
        await cache.get("t", lambda: body)
        assert cache.nbytes == 100 + 120 + len("text/csv")

    asyncio.run(run())


def test_token_buckets():
    now = [0.0]
    buckets = TokenBuckets(rate=2, burst=3, max_clients=2, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == pytest.approx(0.5)  # empty: one token in 1/rate s
    assert buckets.take("b") == 0  # clients are independent
    now[0] = 0.5
    assert buckets.take("a") == 0
    buckets.take("c")  # a third client: the least recently seen ("b") is forgotten
    assert "b" not in buckets._buckets and len(buckets._buckets) == 2


def test_rate_limit_middleware_answers_429_with_retry_after():
    app = Starlette(routes=[Route("/", lambda r: PlainTextResponse("ok"))])
    client = TestClient(RateLimit(app, rate=0.5, burst=2))
    assert [client.get("/").status_code for _ in range(2)] == [200, 200]
    r = client.get("/")
    assert r.status_code == 429 and int(r.headers["retry-after"]) == 2
    assert "at most 0.5 a second" in r.json()["error"]
    assert TestClient(RateLimit(app, rate=0, burst=1)).get("/").status_code == 200  # off


@pytest.mark.parametrize(
    ("env", "value", "words"),
    [("ARTICLE2_WEB_COMPUTE_SLOTS", "0", ">= 1"), ("ARTICLE2_WEB_RATE", "fast", "number"),
     ("ARTICLE2_WEB_TIME_LIMIT", "nan", "number"), ("ARTICLE2_WEB_QUEUE", "1.5", "whole")],
)
def test_limits_from_settings_refuse_bad_values(monkeypatch, env, value, words):
    monkeypatch.setenv(env, value)
    with pytest.raises(ValueError, match=env) as err:
        Limits.from_settings()
    assert words in str(err.value)


def test_limits_from_settings_defaults():
    assert Limits.from_settings() == Limits()


# -- the app under load, with tiny limits ---------------------------------------------------------


@pytest.fixture(scope="module")
def slow_app(real_warehouse):
    """The app with one computation slot, no queue wait, a 0.5 s time limit and one PDF slot."""
    from article2.web import create_app

    limits = Limits(compute_slots=1, pdf_slots=1, queue=1, queue_wait=0.05, time_limit=0.5,
                    rate=0)
    app = create_app(real_warehouse, limits=limits)
    yield app
    app.state.store.close()


def _slow_capability(seconds: float):
    from article2.web import capabilities

    real = capabilities.call

    def call(name, *args, **kwargs):
        if name in ("brief", "recommendations"):
            time.sleep(seconds)
            return b"%PDF-1.4 stand-in" if name == "brief" else {"stand-in": True}
        return real(name, *args, **kwargs)

    return call


async def _gather(app, urls, then: float = 0.0):
    """The answers to ``urls`` requested at once, and, after ``then`` seconds, to ``urls`` again."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        first = await asyncio.gather(*(http.get(u) for u in urls))
        if not then:
            return first
        await asyncio.sleep(then)
        return first + await asyncio.gather(*(http.get(u) for u in urls))


@pytest.mark.snapshot
def test_concurrent_pdf_briefs_queue_then_get_503(slow_app, monkeypatch):
    from article2.web import capabilities

    monkeypatch.setattr(capabilities, "call", _slow_capability(0.3))
    urls = [f"/country/{c}/brief.pdf" for c in ("JPN", "KOR", "AUS", "VNM", "THA", "IDN")]
    answers = asyncio.run(_gather(slow_app, urls))
    codes = sorted(r.status_code for r in answers)
    assert codes.count(200) >= 1 and set(codes) <= {200, 503}, codes
    assert codes.count(503) >= 3  # one renders, one may wait, the rest are refused
    for r in answers:
        if r.status_code == 503:
            # a brief is a page's download: a browser gets the busy page that tries again
            assert int(r.headers["retry-after"]) >= 1 and "busy" in r.text
            assert r.headers["content-type"].startswith("text/html")
            assert r.headers["x-content-type-options"] == "nosniff"  # still the app's answer


@pytest.mark.snapshot
def test_time_limit_then_cached_answer(slow_app, monkeypatch):
    from article2.web import capabilities

    monkeypatch.setattr(capabilities, "call", _slow_capability(1.0))
    url = "/api/country/NZL/capability/recommendations"
    # the computation finishes in its thread and fills the cache while the client waits
    first, second = asyncio.run(_gather(slow_app, [url], then=1.3))
    assert first.status_code == 503 and "still computing" in first.json()["error"]
    assert int(first.headers["retry-after"]) >= 1
    assert second.status_code == 200 and second.json()["result"] == {"stand-in": True}


@pytest.mark.snapshot
def test_rate_limit_in_the_app(real_warehouse):
    from article2.web import create_app

    app = create_app(real_warehouse, limits=Limits(rate=1, burst=3))
    with TestClient(app) as client:
        codes = [client.get("/favicon.ico").status_code for _ in range(5)]
        assert codes[:3] == [204] * 3 and codes[3:] == [429, 429]
        r = client.get("/api/countries")
        assert r.status_code == 429 and r.headers["retry-after"] == "1"
        assert r.headers["content-security-policy"]  # security headers on refusals too
    app.state.store.close()


def test_serve_refuses_a_bad_limit_before_starting(monkeypatch):
    from typer.testing import CliRunner

    from article2.cli import app

    monkeypatch.setenv("ARTICLE2_WEB_PDF_SLOTS", "-2")
    result = CliRunner().invoke(app, ["serve", "--port", "8999"])
    assert result.exit_code == 1
    assert "ARTICLE2_WEB_PDF_SLOTS='-2'" in result.output and "Traceback" not in result.output


@pytest.mark.snapshot
def test_busy_page_in_a_browser_tries_again_by_itself(slow_app, monkeypatch):
    from article2.web import capabilities

    monkeypatch.setattr(capabilities, "call", _slow_capability(1.0))
    transport = httpx.ASGITransport(app=slow_app)

    async def get():
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            return await http.get("/country/FJI", headers={"accept": "text/html"})

    r = asyncio.run(get())
    assert r.status_code == 503 and r.headers["content-type"].startswith("text/html")
    retry = r.headers["retry-after"]
    assert f'<meta http-equiv="refresh" content="{retry}">' in r.text
    time.sleep(1.5)  # let the abandoned computation finish before the next test
