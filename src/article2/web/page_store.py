"""Country pages kept on disk between runs of the dashboard, so that a restart answers every
page already rendered from the file instead of recomputing it.

A page is stored under ``<outputs>/pages/<key>/<ISO3>.html``. The key joins the warehouse's
build id with a digest of the package's code and templates: a new build or any change to the
code that draws a page gives a new folder, so a stored page is never older than what it shows.
Writes are atomic (a temporary file renamed into place); a folder of another key is removed
when the store opens, so at most one set of pages is kept.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from article2 import __version__, paths

__all__ = ["PageStore"]

log = logging.getLogger(__name__)
_PACKAGE = Path(__file__).resolve().parents[1]
_KEY = re.compile(r"^[A-Z0-9_]{2,12}$")


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 (first 16 hex digits) of every source, template and style file of the package
    and its version: pages drawn by other code are never served."""
    h = hashlib.sha256(__version__.encode())
    for f in sorted(_PACKAGE.rglob("*")):
        if f.is_file() and f.suffix in {".py", ".j2", ".html", ".css", ".js", ".toml", ".yaml"}:
            h.update(str(f.relative_to(_PACKAGE)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


class PageStore:
    """The stored pages of one warehouse build (``build_id``) and this code."""

    def __init__(self, build_id: str, root: Path | None = None) -> None:
        base = root or paths.outputs_dir() / "pages"
        safe = re.sub(r"[^A-Za-z0-9]", "", build_id)[:32] or "unbuilt"
        self.folder = base / f"{safe}-{code_digest()}"
        self._clear_others(base)

    def _clear_others(self, base: Path) -> None:
        if not base.is_dir():
            return
        for other in base.iterdir():
            if other.is_dir() and other != self.folder:
                shutil.rmtree(other, ignore_errors=True)

    def _file(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"page key {key!r}: expected 2-12 of A-Z, 0-9 and _")
        return self.folder / f"{key}.html"

    def get(self, key: str) -> str | None:
        """The stored page of country ``key``, or None."""
        try:
            return self._file(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, key: str, html: str) -> None:
        """Store the page of country ``key`` (atomic; a failure to write is logged, not
        raised: the page is still answered from memory)."""
        target = self._file(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".part")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(html)
            os.replace(tmp, target)
        except OSError as exc:
            log.warning("country page %s not stored on disk: %s", key, exc)

    def __len__(self) -> int:
        return len(list(self.folder.glob("*.html"))) if self.folder.is_dir() else 0
