"""OECD DAC2A: official development assistance by donor and recipient.

Endpoint: the OECD Data Explorer's SDMX API (documentation:
https://gitlab.algobank.oecd.org/public-documentation/dotstat-migration/-/raw/main/OECD_Data_API_documentation.pdf
and https://www.oecd.org/en/data/insights/data-explainers/2024/09/api.html), base URL setting
``oecd_url`` (``ARTICLE2_OECD_URL``, default ``https://sdmx.oecd.org/public/rest``)::

    GET {oecd_url}/data/OECD.DCD.FSD,DSD_DAC2@DF_DAC2A,/{DONOR}.{RECIPIENT}.{MEASURE}.{UNIT_MEASURE}.{PRICE_BASE}
        ?startPeriod=2000
    Accept: application/vnd.sdmx.data+csv;version=1.0.0

Default key ``..206.USD.V``: every donor (empty DONOR position), every recipient, measure
``206`` (ODA, gross disbursements), US dollars, current prices (``V``). Donor and recipient codes are ISO3 for countries; DAC
aggregates (``DAC``, ``ALLD``, ``DPGC``, ...) are reported as unmapped codes.

Format read: SDMX-CSV, or SDMX-JSON with ``fmt="json"`` (see :mod:`article2.sources.sdmx`), ``UNIT_MULT`` applied (DAC2A is in
USD millions, ``UNIT_MULT`` 6). Warehouse rows (``dyad_year``): ``oda_dac_usd`` with o = donor,
d = recipient.
"""

from __future__ import annotations

from article2.provenance import Origin
from article2.sources import sdmx

__all__ = ["FLOW", "INDICATORS", "KEY", "LAYOUT", "ORIGIN", "SOURCE", "SPEC", "fetch", "read"]

SOURCE = "oecd_dac2a"
FLOW = "OECD.DCD.FSD,DSD_DAC2@DF_DAC2A,"
KEY = "..206.USD.V"

ORIGIN = Origin(
    source_id=SOURCE,
    dataset=SOURCE,
    title="Aid (ODA) disbursements to countries and regions [DAC2A]",
    producer="OECD Development Assistance Committee",
    license="OECD Terms and Conditions (CC BY 4.0 since July 2024)",
    sha256="",
    citation="OECD (2025). Aid (ODA) disbursements to countries and regions [DAC2A]. "
    "OECD Data Explorer.",
    url="https://data-explorer.oecd.org/?df[id]=DSD_DAC2%40DF_DAC2A&df[ag]=OECD.DCD.FSD",
)

LAYOUT = sdmx.SdmxLayout(
    reporter="DONOR",
    indicator="MEASURE",
    partner="RECIPIENT",
    series={
        "206": sdmx.Series(
            "oda_dac_usd", "current USD", "ODA gross disbursements from o to d (OECD DAC2A)", True
        ),
    },
)
INDICATORS = {
    **LAYOUT.indicators(),
    "oda_dac_usd_world": ("current USD", "ODA gross disbursements, all recipients", False),
}


SPEC = sdmx.SdmxSource(SOURCE, "oecd_url", FLOW, KEY, ORIGIN, LAYOUT, start=2000)
#: ``fetch(*, vintage=None, start=2000, end=None, fmt='csv', policy=None)``
fetch = SPEC.fetch
#: ``read(path, origin)``: SDMX-CSV or SDMX-JSON, fetched or downloaded by hand
read = SPEC.read
