"""The one download layer: every fetcher reaches the network through this module.

What it guarantees:

- **Retries with exponential backoff** on HTTP 429, 500, 502, 503, 504 and on transport
  errors (timeouts, dropped connections, truncated bodies). ``Retry-After`` (seconds,
  fractions too, or an HTTP date) is honoured on 429/503, capped at the ``fetch_max_wait``
  setting. Other 4xx answers fail at once with the server's message.
- **An overall deadline** per request or download (``fetch_deadline``): attempts, waits and
  the body together; a body that drips in slower fails when it is reached.
- **Resumable downloads, never spliced**: a body cut short is kept as a ``.part`` file under
  ``raw/.parts/`` with the validator the server gave for it (a strong ``ETag``, else
  ``Last-Modified``) in ``<name>.part.json``. The next attempt (or the next run) asks for the
  rest with ``Range: bytes=N-`` and ``If-Range: <validator>`` (RFC 9110 13.1.5): a server
  that still has the same file answers ``206`` with a matching ``Content-Range`` and the file
  continues; a changed file comes back whole as ``200`` and the part is discarded. A part
  without a validator, or a ``206`` whose range, length or ETag does not match, is discarded
  and the file restarts from zero.
- **Credentials stay with their origin**: headers that carry a key, token or authorisation
  are sent to the origin of the URL they were given for only, never to a server a redirect
  leads to (another host, port or scheme).
- **Verification**: the body must have the announced ``Content-Length``; when the caller pins
  a SHA-256 the body must match it; non-empty bodies only.
- **Atomic vintages**: a fetch writes every file of a vintage into a hidden staging folder
  ``raw/<source>/.<vintage>.staging-<pid>/``, each file with its origin sidecar
  ``<file>.origin.json`` (an :class:`article2.provenance.Origin` plus ``fetched_at``). Only
  when every file of the vintage is in place is the folder renamed to
  ``raw/<source>/<vintage>/`` (replacing a previous fetch of the same vintage). A failed or
  interrupted fetch therefore never leaves a half vintage in the data home.

Timeouts, retries, backoff base and the longest honoured wait are settings
(:mod:`article2.config`), so tests run against a local server with millisecond backoff.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from article2 import __version__, config, paths
from article2.provenance import Origin, sha256_file

__all__ = [
    "SIDECAR_SUFFIX",
    "FetchError",
    "ProgressCallback",
    "RetryPolicy",
    "Staging",
    "download",
    "fetch_file",
    "get_bytes",
    "json_body",
    "read_sidecar",
    "sha256_bytes",
    "staging",
    "today",
]

SIDECAR_SUFFIX = ".origin.json"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: progress(label, bytes_done, bytes_total_or_None)
ProgressCallback = Callable[[str, int, int | None], None]
USER_AGENT = f"article2/{__version__} (+https://github.com/article2)"


class FetchError(RuntimeError):
    """A download failed for good; the message names the URL and what went wrong."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try.

    Attributes:
        retries: retries after the first attempt.
        backoff: base of the exponential backoff in seconds (waits backoff * 2**attempt).
        timeout: connect/read timeout in seconds.
        max_wait: longest wait honoured from a ``Retry-After`` header, in seconds.
        deadline: longest time one request or download may take in all, in seconds.
    """

    retries: int = 5
    backoff: float = 1.0
    timeout: float = 60.0
    max_wait: float = 300.0
    deadline: float = 3600.0

    @classmethod
    def from_settings(cls) -> RetryPolicy:
        """The policy the settings give (checked: a bad value names its variable)."""
        return cls(
            retries=config.value("fetch_retries"),
            backoff=config.value("fetch_backoff"),
            timeout=config.value("fetch_timeout"),
            max_wait=config.value("fetch_max_wait"),
            deadline=config.value("fetch_deadline"),
        )


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from ``Retry-After``: a number of seconds (RFC 9110 10.2.3 says an
    integer; fractions such as ``1.5`` are taken as meant) or an HTTP date; None when absent
    or unreadable."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - dt.datetime.now(dt.UTC)).total_seconds(), 0.0)


def _wait(policy: RetryPolicy, attempt: int, response: httpx.Response | None) -> float:
    wait = policy.backoff * (2**attempt)
    if response is not None and response.status_code in (429, 503):
        after = _retry_after(response)
        if after is not None:
            wait = after
    return min(wait, policy.max_wait)


def _describe(response: httpx.Response) -> str:
    text = response.text[:300].strip().replace("\n", " ") if response.content else ""
    return f"HTTP {response.status_code} {response.reason_phrase}" + (f": {text}" if text else "")


_SECRET_WORDS = ("key", "token", "secret", "auth", "password", "cookie", "signature")


def _is_secret(header: str) -> bool:
    """Whether a request header carries a credential (``Authorization``, ``Cookie``,
    ``Ocp-Apim-Subscription-Key``, ``X-Api-Key``, ``X-Auth-Token``...)."""
    return any(w in header.lower() for w in _SECRET_WORDS)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or {"http": 80, "https": 443}.get(url.scheme)


def _client(policy: RetryPolicy, headers: Mapping[str, str] | None, url: str) -> httpx.Client:
    """An HTTP client for requests to ``url`` and the redirects it leads to.

    Credential headers are not client defaults (httpx copies every header but
    ``Authorization`` onto a redirect, whatever its origin): a request hook, which httpx runs
    before every hop, sets them when the hop goes to ``url``'s origin and removes them
    otherwise.
    """
    headers = dict(headers or {})
    secret = {k: v for k, v in headers.items() if _is_secret(k)}
    plain = {k: v for k, v in headers.items() if k not in secret}
    home = _origin(httpx.URL(url))

    def credentials_stay_home(request: httpx.Request) -> None:
        for name in secret:
            request.headers.pop(name, None)
        if _origin(request.url) == home:
            request.headers.update(secret)

    return httpx.Client(
        timeout=policy.timeout,
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT, **plain},
        event_hooks={"request": [credentials_stay_home]} if secret else {},
    )


class _Deadline:
    """The overall time left for one request or download."""

    def __init__(self, seconds: float, url: str) -> None:
        self.seconds = seconds
        self.url = url
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def check(self, done: int | None = None) -> None:
        if self.left() <= 0:
            got = f" ({done} bytes received)" if done is not None else ""
            raise FetchError(
                f"gave up: the download took longer than its deadline of {self.seconds:g} s"
                f"{got} (setting fetch_deadline, ARTICLE2_FETCH_DEADLINE)",
                url=self.url,
            )

    def sleep(self, sleep: Callable[[float], None], seconds: float) -> None:
        if seconds >= self.left():  # waiting would pass the deadline: stop now
            raise FetchError(
                f"gave up: waiting {seconds:g} s more before retrying would pass the "
                f"download's deadline of {self.seconds:g} s (setting fetch_deadline, "
                "ARTICLE2_FETCH_DEADLINE)",
                url=self.url,
            )
        sleep(seconds)


def get_bytes(
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> bytes:
    """GET a (small) API response with retries; returns the body exactly as delivered.

    Raises:
        FetchError: a non-retryable HTTP error, retries exhausted, or an empty body.
    """
    policy = policy or RetryPolicy.from_settings()
    deadline = _Deadline(policy.deadline, url)
    last = ""
    with _client(policy, headers, url) as client:
        for attempt in range(policy.retries + 1):
            response = None
            try:
                with client.stream("GET", url, params=params) as response:
                    if response.status_code == 200:
                        body = bytearray()
                        for chunk in response.iter_bytes():
                            body += chunk
                            deadline.check(len(body))
                        if not body:
                            raise FetchError("empty response body", url=str(response.url))
                        return bytes(body)
                    response.read()
                last = _describe(response)
                if response.status_code not in RETRY_STATUS:
                    raise FetchError(last, url=str(response.url))
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
            if attempt < policy.retries:
                deadline.sleep(sleep, _wait(policy, attempt, response))
    raise FetchError(f"gave up after {policy.retries + 1} attempts; last: {last}", url=url)


def _parts_dir(source: str) -> Path:
    return paths.raw_dir() / ".parts" / source


def download(
    url: str,
    dest: Path,
    *,
    source: str,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    sha256: str | None = None,
    policy: RetryPolicy | None = None,
    progress: ProgressCallback | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Stream ``url`` into ``dest`` (resumable, verified, atomic); return the SHA-256.

    The body goes to ``raw/.parts/<source>/<dest.name>.part`` first; it is moved to ``dest``
    only when complete (``Content-Length`` reached) and, if ``sha256`` is given, matching it.

    Raises:
        FetchError: HTTP error, retries exhausted, empty body, or checksum mismatch (the
            partial file is deleted in that case, since resuming it cannot help).
    """
    policy = policy or RetryPolicy.from_settings()
    deadline = _Deadline(policy.deadline, url)
    part = _parts_dir(source) / f"{dest.name}.part"
    part.parent.mkdir(parents=True, exist_ok=True)
    last = ""
    with _client(policy, headers, url) as client:
        for attempt in range(policy.retries + 1):
            response = None
            deadline.check()
            have, validator = _resumable(part, url)
            # identity encoding: byte offsets for Range are those of the file as delivered
            req_headers = {"Accept-Encoding": "identity"}
            if have and validator:  # a part is kept only with its validator
                req_headers["Range"] = f"bytes={have}-"
                req_headers["If-Range"] = validator
            try:
                with client.stream("GET", url, params=params, headers=req_headers) as response:
                    if response.status_code == 416 and have:  # nothing left to send
                        _discard(part)
                        last = "HTTP 416 on resume; restarting"
                        continue
                    if response.status_code not in (200, 206):
                        response.read()
                        last = _describe(response)
                        if response.status_code not in RETRY_STATUS:
                            raise FetchError(last, url=str(response.url))
                    elif response.status_code == 206 and not _continues(response, have, part):
                        _discard(part)  # a range of some other file, or not the one asked
                        last = "HTTP 206 that does not continue the partial file; restarting"
                        continue
                    else:
                        resumed = response.status_code == 206
                        if not resumed:  # 200: the whole (maybe changed) file from byte 0
                            _discard(part)
                            _remember(part, url, response)
                        done = have if resumed else 0
                        length = response.headers.get("Content-Length")
                        total = done + int(length) if length and length.isdigit() else None
                        with open(part, "ab" if resumed else "wb") as fh:
                            for chunk in response.iter_raw():
                                fh.write(chunk)
                                done += len(chunk)
                                deadline.check(done)
                                if progress:
                                    progress(dest.name, done, total)
                        if total is not None and done < total:
                            last = f"truncated body: {done} of {total} bytes"
                        elif done == 0:
                            _discard(part)
                            raise FetchError("empty response body", url=str(response.url))
                        else:
                            digest = _finish(part, dest, sha256, str(response.url))
                            _discard(part)
                            return digest
            except httpx.TransportError as exc:
                # includes a body shorter than Content-Length (RemoteProtocolError)
                last = f"{type(exc).__name__}: {exc}"
            if attempt < policy.retries:
                deadline.sleep(sleep, _wait(policy, attempt, response))
    raise FetchError(
        f"gave up after {policy.retries + 1} attempts; last: {last} "
        f"(partial download kept in {part}; the next fetch resumes it if the server shows "
        "it is the same file)",
        url=url,
    )


def _meta(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def _discard(part: Path) -> None:
    part.unlink(missing_ok=True)
    _meta(part).unlink(missing_ok=True)


def _validator(response: httpx.Response) -> str | None:
    """The validator to resume with: a strong ETag, else Last-Modified (a weak ETag cannot
    be used with If-Range, RFC 9110 13.1.5)."""
    etag = response.headers.get("ETag", "").strip()
    if etag and not etag.startswith("W/"):
        return etag
    return response.headers.get("Last-Modified", "").strip() or None


def _remember(part: Path, url: str, response: httpx.Response) -> None:
    """Record what identifies the file being written to ``part`` (for a later resume)."""
    length = response.headers.get("Content-Length", "")
    meta = {
        "url": url,
        "validator": _validator(response),
        "etag": response.headers.get("ETag"),
        "length": int(length) if length.isdigit() else None,
    }
    _meta(part).write_text(json.dumps(meta), encoding="utf-8")


def _resumable(part: Path, url: str) -> tuple[int, str | None]:
    """(bytes to resume from, If-Range validator); (0, None) after discarding a part that
    cannot be resumed safely (no validator, another URL, unreadable record)."""
    if not part.exists():
        _meta(part).unlink(missing_ok=True)
        return 0, None
    try:
        meta = json.loads(_meta(part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    have = part.stat().st_size
    if not have or not meta.get("validator") or meta.get("url") != url:
        _discard(part)
        return 0, None
    return have, str(meta["validator"])


def _continues(response: httpx.Response, have: int, part: Path) -> bool:
    """Whether a 206 answer is the rest of the file in ``part``: it starts at ``have``, has
    the recorded total length and (when both are known) the recorded ETag."""
    if not have or _range_start(response) != have:
        return False
    try:
        meta = json.loads(_meta(part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    total = response.headers.get("Content-Range", "").rpartition("/")[2]
    if meta.get("length") is not None and total.isdigit() and int(total) != meta["length"]:
        return False
    etag = response.headers.get("ETag")
    return not (etag and meta.get("etag") and etag != meta["etag"])


def _range_start(response: httpx.Response) -> int | None:
    value = response.headers.get("Content-Range", "")  # "bytes 100-199/200"
    try:
        return int(value.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return None


def _finish(part: Path, dest: Path, sha256: str | None, url: str) -> str:
    actual = sha256_file(part)
    if sha256 and actual != sha256.lower():
        _discard(part)
        raise FetchError(
            f"SHA-256 mismatch: expected {sha256}, downloaded file has {actual}; "
            "nothing was written to the data home",
            url=url,
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(part), str(dest))
    return actual


def read_sidecar(path: Path) -> tuple[Origin, dict[str, Any]]:
    """Origin and extra fields (``fetched_at``, ``source``) from a ``.origin.json`` sidecar.

    Raises:
        ValueError: naming the sidecar when it is not valid JSON or lacks required keys.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: unreadable origin sidecar ({exc})") from exc
    fields = set(Origin.__dataclass_fields__)
    missing = [
        k
        for k in ("source_id", "dataset", "title", "producer", "license", "sha256")
        if k not in data
    ]
    if missing:
        raise ValueError(f"{path}: origin sidecar lacks {', '.join(missing)}")
    origin = Origin(
        **{k: v for k, v in data.items() if k in fields and k != "columns"},
        columns=tuple(data.get("columns") or ()),
    )
    extra = {k: v for k, v in data.items() if k not in fields}
    return origin, extra


@dataclass
class Staging:
    """A vintage being fetched: files land in ``folder`` and become visible on commit."""

    source: str
    vintage: str
    folder: Path
    final: Path
    fetched_at: str

    def path(self, name: str) -> Path:
        return self.folder / name

    def record(self, file: Path, origin: Origin, **extra: Any) -> Origin:
        """Write the origin sidecar of ``file`` (source_id, vintage, checksum, time filled in)."""
        rel = f"raw/{self.source}/{self.vintage}/{file.relative_to(self.folder).as_posix()}"
        origin = replace(
            origin,
            source_id=rel,
            vintage=self.vintage,
            sha256=sha256_file(file),
            retrieved=self.fetched_at,
        )
        data = {**origin.to_dict(), "fetched_at": self.fetched_at, "source": self.source, **extra}
        sidecar = file.with_name(file.name + SIDECAR_SUFFIX)
        tmp = sidecar.with_name(sidecar.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, sidecar)
        return origin

    def write_bytes(self, name: str, body: bytes, origin: Origin, **extra: Any) -> Path:
        """Store an API response as delivered, with its sidecar."""
        file = self.path(name)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(body)
        self.record(file, origin, **extra)
        return file


@contextlib.contextmanager
def staging(source: str, vintage: str) -> Iterator[Staging]:
    """Stage a vintage of ``source``; on success it replaces ``raw/<source>/<vintage>/``.

    On any error the staging folder is removed and the data home is as it was.
    """
    if not vintage or "/" in vintage or vintage.startswith("."):
        raise ValueError(f"invalid vintage {vintage!r} (a folder name, e.g. 2025-06 or V202501)")
    root = paths.raw_dir() / source
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f".{vintage}.staging-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    final = root / vintage
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    try:
        yield Staging(source, vintage, folder, final, now)
        if not any(folder.iterdir()):
            raise FetchError("the fetch produced no files", url=source)
        old = root / f".{vintage}.old-{os.getpid()}"
        if final.exists():
            os.replace(final, old)
        os.replace(folder, final)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def fetch_file(
    source: str,
    vintage: str,
    url: str,
    name: str,
    origin: Origin,
    check: Callable[[Path, str], Any],
    errors: tuple[type[Exception], ...],
    *,
    sha256: str | None = None,
    policy: RetryPolicy | None = None,
    progress: ProgressCallback | None = None,
) -> list[Path]:
    """Fetch one file as vintage ``vintage`` of ``source``: download ``url`` to ``name``, check
    that it reads (``check(path, name)``; any of ``errors`` becomes a :class:`FetchError` and
    nothing is kept), record ``origin`` (with ``url``) in its sidecar; return its final path."""
    with staging(source, vintage) as stage:
        path = stage.path(name)
        download(url, path, source=source, sha256=sha256, policy=policy, progress=progress)
        try:
            check(path, name)
        except errors as exc:
            raise FetchError(str(exc), url=url) from exc
        stage.record(path, Origin(**{**origin.to_dict(), "url": url, "columns": ()}))
    return [stage.final / name]


def json_body(body: bytes, url: str) -> Any:
    """Parse a JSON API response, or raise :class:`FetchError` quoting its start."""
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        start = body[:120].decode("utf-8", "replace")
        raise FetchError(
            f"malformed JSON response ({exc}); body starts {start!r}", url=url
        ) from exc


def sha256_bytes(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def today() -> str:
    """Default vintage of an API source that serves its latest data: the UTC date."""
    return dt.datetime.now(dt.UTC).date().isoformat()
