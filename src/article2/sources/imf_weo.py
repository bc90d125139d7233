"""IMF World Economic Outlook: real GDP growth and GDP, history and projections.

Endpoint: the IMF SDMX 2.1 API (https://data.imf.org, documentation at
https://portal.api.imf.org/), base URL setting ``imf_url``::

    GET {imf_url}/data/IMF.RES,WEO/{COUNTRY}.{INDICATOR}.{FREQUENCY}
    Accept: application/vnd.sdmx.data+csv;version=1.0.0    (SDMX-JSON: application/json)

Dataflow ``IMF.RES,WEO``; default key ``.NGDP_RPCH+NGDPD.A`` (every country; real GDP growth
in percent, GDP in current US dollars, annual). ``OBS_VALUE`` is in full units: NGDPD comes
as US dollars (Nepal 2024: 42,914,268,000) with ``SCALE`` 9, which is only how the IMF
displays it and is not applied (chatilamoe/agora-skills ``skills/imf-data/SKILL.md``,
Pitfalls; key order COUNTRY.INDICATOR.FREQUENCY from its ``references/dataflows.md``). The API
serves the latest WEO release; the vintage folder records the fetch date (pass
``--vintage 2025-04`` to name the release). The WEO bulk files
(https://www.imf.org/en/Publications/WEO/weo-database) carry the same series.

Format read: SDMX-CSV, or SDMX-JSON with ``fmt="json"`` (see :mod:`article2.sources.sdmx`). Warehouse rows (``country_year``):
``weo_gdp_growth_pct`` and ``weo_gdp_usd``; years after the release are IMF projections.
"""

from __future__ import annotations

from article2.sources import sdmx

__all__ = ["FLOW", "INDICATORS", "KEY", "LAYOUT", "ORIGIN", "SOURCE", "SPEC", "fetch", "read"]

SOURCE = "imf_weo"
FLOW = "IMF.RES,WEO"
KEY = ".NGDP_RPCH+NGDPD.A"

ORIGIN = sdmx.imf_origin(
    SOURCE,
    title="World Economic Outlook (WEO)",
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


SPEC = sdmx.SdmxSource(SOURCE, "imf_url", FLOW, KEY, ORIGIN, LAYOUT, start=1980)
#: ``fetch(*, vintage=None, start=1980, end=None, fmt='csv', policy=None)``
fetch = SPEC.fetch
#: ``read(path, origin)``: SDMX-CSV or SDMX-JSON, fetched or downloaded by hand
read = SPEC.read
