"""IMF Direction of Trade Statistics (DOTS): United States with each partner, annual.

Producer: International Monetary Fund, https://data.imf.org/ (DOTS; redistribution with
attribution). Format read here: the IMF bulk download's "panel" CSV (gzipped in the snapshot):
a UTF-8 byte-order mark, CRLF line ends, a trailing comma on every line, and the columns
``Country Name, Country Code, Counterpart Country Name, Counterpart Country Code, Time Period,
Goods, Value of Exports, Free on board (FOB), US Dollars (TXG_FOB_USD), Status, Goods, Value
of Imports, Cost, Insurance, Freight (CIF), US Dollars (TMG_CIF_USD), Status`` — two columns
both named ``Status`` (the observation status of the value before each; pandas reads the
second as ``Status.1``). Values are USD in full units; empty means not reported.

Codes are IMF area codes (code system ``imf`` of :mod:`article2.countries`): 111 United
States, 582 Vietnam, 924 China (mainland), 528 Taiwan Province of China, …; 998 (European
Union) and 899 (Special Categories) are not countries: they are reported as aggregates and not
loaded. Only the U.S. side is in the file: the partners' own reports are not.

Warehouse rows (``dyad_year``; o = exporter, d = importer, current USD):
``trade_dots_us_exports_fob`` (o = USA, U.S. goods exports FOB) and
``trade_dots_us_imports_cif`` (d = USA, U.S. goods imports CIF).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2.provenance import Origin
from article2.sources import _base as b

__all__ = ["EXPORTS", "IMPORTS", "INDICATORS", "ORIGIN", "read"]

ORIGIN = Origin(
    source_id="imf_dots_us",
    dataset="imf_dots_us",
    title="Direction of Trade Statistics (DOTS): United States with each partner, annual",
    producer="International Monetary Fund",
    license="IMF Copyright and Usage terms: redistribution with attribution",
    sha256="",
    citation="International Monetary Fund, Direction of Trade Statistics (DOTS).",
    url="https://data.imf.org/",
)

EXPORTS = "Goods, Value of Exports, Free on board (FOB), US Dollars (TXG_FOB_USD)"
IMPORTS = "Goods, Value of Imports, Cost, Insurance, Freight (CIF), US Dollars (TMG_CIF_USD)"
COLUMNS = ("Country Code", "Counterpart Country Code", "Time Period", EXPORTS, IMPORTS)

INDICATORS = {
    "trade_dots_us_exports_fob": (
        "current USD",
        "U.S. goods exports to d, FOB, as reported by the United States (IMF DOTS TXG_FOB_USD)",
        True,
    ),
    "trade_dots_us_imports_cif": (
        "current USD",
        "U.S. goods imports from o, CIF, as reported by the United States (IMF DOTS TMG_CIF_USD)",
        True,
    ),
}


def read(path: Path, origin: Origin) -> b.ReadResult:
    sid = origin.source_id
    df = b.read_csv_text(path, sid, COLUMNS)
    df.columns = [str(c).lstrip("\ufeff") for c in df.columns]
    q = b.Quarantine(sid)
    report: list[pd.DataFrame] = []
    year = b.to_number(df, "Time Period", q, integer=True, nonnegative=True)
    exports = b.to_number(df, EXPORTS, q, nonnegative=True)
    imports = b.to_number(df, IMPORTS, q, nonnegative=True)
    q.add(exports.isna() & imports.isna(), EXPORTS, "no data: both values missing")
    reporter = b.map_country(df, "Country Code", "imf", q, years=year, report=report)
    q.add(
        (reporter.iso3 != "USA") & (reporter.status == "country"),
        "Country Code",
        "reporter is not the United States (IMF 111)",
        df["Country Code"],
    )
    partner = b.map_country(
        df, "Counterpart Country Code", "imf", q, years=year,
        quarantine_aggregates=False, report=report,
    )  # fmt: skip
    frame = pd.DataFrame(
        {
            "code": df["Counterpart Country Code"].str.strip(),
            "partner": partner.iso3,
            "year": year,
            "exports": exports,
            "imports": imports,
            "_row": df.index,
        }
    )
    frame = frame.drop(index=q.bad_index())
    b.flag_duplicates(frame, ["code", "year"], q, "Counterpart Country Code")
    frame = frame.drop(index=q.bad_index(), errors="ignore")
    frame = frame[(partner.status == "country").reindex(frame.index)]
    ex = b.melt_obs(
        frame.assign(iso3_o="USA", iso3_d=frame["partner"]),
        ["iso3_o", "iso3_d", "year"],
        {"exports": "trade_dots_us_exports_fob"},
    )
    im = b.melt_obs(
        frame.assign(iso3_o=frame["partner"], iso3_d="USA"),
        ["iso3_o", "iso3_d", "year"],
        {"imports": "trade_dots_us_imports_cif"},
    )
    obs = pd.concat([ex, im], ignore_index=True)
    obs = b.resolve_observations(obs, ["iso3_o", "iso3_d", "year", "indicator"], q)
    obs["year"] = obs["year"].astype("int32")
    return b.finish({"dyad_year": obs}, len(df), q, report)
