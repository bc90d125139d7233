"""CEPII BACI: download of the bulk zip of one HS revision (the reader is :mod:`baci`).

Endpoint (documentation: https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37),
folder URL setting ``baci_url`` (``ARTICLE2_BACI_URL``, default
``https://www.cepii.fr/DATA_DOWNLOAD/baci/data``)::

    GET {baci_url}/BACI_{HS}_{RELEASE}.zip      e.g. BACI_HS92_V202501.zip

The zip holds one CSV per year, ``BACI_{HS}_Y{year}_{RELEASE}.csv`` with columns ``t`` (year),
``i`` (exporter, CEPII numeric code), ``j`` (importer), ``k`` (HS6 product), ``v`` (value,
thousands of current USD), ``q`` (quantity, metric tons), plus ``country_codes_{RELEASE}.csv``
and ``product_codes_{HS}_{RELEASE}.csv``. The release (``--vintage``, default setting
``baci_release``, ``V202601``: CEPII releases each January, and V202601 covers 1995-2024, as
public projects using ``BACI_HS92_V202601.zip`` and its ``country_codes_V202601.csv`` show;
CEPII's page names releases ``YYYYMM``, a corrected one ``YYYYMMb`` such as 202401b) pins the
version and is recorded in the vintage folder name and the sidecar (``release``). CEPII
publishes no checksum, so the zip's SHA-256 is
recorded at download and the archive is tested (CRC of every member) before it is unpacked.

Raw layout: ``raw/baci/{RELEASE}_{HS}/BACI_{HS}_{RELEASE}.zip`` (as delivered, with its origin
sidecar) and the unpacked members under ``.../unpacked/``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from article2 import config
from article2.provenance import Origin
from article2.sources import answer
from article2.sources import download as dl
from article2.sources.archive import ArchiveError, extract_zip

__all__ = ["HS_REVISIONS", "ORIGIN", "SOURCE", "fetch", "unpack"]

SOURCE = "baci"
HS_REVISIONS = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")

ORIGIN = Origin(
    source_id=SOURCE,
    dataset=SOURCE,
    title="BACI: International Trade Database at the Product-Level",
    producer="CEPII",
    license="Etalab Open Licence 2.0",
    sha256="",
    citation="Gaulier, G. and Zignago, S. (2010). BACI: International Trade Database at the "
    "Product-Level. The 1994-2007 Version. CEPII Working Paper 2010-23.",
    url="https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
)


def unpack(archive: Path, folder: Path) -> list[Path]:
    """Check the zip's bounds (:mod:`article2.sources.archive`: members, sizes, compression
    ratio, paths), test every member's CRC, then extract into ``folder``; return the
    extracted files.

    Raises:
        dl.FetchError: not a zip, a corrupt member, a bound broken (a zip bomb), a member
            escaping ``folder``, or no ``BACI_*.csv`` inside.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
        if not any(Path(n).name.startswith("BACI_") for n in names):
            raise dl.FetchError(f"no BACI_*.csv in the zip (found {names[:5]})", url=archive.name)
        extract_zip(archive, folder)
    except ArchiveError as exc:
        raise dl.FetchError(str(exc), url=archive.name) from exc
    except zipfile.BadZipFile as exc:
        raise dl.FetchError(f"not a zip archive ({exc})", url=archive.name) from exc
    return sorted(p for p in folder.rglob("*") if p.is_file())


def fetch(
    *,
    vintage: str | None = None,
    hs: str = "HS92",
    sha256: str | None = None,
    policy: dl.RetryPolicy | None = None,
    progress: dl.ProgressCallback | None = None,
) -> list[Path]:
    """Download, verify and unpack the BACI zip of one HS revision and release."""
    if hs not in HS_REVISIONS:
        raise ValueError(f"hs must be one of {', '.join(HS_REVISIONS)}; got {hs!r}")
    release = vintage or config.get("baci_release") or ""
    name = f"BACI_{hs}_{release}.zip"
    url = f"{(config.get('baci_url') or '').rstrip('/')}/{name}"
    with dl.staging(SOURCE, f"{release}_{hs}") as stage:
        archive = stage.path(name)
        dl.download(url, archive, source=SOURCE, sha256=sha256, policy=policy, progress=progress)
        with open(archive, "rb") as fh:
            answer.expect(fh.read(4096), "zip", url)
        members = unpack(archive, stage.path("unpacked"))
        stage.record(
            archive,
            Origin(**{**ORIGIN.to_dict(), "url": url, "columns": ()}),
            hs=hs,
            release=release,
            members=[p.relative_to(stage.folder).as_posix() for p in members],
        )
    return [stage.final / name, *(stage.final / p.relative_to(stage.folder) for p in members)]
