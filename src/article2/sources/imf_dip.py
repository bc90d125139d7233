"""IMF Direct Investment Positions by counterpart economy (DIP, formerly CDIS).

Endpoint: the IMF SDMX 2.1 API (https://data.imf.org, documentation at
https://portal.api.imf.org/), base URL setting ``imf_url``::

    GET {imf_url}/data/IMF.STA,DIP/{COUNTRY}.{DV_TYPE}.{INDICATOR}.{COUNTERPART_COUNTRY}.{FREQUENCY}
    Accept: application/vnd.sdmx.data+csv;version=1.0.0    (SDMX-JSON: application/json)

Dataflow ``IMF.STA,DIP`` (``IMF.STA:DIP(12.0.1)`` in late 2025); five dimensions, COUNTRY .
DV_TYPE . INDICATOR . COUNTERPART_COUNTRY . FREQUENCY. Default key
``.O.INWD_D_NETLA_FALL_ALL+OTWD_D_NETAL_FALL_ALL..A``: every reporter, ``DV_TYPE`` ``O``
(reported official data), inward direct investment (net liabilities less assets) and outward
direct investment (net assets less liabilities), all financial instruments, all entities, in
US dollars (full units; ``SCALE`` 6 is display only), by counterpart, annual. ``DV_TYPE``
``SCC`` rows are inward positions the IMF derives from the counterparts' outward reports
(for economies that do not report, e.g. Viet Nam); they repeat, seen from the host, the
outward positions already loaded, so they are not fetched, and a hand-downloaded file's
``SCC`` rows are quarantined rather than mixed with reported values. Evidence: public
projects querying ``api.imf.org/external/sdmx/2.1/data/IMF.STA,DIP,12.0.1/VNM.SCC.INWD_D_NETLA_FALL_ALL..A``
and ``{reporters}.O.OTWD_D_NETAL_FALL_ALL+INWD_D_NETLA_FALL_ALL.{partners}.A`` (found through
the code index; one notes that ``DV_TYPE`` ``O`` returns nothing for Viet Nam, that
``STATUS`` ``C`` marks confidential cells without a value and that ``SCALE`` 6 is a display
hint); chatilamoe/agora-skills ``references/dataflows.md`` (DIP is the former CDIS).

Format read: SDMX-CSV, or SDMX-JSON with ``fmt="json"`` (see :mod:`article2.sources.sdmx`). Warehouse rows (``dyad_year``):
``fdi_position_usd`` with o = the investing economy and d = the host economy. Inward
positions reported by the host (o = counterpart) and outward positions reported by the
investor (o = reporter) are two measurements of the same stock, kept apart as
``fdi_position_usd`` (inward, as reported by the host) and ``fdi_position_out_usd``.
"""

from __future__ import annotations

from article2.sources import sdmx

__all__ = [
    "FLOW",
    "INDICATORS",
    "INWARD",
    "KEY",
    "LAYOUT",
    "ORIGIN",
    "OUTWARD",
    "SOURCE",
    "SPEC",
    "fetch",
    "read",
]

SOURCE = "imf_dip"
FLOW = "IMF.STA,DIP"
INWARD = "INWD_D_NETLA_FALL_ALL"
OUTWARD = "OTWD_D_NETAL_FALL_ALL"
KEY = f".O.{INWARD}+{OUTWARD}..A"

ORIGIN = sdmx.imf_origin(
    SOURCE,
    title="Direct Investment Positions by Counterpart Economy (DIP, formerly CDIS)",
    citation="International Monetary Fund. Direct Investment Positions by Counterpart "
    "Economy (formerly Coordinated Direct Investment Survey).",
    url="https://data.imf.org/en/datasets/IMF.STA:DIP",
)

LAYOUT = sdmx.SdmxLayout(
    **sdmx.IMF_BILATERAL,
    fixed={"DV_TYPE": "O"},
    series={
        INWARD: sdmx.Series(
            "fdi_position_usd",
            "USD",
            "Direct investment position of o in d (inward, net liabilities less assets, all "
            "instruments), reported by the host d (IMF DIP, DV_TYPE O)",
            False,
        ),
        OUTWARD: sdmx.Series(
            "fdi_position_out_usd",
            "USD",
            "Direct investment position of o in d (outward, net assets less liabilities, all "
            "instruments), reported by the investor o (IMF DIP, DV_TYPE O)",
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
