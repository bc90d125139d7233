"""Bounded zip archives: every archive the project opens goes through :func:`check_zip`.

A downloaded archive is untrusted. Before anything is unpacked or read, its central
directory is checked against :class:`ZipLimits`:

* at most ``members`` entries;
* no member name that is absolute, has a drive, a backslash or a ``..`` part (nothing can
  land outside the target folder), and no symbolic link;
* no member larger than ``member_bytes`` and no more than ``total_bytes`` in all,
  uncompressed;
* no member of at least 1 MiB whose compression ratio exceeds ``ratio`` (CSV and XLSX files
  compress 3-20 times; a zip bomb thousands of times).

The sizes in the directory could lie, so extraction and reading also count the bytes
actually produced and stop at the declared size (Python's ``zipfile`` also stops there and
checks each member's CRC).

Limits (defaults): 10,000 members; 8 GiB per member; 64 GiB in all (the largest BACI release,
HS92 with all years, unpacks to about 10 GB); ratio 200.
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = ["ArchiveError", "ZipLimits", "check_zip", "extract_zip", "read_member"]

_MIB = 1 << 20
_GIB = 1 << 30


class ArchiveError(ValueError):
    """An archive breaks a bound or holds an unsafe member; the message names both."""


@dataclass(frozen=True)
class ZipLimits:
    members: int = 10_000
    member_bytes: int = 8 * _GIB
    total_bytes: int = 64 * _GIB
    ratio: float = 200.0
    #: members smaller than this are not held to ``ratio`` (a few KB of blanks compress well)
    ratio_from: int = _MIB


DEFAULT = ZipLimits()


def _safe_name(name: str) -> bool:
    if not name or "\\" in name or "\0" in name or name.startswith("/"):
        return False
    p = PurePosixPath(name)
    return ".." not in p.parts and not (p.parts and ":" in p.parts[0])


def check_zip(zf: zipfile.ZipFile, where: str, limits: ZipLimits = DEFAULT) -> list[zipfile.ZipInfo]:
    """The members of ``zf`` (files and folders) after checking them against ``limits``.

    Raises:
        ArchiveError: naming ``where``, the member and the bound it breaks.
    """
    infos = zf.infolist()
    if len(infos) > limits.members:
        raise ArchiveError(
            f"{where}: {len(infos):,} members in the zip; the limit is {limits.members:,}"
        )
    total = 0
    for info in infos:
        name = info.filename
        if not _safe_name(name):
            raise ArchiveError(f"{where}: member {name!r} has an unsafe path (absolute, '..' "
                               "or a backslash); nothing was unpacked")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ArchiveError(f"{where}: member {name!r} is a symbolic link; refused")
        if info.file_size > limits.member_bytes:
            raise ArchiveError(
                f"{where}: member {name!r} unpacks to {info.file_size:,} bytes; the limit per "
                f"member is {limits.member_bytes:,}"
            )
        total += info.file_size
        if total > limits.total_bytes:
            raise ArchiveError(
                f"{where}: the members unpack to more than {limits.total_bytes:,} bytes in all "
                "(the limit)"
            )
        if info.file_size >= limits.ratio_from:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.ratio:
                raise ArchiveError(
                    f"{where}: member {name!r} has a compression ratio of {ratio:,.0f} "
                    f"({info.compress_size:,} -> {info.file_size:,} bytes); the limit is "
                    f"{limits.ratio:g} (a zip bomb?)"
                )
    return infos


def _copy(zf: zipfile.ZipFile, info: zipfile.ZipInfo, out, where: str) -> None:
    done = 0
    with zf.open(info) as src:
        while chunk := src.read(_MIB):
            done += len(chunk)
            if done > info.file_size:
                raise ArchiveError(f"{where}: member {info.filename!r} is larger than declared")
            out.write(chunk)


def extract_zip(archive: Path, folder: Path, limits: ZipLimits = DEFAULT) -> list[Path]:
    """Check ``archive`` (:func:`check_zip`, then every member's CRC) and unpack it into
    ``folder``; return the files written. On any error nothing is left in ``folder`` that
    this call wrote.

    Raises:
        ArchiveError: a bound broken or an unsafe member.
        zipfile.BadZipFile: not a zip, or a corrupt member.
    """
    where = Path(archive).name
    folder = Path(folder)
    written: list[Path] = []
    with zipfile.ZipFile(archive) as zf:
        infos = check_zip(zf, where, limits)
        bad = zf.testzip()
        if bad is not None:
            raise zipfile.BadZipFile(f"corrupt member {bad!r}")
        root = folder.resolve()
        try:
            for info in infos:
                target = folder / info.filename
                if not target.resolve().is_relative_to(root):  # belt and braces
                    raise ArchiveError(f"{where}: member {info.filename!r} escapes the folder")
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as out:
                    written.append(target)
                    _copy(zf, info, out, where)
        except BaseException:
            for p in written:
                p.unlink(missing_ok=True)
            raise
    return sorted(written)


def read_member(zf: zipfile.ZipFile, name: str, where: str, limits: ZipLimits = DEFAULT) -> bytes:
    """The bytes of member ``name`` of ``zf``, after :func:`check_zip`.

    Raises:
        ArchiveError: a bound broken or an unsafe member.
    """
    check_zip(zf, where, limits)
    buf = io.BytesIO()
    _copy(zf, zf.getinfo(name), buf, where)
    return buf.getvalue()
