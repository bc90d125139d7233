"""IMF International Trade in Goods by partner (IMTS, formerly Direction of Trade Statistics).

Endpoint: the IMF SDMX 2.1 API (https://data.imf.org, API documentation at
https://portal.api.imf.org/), base URL setting ``imf_url`` (``ARTICLE2_IMF_URL``, default
``https://api.imf.org/external/sdmx/2.1``)::

    GET {imf_url}/data/IMF.STA,IMTS/{COUNTRY}.{INDICATOR}.{COUNTERPART_COUNTRY}.{FREQUENCY}
        ?startPeriod=1990
    Accept: application/vnd.sdmx.data+csv;version=1.0.0

Dataflow ``IMF.STA,IMTS``; key order COUNTRY . INDICATOR . COUNTERPART_COUNTRY . FREQUENCY;
default key ``.XG_FOB_USD+MG_CIF_USD..A`` (every reporter, goods exports FOB and imports CIF
in US dollars, every partner, annual). Country codes are ISO3; ``G001`` is the world.
Monthly data: ``--freq M``; such rows are kept raw and not loaded (annual warehouse).

Format read: SDMX-CSV (see :mod:`article2.sources.sdmx`). Warehouse rows: ``dyad_year``
``trade_imf_exports`` (o = reporter, d = partner; reported by the exporter) and
``trade_imf_imports`` (o = partner, d = reporter; reported by the importer, CIF), and in
``country_year`` the totals with the world ``trade_imf_exports_world`` /
``trade_imf_imports_world``. Values in US dollars after ``SCALE``/``UNIT_MULT``.
"""

from __future__ import annotations

from pathlib import Path

from article2 import config
from article2.provenance import Origin
from article2.sources import _base as b
from article2.sources import download as dl
from article2.sources import sdmx

__all__ = ["FLOW", "INDICATORS", "KEY", "LAYOUT", "ORIGIN", "SOURCE", "fetch", "read"]

SOURCE = "imf_imts"
FLOW = "IMF.STA,IMTS"
KEY = ".XG_FOB_USD+MG_CIF_USD..{freq}"

ORIGIN = Origin(
    source_id=SOURCE,
    dataset=SOURCE,
    title="International Trade in Goods (by partner country) (IMTS)",
    producer="International Monetary Fund",
    license="IMF Terms of Use (free reuse with attribution)",
    sha256="",
    citation="International Monetary Fund. International Trade in Goods (by partner "
    "country) (IMTS). https://data.imf.org",
    url="https://data.imf.org/en/datasets/IMF.STA:IMTS",
)

LAYOUT = sdmx.SdmxLayout(
    reporter="COUNTRY",
    indicator="INDICATOR",
    partner="COUNTERPART_COUNTRY",
    freq="FREQUENCY",
    series={
        "XG_FOB_USD": sdmx.Series(
            "trade_imf_exports", "USD", "Goods exports FOB reported by o (IMF IMTS)", True
        ),
        "MG_CIF_USD": sdmx.Series(
            "trade_imf_imports", "USD", "Goods imports CIF reported by d (IMF IMTS)", False
        ),
    },
)
INDICATORS = {
    **LAYOUT.indicators(),
    "trade_imf_exports_world": ("USD", "Goods exports FOB to the world (IMF IMTS)", False),
    "trade_imf_imports_world": ("USD", "Goods imports CIF from the world (IMF IMTS)", False),
}


def fetch(
    *,
    vintage: str | None = None,
    start: int | None = 1990,
    end: int | None = None,
    freq: str = "A",
    policy: dl.RetryPolicy | None = None,
) -> list[Path]:
    """Download IMTS bilateral goods trade (every reporter and partner) as one vintage."""
    if freq not in ("A", "M"):
        raise ValueError(f"freq must be one of A, M; got {freq!r}")
    return sdmx.fetch_source(
        SOURCE,
        base=config.get("imf_url") or "",
        flow=FLOW,
        key=KEY.format(freq=freq),
        origin=ORIGIN,
        vintage=vintage,
        start=start,
        end=end,
        policy=policy,
    )


def read(path: Path, origin: Origin) -> b.ReadResult:
    """An IMTS SDMX-CSV file (fetched, or downloaded by hand from data.imf.org)."""
    return sdmx.read_csv(path, origin, LAYOUT)
