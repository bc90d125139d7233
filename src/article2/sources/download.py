"""The one download layer: every fetcher reaches the network through this module.

What it guarantees:

- **Retries with exponential backoff** on HTTP 429, 500, 502, 503, 504 and on transport
  errors (timeouts, dropped connections, truncated bodies). ``Retry-After`` (seconds or an
  HTTP date) is honoured on 429/503, capped at the ``fetch_max_wait`` setting. Other 4xx
  answers fail at once with the server's message.
- **Resumable downloads**: a body cut short is kept as a ``.part`` file under
  ``raw/.parts/`` and the next attempt (or the next run) asks for the rest with
  ``Range: bytes=N-``; a server that answers ``206`` with a matching ``Content-Range``
  continues the file, any other answer restarts it.
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
    """

    retries: int = 5
    backoff: float = 1.0
    timeout: float = 60.0
    max_wait: float = 300.0

    @classmethod
    def from_settings(cls) -> RetryPolicy:
        """The policy the settings give (checked: a bad value names its variable)."""
        return cls(
            retries=config.value("fetch_retries"),
            backoff=config.value("fetch_backoff"),
            timeout=config.value("fetch_timeout"),
            max_wait=config.value("fetch_max_wait"),
        )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
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


def _client(policy: RetryPolicy, headers: Mapping[str, str] | None) -> httpx.Client:
    return httpx.Client(
        timeout=policy.timeout,
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
    )


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
    last = ""
    with _client(policy, headers) as client:
        for attempt in range(policy.retries + 1):
            response = None
            try:
                response = client.get(url, params=params)
                if response.status_code == 200:
                    if not response.content:
                        raise FetchError("empty response body", url=str(response.url))
                    return response.content
                last = _describe(response)
                if response.status_code not in RETRY_STATUS:
                    raise FetchError(last, url=str(response.url))
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
            if attempt < policy.retries:
                sleep(_wait(policy, attempt, response))
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
    part = _parts_dir(source) / f"{dest.name}.part"
    part.parent.mkdir(parents=True, exist_ok=True)
    last = ""
    with _client(policy, headers) as client:
        for attempt in range(policy.retries + 1):
            response = None
            have = part.stat().st_size if part.exists() else 0
            # identity encoding: byte offsets for Range are those of the file as delivered
            req_headers = {"Accept-Encoding": "identity"}
            if have:
                req_headers["Range"] = f"bytes={have}-"
            try:
                with client.stream("GET", url, params=params, headers=req_headers) as response:
                    if response.status_code == 416 and have:  # nothing left to send
                        part.unlink()
                        last = "HTTP 416 on resume; restarting"
                        continue
                    if response.status_code not in (200, 206):
                        response.read()
                        last = _describe(response)
                        if response.status_code not in RETRY_STATUS:
                            raise FetchError(last, url=str(response.url))
                    else:
                        resumed = response.status_code == 206 and _range_start(response) == have
                        mode = "ab" if resumed else "wb"
                        done = have if resumed else 0
                        length = response.headers.get("Content-Length")
                        total = done + int(length) if length and length.isdigit() else None
                        with open(part, mode) as fh:
                            for chunk in response.iter_raw():
                                fh.write(chunk)
                                done += len(chunk)
                                if progress:
                                    progress(dest.name, done, total)
                        if total is not None and done < total:
                            last = f"truncated body: {done} of {total} bytes"
                        elif done == 0:
                            part.unlink(missing_ok=True)
                            raise FetchError("empty response body", url=str(response.url))
                        else:
                            return _finish(part, dest, sha256, str(response.url))
            except httpx.TransportError as exc:
                # includes a body shorter than Content-Length (RemoteProtocolError)
                last = f"{type(exc).__name__}: {exc}"
            if attempt < policy.retries:
                sleep(_wait(policy, attempt, response))
    raise FetchError(
        f"gave up after {policy.retries + 1} attempts; last: {last} "
        f"(partial download kept in {part}; the next fetch resumes it)",
        url=url,
    )


def _range_start(response: httpx.Response) -> int | None:
    value = response.headers.get("Content-Range", "")  # "bytes 100-199/200"
    try:
        return int(value.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return None


def _finish(part: Path, dest: Path, sha256: str | None, url: str) -> str:
    actual = sha256_file(part)
    if sha256 and actual != sha256.lower():
        part.unlink(missing_ok=True)
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
