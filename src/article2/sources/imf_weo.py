"""IMF World Economic Outlook: real GDP growth and GDP, history and projections.

Endpoint: the IMF SDMX 2.1 API (https://data.imf.org, documentation at
https://portal.api.imf.org/), base URL setting ``imf_url``::

    GET {imf_url}/data/IMF.RES,WEO/{COUNTRY}.{INDICATOR}.{FREQUENCY}
    Accept: application/vnd.sdmx.data+csv;version=1.0.0

Dataflow ``IMF.RES,WEO``; default key ``.NGDP_RPCH+NGDPD.A`` (every country; real GDP growth
in percent, GDP in current US dollars (billions, ``SCALE``/``UNIT_MULT`` 9), annual). The API
serves the latest WEO release; the vintage folder records the fetch date (pass
``--vintage 2025-04`` to name the release). The WEO bulk files
(https://www.imf.org/en/Publications/WEO/weo-database) carry the same series.

Format read: SDMX-CSV (see :mod:`article2.sources.sdmx`). Warehouse rows (``country_year``):
``weo_gdp_growth_pct`` and ``weo_gdp_usd``; years after the release are IMF projections.
"""

from __future__ import annotations

from pathlib import Path

from article2 import config
from article2.provenance import Origin
from article2.sources import _base as b
from article2.sources import download as dl
from article2.sources import sdmx

__all__ = ["FLOW", "INDICATORS", "KEY", "LAYOUT", "ORIGIN", "SOURCE", "fetch", "read"]

SOURCE = "imf_weo"
FLOW = "IMF.RES,WEO"
KEY = ".NGDP_RPCH+NGDPD.A"

ORIGIN = Origin(
    source_id=SOURCE,
    dataset=SOURCE,
    title="World Economic Outlook (WEO)",
    producer="International Monetary Fund",
    license="IMF Terms of Use (free reuse with attribution)",
    sha256="",
    citation="International Monetary Fund. World Economic Outlook Database.",
    url="https://www.imf.org/en/Publications/WEO/weo-database",
    caveats="Values for years after the release year are IMF staff projections.",
)

LAYOUT = sdmx.SdmxLayout(
    reporter="COUNTRY",
    indicator="INDICATOR",
    freq="FREQUENCY",
    series={
        "NGDP_RPCH": sdmx.Series(
            "weo_gdp_growth_pct", "percent", "Real GDP growth (IMF WEO, NGDP_RPCH)"
        ),
        "NGDPD": sdmx.Series("weo_gdp_usd", "current USD", "GDP, current USD (IMF WEO, NGDPD)"),
    },
)
INDICATORS = LAYOUT.indicators()


def fetch(
    *,
    vintage: str | None = None,
    start: int | None = 1980,
    end: int | None = None,
    policy: dl.RetryPolicy | None = None,
) -> list[Path]:
    """Download WEO real GDP growth and GDP for every country as one vintage."""
    return sdmx.fetch_source(
        SOURCE,
        base=config.get("imf_url") or "",
        flow=FLOW,
        key=KEY,
        origin=ORIGIN,
        vintage=vintage,
        start=start,
        end=end,
        policy=policy,
    )


def read(path: Path, origin: Origin) -> b.ReadResult:
    """A WEO SDMX-CSV file."""
    return sdmx.read_csv(path, origin, LAYOUT)
