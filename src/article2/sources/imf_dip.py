"""IMF Direct Investment Positions by counterpart economy (DIP, formerly CDIS).

Endpoint: the IMF SDMX 2.1 API (https://data.imf.org, documentation at
https://portal.api.imf.org/), base URL setting ``imf_url``::

    GET {imf_url}/data/IMF.STA,DIP/{COUNTRY}.{INDICATOR}.{COUNTERPART_COUNTRY}.{FREQUENCY}
    Accept: application/vnd.sdmx.data+csv;version=1.0.0

Dataflow ``IMF.STA,DIP``; default key ``.INWARD_DI_POS_USD+OUTWARD_DI_POS_USD..A``: inward
and outward direct investment positions in US dollars by counterpart, annual (CDIS is
annual). The dimension ids and indicator codes are module constants (``LAYOUT``, ``KEY``)
so that a change in the IMF's code lists is one edit.

Format read: SDMX-CSV, or SDMX-JSON with ``fmt="json"`` (see :mod:`article2.sources.sdmx`). Warehouse rows (``dyad_year``):
``fdi_position_usd`` with o = the investing economy and d = the host economy. Inward
positions reported by the host (o = counterpart) and outward positions reported by the
investor (o = reporter) are two measurements of the same stock, kept apart as
``fdi_position_usd`` (inward, as reported by the host) and ``fdi_position_out_usd``.
"""

from __future__ import annotations

from article2.sources import sdmx

__all__ = ["FLOW", "INDICATORS", "KEY", "LAYOUT", "ORIGIN", "SOURCE", "SPEC", "fetch", "read"]

SOURCE = "imf_dip"
FLOW = "IMF.STA,DIP"
KEY = ".INWARD_DI_POS_USD+OUTWARD_DI_POS_USD..A"

ORIGIN = sdmx.imf_origin(
    SOURCE,
    title="Direct Investment Positions by Counterpart Economy (DIP, formerly CDIS)",
    citation="International Monetary Fund. Direct Investment Positions by Counterpart "
    "Economy (formerly Coordinated Direct Investment Survey).",
    url="https://data.imf.org/en/datasets/IMF.STA:DIP",
)

LAYOUT = sdmx.SdmxLayout(
    **sdmx.IMF_BILATERAL,
    series={
        "INWARD_DI_POS_USD": sdmx.Series(
            "fdi_position_usd",
            "USD",
            "Direct investment position of o in d, reported by the host d (IMF DIP inward)",
            False,
        ),
        "OUTWARD_DI_POS_USD": sdmx.Series(
            "fdi_position_out_usd",
            "USD",
            "Direct investment position of o in d, reported by the investor o (IMF DIP outward)",
            True,
        ),
    },
)
INDICATORS = {
    **LAYOUT.indicators(),
    "fdi_position_usd_world": ("USD", "Inward direct investment position, all investors", False),
    "fdi_position_out_usd_world": ("USD", "Outward direct investment position, all hosts", False),
}


SPEC = sdmx.SdmxSource(SOURCE, "imf_url", FLOW, KEY, ORIGIN, LAYOUT, start=2009)
#: ``fetch(*, vintage=None, start=2009, end=None, fmt='csv', policy=None)``
fetch = SPEC.fetch
#: ``read(path, origin)``: SDMX-CSV or SDMX-JSON, fetched or downloaded by hand
read = SPEC.read
