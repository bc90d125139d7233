"""Print an HTML page to PDF in headless Chromium, with the page unable to reach anything.

A brief carries text from public sources, which are untrusted. The page is therefore handed
to Chromium as a string over the DevTools protocol (``--remote-debugging-pipe``, messages on
file descriptors 3 and 4): it is never written to disk and never opened from a ``file://``
URL. In the tab that prints it:

* JavaScript is off (``Emulation.setScriptExecutionDisabled`` and the Blink setting
  ``scriptEnabled=false``); the charts are SVG drawn before the page is printed.
* Every network request is blocked (``Network.setBlockedURLs`` with ``*``); the page's
  document is ``about:blank``, whose origin may not load ``file://`` resources either.
* The page's own Content-Security-Policy (``default-src 'none'``) forbids frames, objects,
  images from URLs, fonts, scripts and forms.

Chromium's own sandbox is used when the process is not root. As root (containers) Chromium
refuses to start without ``--no-sandbox``; the controls above and a throw-away profile in a
private temporary folder are then what keep a hostile page from the machine.

Work is bounded: one browser is started on first use and reused; at most
:data:`MAX_CONCURRENT` pages print at once (a caller waits up to :data:`QUEUE_SECONDS` for a
slot, then gets :class:`PdfBusyError`); a page that has not printed after
:data:`TIMEOUT_SECONDS` gets :class:`PdfTimeoutError`, and the browser is killed and started
afresh on the next request.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

__all__ = [
    "MAX_CONCURRENT",
    "QUEUE_SECONDS",
    "TIMEOUT_SECONDS",
    "PdfBusyError",
    "PdfError",
    "PdfTimeoutError",
    "chromium",
    "print_pdf",
]

log = logging.getLogger(__name__)

#: pages printed at the same time (each tab of a brief needs ~100 MB in the shared browser)
MAX_CONCURRENT = 2
#: how long a request waits for a free slot before :class:`PdfBusyError`
QUEUE_SECONDS = 20.0
#: hard limit for one page, from the slot being granted to the PDF bytes
TIMEOUT_SECONDS = 60.0
#: hard limit for the browser to start and answer its first command
START_SECONDS = 30.0


class PdfError(RuntimeError):
    """Chromium could not print the page."""


class PdfBusyError(PdfError):
    """All PDF slots are taken; try again shortly."""


class PdfTimeoutError(PdfError):
    """The page did not print within :data:`TIMEOUT_SECONDS`."""


def chromium() -> str | None:
    """Path of a Chromium executable, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


_FLAGS = (
    "--headless",
    "--remote-debugging-pipe",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-translate",
    "--disable-dev-shm-usage",
    "--blink-settings=scriptEnabled=false",
    "--mute-audio",
)


class _Browser:
    """One headless Chromium driven over its DevTools pipe; calls from many threads."""

    def __init__(self, exe: str, *, sandbox: bool) -> None:
        self.profile = tempfile.mkdtemp(prefix="article2-chromium-")
        to_child, self._w = os.pipe()
        self._r, from_child = os.pipe()
        cmd = [exe, *_FLAGS, f"--user-data-dir={self.profile}"]
        if not sandbox:
            cmd.append("--no-sandbox")
        cmd.append("about:blank")

        def wire() -> None:  # in the child: the pipe ends become fds 3 (in) and 4 (out)
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            cmd,
            pass_fds=(3, 4),
            preexec_fn=wire,  # noqa: PLW1509 - only dup2 before exec
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(to_child)
        os.close(from_child)
        self._lock = threading.Lock()
        self._pending: dict[int, Future] = {}
        self._next = 0
        self.dead = False
        self.owner = os.getpid()  # a forked child must not share this browser's pipe
        threading.Thread(target=self._read, name="article2-chromium", daemon=True).start()
        try:
            self.call("Browser.getVersion", timeout=START_SECONDS)
        except PdfError as exc:
            self.close()
            raise PdfError(f"Chromium did not start ({exe}): {exc}") from exc

    def _read(self) -> None:
        buf = b""
        try:
            while True:
                chunk = os.read(self._r, 1 << 20)
                if not chunk:
                    break
                buf += chunk
                while b"\0" in buf:
                    raw, buf = buf.split(b"\0", 1)
                    msg = json.loads(raw)
                    fut = self._pending.pop(msg.get("id", -1), None) if "id" in msg else None
                    if fut is None:
                        continue  # an event: none is needed
                    if "error" in msg:
                        fut.set_exception(PdfError(f"Chromium: {msg['error'].get('message')}"))
                    else:
                        fut.set_result(msg.get("result", {}))
        except (OSError, ValueError):
            pass
        with contextlib.suppress(OSError):
            os.close(self._r)
        self.dead = True
        for fut in list(self._pending.values()):
            if not fut.done():
                fut.set_exception(PdfError("Chromium exited while printing"))
        self._pending.clear()

    def call(
        self, method: str, params: dict | None = None, session: str | None = None, *, timeout: float
    ) -> dict[str, Any]:
        if self.dead:
            raise PdfError("Chromium is not running")
        fut: Future = Future()
        with self._lock:
            self._next += 1
            ident = self._next
            self._pending[ident] = fut
            msg: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
            if session:
                msg["sessionId"] = session
            data = json.dumps(msg).encode() + b"\0"
            try:
                while data:
                    data = data[os.write(self._w, data) :]
            except OSError as exc:
                self._pending.pop(ident, None)
                raise PdfError(f"Chromium is not reachable: {exc}") from exc
        try:
            return fut.result(timeout=max(timeout, 0.001))
        except FutureTimeout:
            self._pending.pop(ident, None)
            raise PdfTimeoutError(f"Chromium did not answer {method} in time") from None

    def close(self) -> None:
        self.dead = True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, 9)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        with contextlib.suppress(OSError):
            os.close(self._w)  # the reader closes its end when Chromium's side is gone
        shutil.rmtree(self.profile, ignore_errors=True)


_slots = threading.BoundedSemaphore(MAX_CONCURRENT)
_start_lock = threading.Lock()
_browser: _Browser | None = None


def _get_browser(exe: str) -> _Browser:
    global _browser
    with _start_lock:
        if _browser is not None and _browser.owner != os.getpid():
            _browser = None  # inherited through fork: the parent's, leave it alone
        if _browser is None or _browser.dead or _browser.proc.poll() is not None:
            if _browser is not None:
                _browser.close()
            if os.geteuid() == 0:  # Chromium refuses to run as root inside its sandbox
                _browser = _Browser(exe, sandbox=False)
            else:
                try:
                    _browser = _Browser(exe, sandbox=True)
                except PdfError:  # no user namespaces nor setuid helper on this platform
                    log.warning("Chromium's sandbox is unavailable here; printing without it")
                    _browser = _Browser(exe, sandbox=False)
        return _browser


def _discard(browser: _Browser) -> None:
    global _browser
    with _start_lock:
        browser.close()
        if _browser is browser:
            _browser = None


@atexit.register
def _shutdown() -> None:
    if _browser is not None and _browser.owner == os.getpid():
        _browser.close()


def print_pdf(
    html: str, *, exe: str, timeout: float | None = None, queue: float | None = None
) -> bytes:
    """The PDF of the page ``html`` (A4 or the page's CSS ``@page`` size).

    Raises:
        PdfBusyError: :data:`MAX_CONCURRENT` pages are printing and none finished in ``queue``
            seconds (default :data:`QUEUE_SECONDS`).
        PdfTimeoutError: the page took longer than ``timeout`` seconds
            (default :data:`TIMEOUT_SECONDS`).
        PdfError: Chromium failed.
    """
    import time

    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    queue = QUEUE_SECONDS if queue is None else queue
    if not _slots.acquire(timeout=queue):
        raise PdfBusyError(
            f"{MAX_CONCURRENT} PDF briefs are being printed and none finished within "
            f"{queue:g} s; try again shortly"
        )
    try:
        deadline = time.monotonic() + timeout
        browser = _get_browser(exe)

        def call(method: str, params: dict | None = None, session: str | None = None) -> dict:
            return browser.call(method, params, session, timeout=deadline - time.monotonic())

        target = None
        try:
            target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
            sid = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            call("Emulation.setScriptExecutionDisabled", {"value": True}, sid)
            call("Network.enable", {}, sid)
            call("Network.setBlockedURLs", {"urls": ["*"]}, sid)
            frame = call("Page.getFrameTree", {}, sid)["frameTree"]["frame"]["id"]
            call("Page.setDocumentContent", {"frameId": frame, "html": html}, sid)
            out = call("Page.printToPDF", {"preferCSSPageSize": True}, sid)
            return base64.b64decode(out["data"])
        except PdfTimeoutError:
            _discard(browser)  # a page that hangs takes its browser with it
            raise PdfTimeoutError(
                f"the PDF was not printed within {timeout:g} s; rendering stopped"
            ) from None
        finally:
            if target is not None and not browser.dead:
                try:
                    browser.call("Target.closeTarget", {"targetId": target}, timeout=5)
                except PdfError:
                    _discard(browser)
    finally:
        _slots.release()
