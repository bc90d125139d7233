"""OECD DAC2A: official development assistance by donor and recipient.

Endpoint: the OECD Data Explorer's SDMX API (documentation:
https://gitlab.algobank.oecd.org/public-documentation/dotstat-migration/-/raw/main/OECD_Data_API_documentation.pdf
and https://www.oecd.org/en/data/insights/data-explainers/2024/09/api.html), base URL setting
``oecd_url`` (``ARTICLE2_OECD_URL``, default ``https://sdmx.oecd.org/public/rest``)::

    GET {oecd_url}/data/OECD.DCD.FSD,DSD_DAC2@DF_DAC2A,/{DONOR}.{RECIPIENT}.{MEASURE}.{UNIT_MEASURE}.{PRICE_BASE}
        ?startPeriod=2000
    Accept: application/vnd.sdmx.data+csv;version=2.0

Key order DONOR . RECIPIENT . MEASURE . UNIT_MEASURE . PRICE_BASE (ONEcampaign/oda_reader
``src/oda_reader/download/query_builder.py``, ``build_dac2a_filter``). Default key
``..206.USD.V``: every donor (empty DONOR position), every recipient, measure ``206``, US
dollars, current prices (``V``). Measure ``206`` is "ODA: Total Net", i.e. *net* ODA
disbursements (gross disbursements less loan repayments and recoveries; ONEcampaign/oda_cookbook
``src/oda_data/dac2a.md``, whose sample rows read ``206 | ODA: Total Net``; the same code is
what public DAC2A clients query, e.g. ``..206.USD.Q``). Gross disbursements are measure
``240``, "Memo: ODA Total, Gross disbursements" (public DAC2A scripts filter ``aid_type ==
240`` for it); the reader loads it as ``oda_dac_gross_usd`` when a file holds it (fetch it
with a key ``..240.USD.V``), but the default fetch asks for ``206`` only, since ``240`` was
confirmed for the .Stat-era table and not, without network access, for the current
dataflow. Donor and recipient codes are ISO3 for countries; DAC aggregates (``DAC``,
``ALLD``, ``DPGC``, ...) are reported as unmapped codes.

Rate limit: the OECD allows a few dozen data downloads an hour (60 in its current note, 20
before); every call takes a slot of :data:`PACE` first (see :mod:`article2.sources.pacing`).

Format read: SDMX-CSV, or SDMX-JSON with ``fmt="json"`` (see :mod:`article2.sources.sdmx`),
``UNIT_MULT`` applied (DAC2A values are USD millions, "Current Prices (USD millions)", with
``UNIT_MULT`` 6). Warehouse rows (``dyad_year``): ``oda_dac_usd`` (net) with o = donor,
d = recipient, and ``oda_dac_usd_world`` in ``country_year`` for a donor's total when the
recipient is a world code.
"""

from __future__ import annotations

from article2.provenance import Origin
from article2.sources import pacing, sdmx

__all__ = [
    "FLOW",
    "GROSS",
    "INDICATORS",
    "KEY",
    "LAYOUT",
    "NET",
    "ORIGIN",
    "PACE",
    "SOURCE",
    "SPEC",
    "fetch",
    "read",
]

SOURCE = "oecd_dac2a"
FLOW = "OECD.DCD.FSD,DSD_DAC2@DF_DAC2A,"
NET = "206"
GROSS = "240"
KEY = f"..{NET}.USD.V"

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
    scale=("UNIT_MULT",),
    series={
        NET: sdmx.Series(
            "oda_dac_usd",
            "current USD",
            "ODA net disbursements from o to d (OECD DAC2A measure 206, ODA: Total Net)",
            True,
        ),
        GROSS: sdmx.Series(
            "oda_dac_gross_usd",
            "current USD",
            "ODA gross disbursements from o to d (OECD DAC2A measure 240)",
            True,
        ),
    },
)
INDICATORS = {
    **LAYOUT.indicators(),
    "oda_dac_usd_world": ("current USD", "ODA net disbursements, all recipients", False),
    "oda_dac_gross_usd_world": ("current USD", "ODA gross disbursements, all recipients", False),
}

PACE = pacing.Pace("oecd", "oecd_calls_per_hour", 3600.0, "https://sdmx.oecd.org")

SPEC = sdmx.SdmxSource(
    SOURCE,
    "oecd_url",
    FLOW,
    KEY,
    ORIGIN,
    LAYOUT,
    start=2000,
    pace=PACE,
    csv_accept=sdmx.CSV2_ACCEPT,
)
#: ``fetch(*, vintage=None, start=2000, end=None, fmt='csv', policy=None)``
fetch = SPEC.fetch
#: ``read(path, origin)``: SDMX-CSV or SDMX-JSON, fetched or downloaded by hand
read = SPEC.read
