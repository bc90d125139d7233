"""The download layer against a local HTTP server: retries, Retry-After, resume, checksums.

No tolerance: bytes must match exactly. Waits are recorded by an injected ``sleep`` so the
tests check the waiting policy without waiting.
"""

from __future__ import annotations

import hashlib

import pytest
from werkzeug import Request, Response

from article2 import paths
from article2.sources import download as dl

pytestmark = pytest.mark.network

FAST = dl.RetryPolicy(retries=3, backoff=0.01, timeout=5, max_wait=30)
BODY = bytes(range(256)) * 400  # 102,400 bytes


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def sequence(*responses: Response):
    """A handler answering the given responses in turn (the last one repeats)."""
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1]

    handler.seen = seen  # type: ignore[attr-defined]
    return handler


def test_429_honours_retry_after(httpserver):
    h = sequence(Response("slow down", 429, headers={"Retry-After": "7"}), Response(b"ok"))
    httpserver.expect_request("/x").respond_with_handler(h)
    sleeps = Sleeps()
    assert dl.get_bytes(httpserver.url_for("/x"), policy=FAST, sleep=sleeps) == b"ok"
    assert sleeps == [7.0] and len(h.seen) == 2


def test_retry_after_http_date_and_cap(httpserver):
    h = sequence(
        Response("", 503, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}),
        Response(b"ok"),
    )
    httpserver.expect_request("/x").respond_with_handler(h)
    sleeps = Sleeps()
    assert dl.get_bytes(httpserver.url_for("/x"), policy=FAST, sleep=sleeps) == b"ok"
    assert sleeps == [FAST.max_wait]


def test_500_then_success_backs_off_exponentially(httpserver):
    h = sequence(Response("boom", 500), Response("boom", 502), Response(b"fine"))
    httpserver.expect_request("/x").respond_with_handler(h)
    sleeps = Sleeps()
    assert dl.get_bytes(httpserver.url_for("/x"), policy=FAST, sleep=sleeps) == b"fine"
    assert sleeps == pytest.approx([0.01, 0.02])


def test_gives_up_with_the_last_error(httpserver):
    httpserver.expect_request("/x").respond_with_data("maintenance", status=503)
    with pytest.raises(dl.FetchError, match=r"gave up after 4 attempts.*HTTP 503"):
        dl.get_bytes(httpserver.url_for("/x"), policy=FAST, sleep=Sleeps())


def test_client_error_fails_at_once_with_server_message(httpserver):
    h = sequence(Response("no such indicator", 404))
    httpserver.expect_request("/x").respond_with_handler(h)
    with pytest.raises(dl.FetchError, match="HTTP 404.*no such indicator"):
        dl.get_bytes(httpserver.url_for("/x"), policy=FAST, sleep=Sleeps())
    assert len(h.seen) == 1


def test_empty_body_is_an_error(httpserver):
    httpserver.expect_request("/x").respond_with_data(b"")
    with pytest.raises(dl.FetchError, match="empty response body"):
        dl.get_bytes(httpserver.url_for("/x"), policy=FAST, sleep=Sleeps())


def _truncated(body: bytes, cut: int) -> Response:
    r = Response(body[:cut])
    r.headers["Content-Length"] = str(len(body))
    r.direct_passthrough = True
    return r


def test_truncated_download_resumes_with_range(httpserver, tmp_path):
    cut = 40_000

    def handler(request: Request) -> Response:
        rng = request.headers.get("Range")
        if not rng:
            return _truncated(BODY, cut)
        start = int(rng.split("=")[1].rstrip("-"))
        r = Response(BODY[start:], 206)
        r.headers["Content-Range"] = f"bytes {start}-{len(BODY) - 1}/{len(BODY)}"
        return r

    httpserver.expect_request("/f.zip").respond_with_handler(handler)
    dest = tmp_path / "f.zip"
    digest = dl.download(
        httpserver.url_for("/f.zip"),
        dest,
        source="t",
        policy=FAST,
        sleep=Sleeps(),
        sha256=hashlib.sha256(BODY).hexdigest(),
    )
    assert dest.read_bytes() == BODY and digest == hashlib.sha256(BODY).hexdigest()
    assert not list((paths.raw_dir() / ".parts" / "t").iterdir())


def test_truncated_download_that_never_completes_writes_nothing(httpserver, tmp_path):
    httpserver.expect_request("/f.zip").respond_with_handler(lambda r: _truncated(BODY, 1000))
    dest = tmp_path / "f.zip"
    with pytest.raises(dl.FetchError, match="partial download kept"):
        dl.download(httpserver.url_for("/f.zip"), dest, source="t", policy=FAST, sleep=Sleeps())
    assert not dest.exists()


def test_changed_checksum_is_refused_and_nothing_is_written(httpserver, tmp_path):
    httpserver.expect_request("/f.zip").respond_with_data(BODY)
    dest = tmp_path / "f.zip"
    with pytest.raises(dl.FetchError, match="SHA-256 mismatch"):
        dl.download(
            httpserver.url_for("/f.zip"),
            dest,
            source="t",
            policy=FAST,
            sleep=Sleeps(),
            sha256="0" * 64,
        )
    assert not dest.exists()
    assert not list((paths.raw_dir() / ".parts" / "t").iterdir())


def test_failed_staging_keeps_the_previous_vintage(tmp_path):
    origin = dl.Origin("x", "x", "t", "p", "CC0", "")
    with dl.staging("demo", "v1") as st:
        st.write_bytes("a.txt", b"first", origin)
    with pytest.raises(RuntimeError), dl.staging("demo", "v1") as st:
        st.write_bytes("a.txt", b"second", origin)
        raise RuntimeError("network died")
    root = paths.raw_dir() / "demo"
    assert (root / "v1" / "a.txt").read_bytes() == b"first"
    assert [p.name for p in root.iterdir()] == ["v1"]
    sidecar, _ = dl.read_sidecar(root / "v1" / "a.txt.origin.json")
    assert sidecar.sha256 == hashlib.sha256(b"first").hexdigest()
    assert sidecar.source_id == "raw/demo/v1/a.txt" and sidecar.vintage == "v1"
