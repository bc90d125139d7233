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

    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        rng = request.headers.get("Range")
        if not rng or request.headers.get("If-Range") != '"v1"':
            r = _truncated(BODY, cut)
            r.headers["ETag"] = '"v1"'
            return r
        start = int(rng.split("=")[1].rstrip("-"))
        r = Response(BODY[start:], 206)
        r.headers["Content-Range"] = f"bytes {start}-{len(BODY) - 1}/{len(BODY)}"
        r.headers["ETag"] = '"v1"'
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
    assert seen[1].headers["Range"] == f"bytes={cut}-" and seen[1].headers["If-Range"] == '"v1"'


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


# ------------------------------------------------------------------ resume only the same file

NEW = bytes(reversed(BODY))  # the file as changed on the server: same length, other bytes


def _changing_server(httpserver, *, validator: str | None, honours_if_range: bool):
    """First answer: BODY cut short (with ``validator``); then the file changes to NEW (new
    validator). A server honouring If-Range answers 200 with NEW; one that does not answers
    206 with NEW's bytes from the requested offset."""
    seen: list[Request] = []

    def stamp(r: Response, version: str) -> Response:
        if validator == "etag":
            r.headers["ETag"] = f'"{version}"'
        elif validator == "last-modified":
            r.headers["Last-Modified"] = (
                "Mon, 02 Jun 2025 10:00:00 GMT" if version == "v1" else "Tue, 03 Jun 2025 10:00:00 GMT"
            )
        return r

    def handler(request: Request) -> Response:
        seen.append(request)
        if len(seen) == 1:
            return stamp(_truncated(BODY, 40_000), "v1")
        rng = request.headers.get("Range")
        if rng and not honours_if_range:
            start = int(rng.split("=")[1].rstrip("-"))
            r = Response(NEW[start:], 206)
            r.headers["Content-Range"] = f"bytes {start}-{len(NEW) - 1}/{len(NEW)}"
            return stamp(r, "v2")
        return stamp(Response(NEW), "v2")

    httpserver.expect_request("/f.zip").respond_with_handler(handler)
    return seen


@pytest.mark.parametrize("validator", ["etag", "last-modified"])
def test_changed_file_is_not_spliced_onto_a_part(httpserver, tmp_path, validator):
    seen = _changing_server(httpserver, validator=validator, honours_if_range=True)
    dest = tmp_path / "f.zip"
    dl.download(httpserver.url_for("/f.zip"), dest, source="t", policy=FAST, sleep=Sleeps())
    assert dest.read_bytes() == NEW  # the whole new file, not BODY[:40000] + NEW[40000:]
    assert seen[1].headers.get("If-Range") and seen[1].headers.get("Range") == "bytes=40000-"


def test_206_of_a_changed_file_is_refused_and_restarts(httpserver, tmp_path):
    """A server that ignores If-Range sends a range of the new file with a new ETag: the
    splice is refused and the download restarts from byte 0."""
    seen = _changing_server(httpserver, validator="etag", honours_if_range=False)
    dest = tmp_path / "f.zip"
    dl.download(httpserver.url_for("/f.zip"), dest, source="t", policy=FAST, sleep=Sleeps())
    assert dest.read_bytes() == NEW
    assert "Range" in seen[1].headers and "Range" not in seen[2].headers


def test_part_without_validator_restarts_from_zero(httpserver, tmp_path):
    seen = _changing_server(httpserver, validator=None, honours_if_range=False)
    dest = tmp_path / "f.zip"
    dl.download(httpserver.url_for("/f.zip"), dest, source="t", policy=FAST, sleep=Sleeps())
    assert dest.read_bytes() == NEW
    assert all("Range" not in r.headers for r in seen)


def test_stale_part_from_an_earlier_run_is_not_resumed_without_proof(httpserver, tmp_path):
    part = paths.raw_dir() / ".parts" / "t" / "f.zip.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"OLD BYTES FROM ANOTHER FILE")  # no record of what it was
    h = sequence(Response(BODY))
    httpserver.expect_request("/f.zip").respond_with_handler(h)
    dest = tmp_path / "f.zip"
    dl.download(httpserver.url_for("/f.zip"), dest, source="t", policy=FAST, sleep=Sleeps(),
                sha256=hashlib.sha256(BODY).hexdigest())
    assert dest.read_bytes() == BODY and "Range" not in h.seen[0].headers


# ------------------------------------------------------------------ deadline and Retry-After


def test_dripping_body_fails_at_the_overall_deadline(httpserver, tmp_path):
    import time

    def drip():
        for _ in range(200):
            time.sleep(0.05)
            yield b"x"

    def handler(request: Request) -> Response:
        r = Response(drip(), headers={"Content-Length": "200"})
        r.direct_passthrough = True
        return r

    httpserver.expect_request("/slow").respond_with_handler(handler)
    policy = dl.RetryPolicy(retries=3, backoff=0.01, timeout=5, max_wait=30, deadline=1.0)
    t0 = time.monotonic()
    with pytest.raises(dl.FetchError, match="deadline of 1 s"):
        dl.download(httpserver.url_for("/slow"), tmp_path / "s", source="t", policy=policy,
                    sleep=Sleeps())
    assert time.monotonic() - t0 < 3  # each byte came well within the 5 s read timeout
    t0 = time.monotonic()
    with pytest.raises(dl.FetchError, match="deadline of 1 s"):
        dl.get_bytes(httpserver.url_for("/slow"), policy=policy, sleep=Sleeps())
    assert time.monotonic() - t0 < 3


def test_wait_that_would_pass_the_deadline_gives_up_at_once(httpserver):
    h = sequence(Response("", 503, headers={"Retry-After": "20"}), Response(b"ok"))
    httpserver.expect_request("/x").respond_with_handler(h)
    policy = dl.RetryPolicy(retries=3, backoff=0.01, timeout=5, max_wait=30, deadline=5)
    sleeps = Sleeps()
    with pytest.raises(dl.FetchError, match="deadline"):
        dl.get_bytes(httpserver.url_for("/x"), policy=policy, sleep=sleeps)
    assert sleeps == [] and len(h.seen) == 1


@pytest.mark.parametrize(("value", "expected"), [("1.5", 1.5), ("0.25", 0.25), ("3", 3.0),
                                                  ("-1", None), ("soon", None)])
def test_retry_after_seconds_with_fractions(httpserver, value, expected):
    h = sequence(Response("", 429, headers={"Retry-After": value}), Response(b"ok"))
    httpserver.expect_request("/x").respond_with_handler(h)
    sleeps = Sleeps()
    assert dl.get_bytes(httpserver.url_for("/x"), policy=FAST, sleep=sleeps) == b"ok"
    assert sleeps == [expected if expected is not None else FAST.backoff]


def test_retry_after_http_date_in_the_near_future(httpserver):
    import datetime as dt
    import email.utils

    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=12)
    h = sequence(Response("", 503, headers={"Retry-After": email.utils.format_datetime(
        when, usegmt=True)}), Response(b"ok"))
    httpserver.expect_request("/x").respond_with_handler(h)
    sleeps = Sleeps()
    dl.get_bytes(httpserver.url_for("/x"), policy=FAST, sleep=sleeps)
    assert 9 <= sleeps[0] <= 12


# ------------------------------------------------------------------ credentials and redirects


@pytest.mark.parametrize("header", ["Ocp-Apim-Subscription-Key", "Authorization", "X-Api-Key"])
def test_credentials_are_not_sent_to_another_origin(httpserver, header, tmp_path):
    """A redirect to another port (another origin) gets no credential header; a redirect on
    the same origin keeps it (the key is needed there)."""
    from pytest_httpserver import HTTPServer

    other = HTTPServer(host="localhost", port=0)
    other.start()
    try:
        other.expect_request("/land").respond_with_data(b"landed")
        httpserver.expect_request("/start").respond_with_response(
            Response("", 302, headers={"Location": other.url_for("/land")}))
        httpserver.expect_request("/same").respond_with_response(
            Response("", 302, headers={"Location": httpserver.url_for("/data")}))
        httpserver.expect_request("/data").respond_with_data(b"data")
        secret = {header: "s3cret"}
        assert dl.get_bytes(httpserver.url_for("/start"), headers=secret, policy=FAST) == b"landed"
        assert dl.download(httpserver.url_for("/start"), tmp_path / "f", source="t",
                           headers=secret, policy=FAST, sleep=Sleeps())
        assert dl.get_bytes(httpserver.url_for("/same"), headers=secret, policy=FAST) == b"data"
        landed = [req for req, _ in other.log]
        assert len(landed) == 2
        assert all(header not in req.headers for req in landed)
        assert all("s3cret" not in str(req.headers) for req in landed)
        home = [req for req, _ in httpserver.log]
        assert all(req.headers.get(header) == "s3cret" for req in home)
    finally:
        other.clear()
        other.stop()


def test_comtrade_key_does_not_follow_a_redirect_to_another_origin(httpserver, monkeypatch):
    """The Comtrade fetcher, keyed, against an API that redirects elsewhere: the other server
    sees the request without the subscription key (and the fetch fails on its 404)."""
    from pytest_httpserver import HTTPServer

    from article2.sources import comtrade_api

    other = HTTPServer(host="localhost", port=0)
    other.start()
    try:
        other.expect_request("/elsewhere").respond_with_data("no", status=404)
        httpserver.expect_request("/data/v1/get/C/A/HS").respond_with_response(
            Response("", 307, headers={"Location": other.url_for("/elsewhere")}))
        monkeypatch.setenv("ARTICLE2_COMTRADE_URL", httpserver.url_for("/data/v1/get"))
        monkeypatch.setenv("ARTICLE2_COMTRADE_KEY", "secret-key-123")
        with pytest.raises(dl.FetchError, match="404"):
            comtrade_api.fetch(reporters=[842], years=[2022], policy=FAST)
        (req, _), = other.log
        assert "Ocp-Apim-Subscription-Key" not in req.headers
        assert "secret-key-123" not in str(req.headers) + req.url
        (home, _), = httpserver.log
        assert home.headers["Ocp-Apim-Subscription-Key"] == "secret-key-123"
    finally:
        other.clear()
        other.stop()
