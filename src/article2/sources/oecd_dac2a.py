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

Format read: SDMX-CSV (see :mod:`article2.sources.sdmx`), ``UNIT_MULT`` applied (DAC2A is in
USD millions, ``UNIT_MULT`` 6). Warehouse rows (``dyad_year``): ``oda_dac_usd`` with o = donor,
d = recipient.
"""

from __future__ import annotations

from pathlib import Path

from article2 import config
from article2.provenance import Origin
from article2.sources import _base as b
from article2.sources import download as dl
from article2.sources import sdmx

__all__ = ["FLOW", "INDICATORS", "KEY", "LAYOUT", "ORIGIN", "SOURCE", "fetch", "read"]

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


def fetch(
    *,
    vintage: str | None = None,
    start: int | None = 2000,
    end: int | None = None,
    policy: dl.RetryPolicy | None = None,
) -> list[Path]:
    """Download DAC2A ODA by donor and recipient as one vintage."""
    return sdmx.fetch_source(
        SOURCE,
        base=config.get("oecd_url") or "",
        flow=FLOW,
        key=KEY,
        origin=ORIGIN,
        vintage=vintage,
        start=start,
        end=end,
        policy=policy,
    )


def read(path: Path, origin: Origin) -> b.ReadResult:
    """A DAC2A SDMX-CSV file (fetched, or exported from the OECD Data Explorer)."""
    return sdmx.read_csv(path, origin, LAYOUT)
