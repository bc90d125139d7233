"""IMF International Trade in Goods by partner (IMTS, formerly Direction of Trade Statistics).

Endpoint: the IMF SDMX 2.1 API (https://data.imf.org, API documentation at
https://portal.api.imf.org/), base URL setting ``imf_url`` (``ARTICLE2_IMF_URL``, default
``https://api.imf.org/external/sdmx/2.1``)::

    GET {imf_url}/data/IMF.STA,IMTS/{COUNTRY}.{INDICATOR}.{COUNTERPART_COUNTRY}.{FREQUENCY}
        ?startPeriod=1990
    Accept: application/vnd.sdmx.data+csv;version=1.0.0    (SDMX-JSON: application/json)

Dataflow ``IMF.STA,IMTS`` (answers name it ``IMF.STA:IMTS(1.0.0)``); key order COUNTRY .
INDICATOR . COUNTERPART_COUNTRY . FREQUENCY; default key ``.XG_FOB_USD+MG_CIF_USD..A`` (every
reporter, goods exports FOB and imports CIF in US dollars, every partner, annual). Country
codes are ISO3; ``G001`` is the world. Evidence: chatilamoe/agora-skills
``skills/imf-data/references/dataflows.md`` (key order, tested key ``NPL.XG_FOB_USD.IND.A``
returning 2,033,824,874 US dollars) and ``SKILL.md`` (values in full units).
Monthly data: ``--freq M``; such rows are kept raw and not loaded (annual warehouse).

Format read: SDMX-CSV, or SDMX-JSON with ``fmt="json"`` (see :mod:`article2.sources.sdmx`). Warehouse rows: ``dyad_year``
``trade_imf_exports`` (o = reporter, d = partner; reported by the exporter) and
``trade_imf_imports`` (o = partner, d = reporter; reported by the importer, CIF), and in
``country_year`` the totals with the world ``trade_imf_exports_world`` /
``trade_imf_imports_world``. ``OBS_VALUE`` is in US dollars as delivered: the answer's
``SCALE`` (``6``) is the IMF's display scale and is not applied.
"""

from __future__ import annotations

from article2.sources import sdmx

__all__ = ["FLOW", "INDICATORS", "KEY", "LAYOUT", "ORIGIN", "SOURCE", "SPEC", "fetch", "read"]

SOURCE = "imf_imts"
FLOW = "IMF.STA,IMTS"
KEY = ".XG_FOB_USD+MG_CIF_USD..{freq}"

ORIGIN = sdmx.imf_origin(
    SOURCE,
    title="International Trade in Goods (by partner country) (IMTS)",
    citation="International Monetary Fund. International Trade in Goods (by partner "
    "country) (IMTS). https://data.imf.org",
    url="https://data.imf.org/en/datasets/IMF.STA:IMTS",
)

LAYOUT = sdmx.SdmxLayout(
    **sdmx.IMF_BILATERAL,
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


SPEC = sdmx.SdmxSource(SOURCE, "imf_url", FLOW, KEY, ORIGIN, LAYOUT, start=1990, freqs=("A", "M"))
#: ``fetch(*, vintage=None, start=1990, end=None, freq='A', fmt='csv', policy=None)``
fetch = SPEC.fetch
#: ``read(path, origin)``: SDMX-CSV or SDMX-JSON, fetched or downloaded by hand
read = SPEC.read
