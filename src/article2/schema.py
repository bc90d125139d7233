"""The warehouse's canonical tables: names, columns and what each column means.

Every observation table has a ``source_id`` column that points into ``sources``. Country keys
are ISO3 (see :mod:`article2.countries`); dissolved states use ISO 3166-3 codes, entities
without an ISO code use codes from the user-assigned X range.
"""

from __future__ import annotations

__all__ = ["TABLES", "columns", "ddl"]

#: table -> (column definitions, description, sort order for loading)
TABLES: dict[str, tuple[str, str, str]] = {
    "sources": (
        """source_id VARCHAR PRIMARY KEY, dataset VARCHAR, title VARCHAR, producer VARCHAR,
        license VARCHAR, citation VARCHAR, url VARCHAR, vintage VARCHAR, sha256 VARCHAR,
        bytes BIGINT, retrieved VARCHAR, coverage VARCHAR, caveats VARCHAR,
        rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT,
        year_min INTEGER, year_max INTEGER, n_countries INTEGER, status VARCHAR""",
        "One row per raw file: its origin, checksum and what the build made of it.",
        "source_id",
    ),
    "countries": (
        """iso3 VARCHAR PRIMARY KEY, name VARCHAR, kind VARCHAR, iso2 VARCHAR, un_code INTEGER,
        cow_code INTEGER, cow_abb VARCHAR, gw_code INTEGER, gapminder VARCHAR, wb_code VARCHAR,
        continent VARCHAR, un_region VARCHAR, un_subregion VARCHAR, start_year INTEGER,
        end_year INTEGER, successor VARCHAR""",
        "The identity table: one row per entity key (ISO3) with its codes in other systems.",
        "iso3",
    ),
    "indicators": (
        """indicator VARCHAR, source_id VARCHAR, table_name VARCHAR, unit VARCHAR,
        description VARCHAR, directed BOOLEAN""",
        "Registry of every indicator in country_year, aggregate_year and dyad_year.",
        "indicator",
    ),
    "country_year": (
        "iso3 VARCHAR, year INTEGER, indicator VARCHAR, value DOUBLE, source_id VARCHAR",
        "Country-year observations, long format.",
        "indicator, iso3, year",
    ),
    "aggregate_year": (
        "code VARCHAR, name VARCHAR, year INTEGER, indicator VARCHAR, value DOUBLE, source_id VARCHAR",
        "Observations for regional/income aggregates (World Bank WLD, EAS, ...), kept apart.",
        "indicator, code, year",
    ),
    "dyad_year": (
        """iso3_o VARCHAR, iso3_d VARCHAR, year INTEGER, indicator VARCHAR, value DOUBLE,
        source_id VARCHAR""",
        "Directed dyad-year observations: o = origin (exporter, or first state), "
        "d = destination (importer, or second state). Undirected indicators are stored in "
        "both directions.",
        "indicator, iso3_d, iso3_o, year",
    ),
    "agreements": (
        """agreement_id VARCHAR, catalogue VARCHAR, treaty_id VARCHAR, title VARCHAR,
        agreement_type VARCHAR, doc_type VARCHAR, geog_area VARCHAR,
        begin_date DATE, signature DATE, signature_precision VARCHAR, force DATE,
        force_precision VARCHAR, end_date DATE, catalogue_id VARCHAR, url VARCHAR,
        source_id VARCHAR""",
        "Trade agreements as listed by DESTA, GPTAD and HUGGO (catalogue says which).",
        "catalogue, agreement_id",
    ),
    "memberships": (
        """agreement_id VARCHAR, catalogue VARCHAR, iso3 VARCHAR, state_id VARCHAR,
        state_name VARCHAR, signature DATE, signature_precision VARCHAR, force DATE,
        force_precision VARCHAR, end_date DATE, state_signature DATE, state_ratification DATE,
        state_force DATE, state_end DATE, accession DATE, source_id VARCHAR""",
        "Members of each agreement. iso3 is NULL for blocs (EC, EFTA) listed as members; "
        "their state_id is kept.",
        "catalogue, agreement_id, iso3",
    ),
    "state_system": (
        """iso3 VARCHAR, cow_code INTEGER, cow_abb VARCHAR, name VARCHAR, start_date DATE,
        end_date DATE, source_id VARCHAR""",
        "COW state-system membership spells.",
        "cow_code, start_date",
    ),
    "capitals": (
        """iso3 VARCHAR, cow_code INTEGER, name VARCHAR, capital VARCHAR, start_date DATE,
        end_date DATE, lat DOUBLE, lng DOUBLE, source_id VARCHAR""",
        "Capitals of COW states with coordinates and validity dates.",
        "iso3, start_date",
    ),
    "contiguity": (
        """iso3_a VARCHAR, iso3_b VARCHAR, cow_a INTEGER, cow_b INTEGER, conttype INTEGER,
        start_date DATE, end_date DATE, source_id VARCHAR""",
        "COW direct contiguity spells (type 1 land/river ... 5 separated by up to 400 miles of "
        "water), one row per direction.",
        "iso3_a, iso3_b, start_date",
    ),
    "gravity_agtpa": (
        """application VARCHAR, exporter VARCHAR, importer VARCHAR, pair_id INTEGER,
        year INTEGER, trade DOUBLE, dist DOUBLE, cntg INTEGER, lang INTEGER, clny INTEGER,
        rta INTEGER, source_id VARCHAR""",
        "The Advanced Guide's application datasets (manufacturing trade in USD millions, incl. "
        "intra-national flows); exporter/importer as ISO3.",
        "application, year, exporter, importer",
    ),
    "dyad_agreement_dta": (
        """iso3_o VARCHAR, iso3_d VARCHAR, year INTEGER, dta_id INTEGER, agreement VARCHAR,
        provisions MAP(VARCHAR, INTEGER), source_id VARCHAR""",
        "Deep-trade-agreement id and provision dummies per directed dyad-year of the Comtrade "
        "extract (only rows with an agreement, id != 0).",
        "iso3_o, iso3_d, year",
    ),
    "geodist": (
        """iso3_o VARCHAR, iso3_d VARCHAR, code_o VARCHAR, code_d VARCHAR, contig TINYINT,
        comlang_off TINYINT, comlang_ethno TINYINT, colony TINYINT, comcol TINYINT,
        curcol TINYINT, col45 TINYINT, smctry TINYINT, dist DOUBLE, distcap DOUBLE,
        distw DOUBLE, distwces DOUBLE, source_id VARCHAR""",
        "CEPII GeoDist, one row per ordered pair (time-invariant): dummies for contiguity, "
        "common official/ethnic language, colonial ties and former same country; distances in "
        "km (most populated cities, capitals, population-weighted). code_o/code_d are "
        "CEPII's codes.",
        "iso3_o, iso3_d",
    ),
    "geodist_countries": (
        """iso3 VARCHAR, code VARCHAR, name VARCHAR, area DOUBLE, landlocked TINYINT,
        continent VARCHAR, capital VARCHAR, lat DOUBLE, lon DOUBLE, source_id VARCHAR""",
        "CEPII GeoDist countries: area (km2), landlocked, continent and the capital's "
        "coordinates (code is CEPII's).",
        "iso3",
    ),
    "source_countries": (
        """code VARCHAR, name VARCHAR, iso3 VARCHAR, region VARCHAR, subregion VARCHAR,
        source_id VARCHAR""",
        "Country lists shipped with a source (code as the source writes it, its ISO3).",
        "code",
    ),
    "gapminder_resources": (
        "resource VARCHAR, path VARCHAR, primary_key VARCHAR, fields VARCHAR, source_id VARCHAR",
        "Resources declared in Gapminder's DDF datapackage descriptor.",
        "resource",
    ),
    "quarantine": (
        "source_id VARCHAR, row BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR",
        "Row-level problems found by the build (row = 1-based data row of the raw file).",
        "source_id, row",
    ),
    "unmapped": (
        "source_id VARCHAR, system VARCHAR, code VARCHAR, rows BIGINT, status VARCHAR",
        "Codes in a source that are not countries (unmapped, or aggregates), with row counts.",
        "source_id, code",
    ),
    "actor_members": (
        "actor VARCHAR, year INTEGER, iso3 VARCHAR",
        "Who makes up each actor (USA, JPN, CHN, EU, USA+JPN) in each year of the warehouse's "
        "coverage: the EU its members of that year, USA+JPN the two states; written at build "
        "from article2.countries (see article2.measures.members).",
        "actor, year, iso3",
    ),
    "build_info": (
        "key VARCHAR PRIMARY KEY, value VARCHAR",
        "When and from what the warehouse was built.",
        "key",
    ),
}


def ddl(table: str) -> str:
    """``CREATE TABLE`` statement for one canonical table."""
    cols, _, _ = TABLES[table]
    return f"CREATE TABLE {table} ({cols})"


def columns(table: str) -> list[str]:
    """Column names of a canonical table, in order."""
    cols, _, _ = TABLES[table]
    out = []
    depth = 0
    current = ""
    for ch in cols:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(current)
            current = ""
        else:
            current += ch
    out.append(current)
    return [c.split()[0] for c in (x.strip() for x in out) if c]
