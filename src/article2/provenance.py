"""Origins: where every number comes from.

An :class:`Origin` describes one raw file as delivered (producer, title, citation, URL,
licence, vintage, checksum). The snapshot's ``MANIFEST.json`` is parsed into origins; online
fetchers write the same record into a sidecar beside the raw file. The warehouse's ``sources``
table is the union of the origins it was built from, and every observation carries the
``source_id`` of its origin.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Origin", "load_manifest", "sha256_file"]


@dataclass(frozen=True)
class Origin:
    """Provenance of one raw file.

    Attributes:
        source_id: stable id of the file, its path relative to the snapshot root
            (e.g. ``"cow_trade/cow_dyadic_trade_4.0.csv.gz"``).
        dataset: the provider dataset it belongs to (a ``sources/`` module handles it).
        title, producer, license, citation: as published by the producer.
        url: where the file was obtained (repository@commit:path for redistributed copies).
        vintage: the release or commit that pins this version.
        sha256: expected checksum of the file as delivered.
        rows: number of data rows the producer or packager reports (None if unknown).
        coverage, caveats: free text from the manifest.
        retrieved: ISO date when the file was obtained, if known.
    """

    source_id: str
    dataset: str
    title: str
    producer: str
    license: str
    sha256: str
    citation: str = ""
    url: str = ""
    vintage: str = ""
    rows: int | None = None
    coverage: str = ""
    caveats: str = ""
    retrieved: str = ""
    columns: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["columns"] = list(self.columns)
        return d


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def _origin_from_entry(entry: dict[str, Any]) -> Origin:
    src = entry.get("source") or {}
    url = ""
    if src.get("repository"):
        url = f"https://github.com/{src['repository']}/blob/{src.get('commit', '')}/{src.get('path', '')}"
    columns = entry.get("columns") or []
    if isinstance(columns, dict):
        columns = list(columns)
    return Origin(
        source_id=entry["file"],
        dataset=entry["dataset"],
        title=entry.get("title", ""),
        producer=entry.get("producer", ""),
        license=entry.get("license", ""),
        sha256=entry.get("sha256", ""),
        citation=entry.get("citation", ""),
        url=url,
        vintage=src.get("commit", entry.get("vintage", "")),
        rows=entry.get("rows"),
        coverage=entry.get("coverage", ""),
        caveats=entry.get("caveats", ""),
        retrieved=entry.get("retrieved", ""),
        columns=tuple(columns),
    )


def load_manifest(snapshot: Path) -> list[Origin]:
    """Parse ``snapshot/MANIFEST.json`` into origins, in manifest order.

    Raises:
        ValueError: naming the manifest and the entry when a required key is missing.
    """
    path = snapshot / "MANIFEST.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    origins = []
    for i, entry in enumerate(data.get("files", []), start=1):
        missing = [k for k in ("file", "dataset", "sha256") if not entry.get(k)]
        if missing:
            raise ValueError(
                f"{path}: files entry {i} ({entry.get('file', '?')}) lacks "
                f"{', '.join(missing)}; every file needs its SHA-256 to be verified"
            )
        if not inside_snapshot(str(entry["file"])):
            raise ValueError(
                f"{path}: files entry {i}: path {entry['file']!r} leaves the snapshot folder "
                "(absolute, '..' or a backslash); paths are relative, below MANIFEST.json"
            )
        if not re.fullmatch(r"[0-9a-fA-F]{64}", str(entry["sha256"])):
            raise ValueError(
                f"{path}: files entry {i} ({entry['file']}): sha256 {entry['sha256']!r} is not "
                "64 hexadecimal digits"
            )
        origins.append(_origin_from_entry(entry))
    return origins


def inside_snapshot(relpath: str) -> bool:
    """Whether a manifest path stays below the snapshot folder: relative, no ``..`` part, no
    backslash or drive, not empty."""
    from pathlib import PurePosixPath

    if not relpath or "\\" in relpath or "\0" in relpath or relpath.startswith("/"):
        return False
    parts = PurePosixPath(relpath).parts
    return bool(parts) and ".." not in parts and ":" not in parts[0]
