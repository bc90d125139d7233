"""The brief's sections on the profile's channels and on other capabilities, as printed blocks.

Every number here is read from the brief's :class:`~article2.profiles.Profile` (its
``channels``: :mod:`article2.measures.channels`; its ``alignment``) or from a capability's
table, and formatted with :func:`article2.briefs.numbers.fmt_value` in the unit the measures
layer gives it; nothing is queried or recomputed. Headings, column names and definitions are
words for readers: the definitions come from the measures' own metadata
(:class:`article2.measures._channels.Measure`), never an internal name.

Pure: each function takes the brief's data (and, for charts, a function that draws one) and
returns :class:`~article2.briefs.blocks.Block` or :class:`~article2.briefs.blocks.Table`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from article2 import countries
from article2.briefs import charts as _charts
from article2.briefs.assemble import BriefData
from article2.briefs.blocks import Block, Chart, Table
from article2.briefs.numbers import fmt_column, fmt_value
from article2.measures import official_finance, people, us_aid, us_trade
from article2.measures._channels import Measure
from article2.measures.channels import Channels
from article2.profiles.coverage import channel_coverage, fetched_words, reference_year_note

__all__ = [
    "ACTOR_WORDS",
    "coverage_table",
    "finance_block",
    "historical_years",
    "people_block",
    "reference_sentence",
    "us_trade_block",
]

#: actor code -> how the brief names it
ACTOR_WORDS = {
    "USA": "United States",
    "JPN": "Japan",
    "CHN": "China",
    "EU": "EU members",
    "KOR": "Korea",
    "USA+JPN": "United States and Japan",
}
#: every channel measure's metadata, by name (unit and definition)
_MEASURES: dict[str, Measure] = {
    **us_aid.MEASURES,
    **us_trade.MEASURES,
    **people.MEASURES,
    **official_finance.MEASURES,
}
NO_VALUE = "—"
#: rows of a year-by-measure table (the latest ones)
_YEARS_SHOWN = 10

Draw = Callable[[Callable[[], object]], str]


# ------------------------------------------------------------------------------ helpers


def _value(ch: Channels, table: str, measure: str, year: int, partner: str = "USA") -> float | None:
    t = ch.tables[table]
    hit = t[(t["measure"] == measure) & (t["year"] == year) & (t["partner"] == partner)]
    return None if hit.empty or pd.isna(hit["value"].iloc[0]) else float(hit["value"].iloc[0])


def _fmt(value: float | None, measure: str) -> str:
    return NO_VALUE if value is None else fmt_value(value, _MEASURES[measure].unit)


def _cell(value: float | None, measure: str) -> str:
    """A table cell: like :func:`_fmt`, but persons in full (one format down a column)."""
    if value is not None and _MEASURES[measure].unit == "persons":
        return fmt_value(value, "count")
    return _fmt(value, measure)


def _years(ch: Channels, table: str, measure: str, partner: str | None = None) -> list[int]:
    t = ch.tables[table]
    t = t[(t["measure"] == measure) & t["value"].notna()]
    if partner is not None:
        t = t[t["partner"] == partner]
    return sorted({int(y) for y in t["year"].dropna()})


def _rows(first: list[str], columns: list[list[float | None]], measures: list[str]) -> tuple:
    """Table rows from a first column and value columns, each column formatted alike in its
    measure's unit (:func:`article2.briefs.numbers.fmt_column`)."""
    cells = [
        fmt_column(vals, _MEASURES[m].unit, NO_VALUE)
        for vals, m in zip(columns, measures, strict=True)
    ]
    return tuple((f, *(c[i] for c in cells)) for i, f in enumerate(first))  # fmt: skip


def _definition(label: str, measure: str) -> str:
    m = _MEASURES[measure]
    return f"{label}: {m.definition} ({m.unit})."


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _grew(pct: float) -> str:
    return f"grew {fmt_value(pct, '%')}" if pct >= 0 else f"fell {fmt_value(-pct, '%')}"


# ------------------------------------------------------------------------------ cover


def coverage_table(data: BriefData) -> Table | None:
    """The cover's table: one row per channel with what it measures, its latest year and its
    source in words (:func:`article2.profiles.coverage.channel_coverage`)."""
    if data.profile is None:
        return None
    rows, notes = [], []
    for c in channel_coverage(data.profile):
        if c.year is not None:
            year = str(c.year)
        else:
            year = "not loaded" if c.key == "dac_oda" else "no data"
        rows.append((c.channel, year, c.source))
        if c.note:
            notes.append(f"{c.channel}, {c.note}.")
    return Table(
        "Latest year and source per channel",
        ("channel", "latest year", "source"),
        tuple(rows),
        nowrap=(1,),
        notes=tuple(notes),
    )


def reference_sentence(data: BriefData) -> str:
    """Why the brief's reference year is what it is."""
    p = data.profile
    if p is not None and not data.year_asked and p.years.get("trade") == data.year:
        return reference_year_note(data.year, p.trade_source_label)
    return (
        f"Reference year {data.year}: the year asked for. Trade shares, exposure and agreements "
        "are shown in that year; other channels show their own latest year, listed in this table."
    )


# ------------------------------------------------------------------------------ history


#: country -> (predecessor, first year, last year, source, evidence): the trade source's series
#: of the country that holds a predecessor's trade before the country as it is today existed.
#: COW Dyadic Trade 4.0 has code 817 (Republic of Vietnam) only for 1954-1959 and code 816
#: (Vietnam) from 1960; the 816 rows of 1960-1975 are South Vietnam's trade: U.S. exports to 816
#: were $162 m in 1965 and $257 m in 1970 (raw file, flow columns of the 2-816 dyad) while the
#: United States embargoed North Vietnam, and China's share of 816's trade is nil until 1976
#: (tests/test_brief_reader.py checks this against the raw file).
TRADE_SERIES_BEFORE: dict[str, tuple[str, int, int, str, str]] = {
    "VNM": ("XRV", 1960, 1975, "COW code 816",
            "its partners are South Vietnam's: large U.S. trade during the war, none with China"),
}  # fmt: skip


def historical_years(iso3: str, years: list[int]) -> tuple[int | None, str]:
    """The first year of the country as it is today when the trade series' ``years`` reach
    back before it, and the sentence that labels the earlier years; ``(None, "")`` when no
    shown year is concerned.

    The first year is the last year of the identity table's historical entities whose successor
    is ``iso3``; whose figures the earlier years are comes from :data:`TRADE_SERIES_BEFORE`
    where the trade source is known to hold a predecessor's trade under the country's code.
    """
    if not years:
        return None, ""
    table = countries.country_table()
    pred = table[(table["successor"] == iso3) & (table["kind"] == "historical")]
    pred = pred[pred["end_year"].notna() & pred["start_year"].notna()]
    pred = pred[(pred["end_year"] > min(years)) & (pred["start_year"] <= max(years))]
    if pred.empty:
        return None, ""
    since = int(pred["end_year"].max())
    if min(years) >= since:
        return None, ""
    names = dict(zip(table["iso3"], table["name"], strict=True))
    name = names[iso3]
    text = f"Years before {since} are marked †: {name} as one state dates from {since}."
    known = TRADE_SERIES_BEFORE.get(iso3)
    if known is not None and known[1] < since and known[2] >= min(years):
        other, first, last, code, why = known
        text += (
            f" For {first}–{last} the trade source's series for {name} ({code}) holds the trade "
            f"of the {names[other]} (South Vietnam): {why}."
            if other == "XRV"
            else f" For {first}–{last} the trade source's series for {name} ({code}) holds the "
            f"trade of {names[other]}: {why}."
        )
    else:
        spans = [f"{r.name} ({int(r.start_year)}–{int(r.end_year)})" for r in pred.itertuples()]
        text += (
            f" Earlier years are those of the state the trade source codes as {name}; "
            f"{' and '.join(spans)} {'is' if len(spans) == 1 else 'are'} recorded apart."
        )
    return since, text


# ------------------------------------------------------------------------------ who finances


def finance_block(data: BriefData, draw: Draw) -> Block | None:
    """Who finances: official finance per actor side by side, each in its own terms, and the
    U.S. assistance detail by fiscal year."""
    if data.profile is None or data.profile.channels is None:
        return None
    ch = data.profile.channels
    name = data.name
    partial = dict(ch.latest["us_aid"].partial)
    fin = ch.tables["finance"]
    dac_loaded = bool(len(fin[fin["measure"] == "dac_oda"]))
    actors: list[tuple[str, str, str]] = [
        ("USA", "us_aid_obligations", "United States: obligations, current USD (fiscal year)"),
        ("CHN", "cn_official_finance", "China: commitments, constant 2021 USD"),
    ]
    if dac_loaded:
        actors += [
            ("JPN", "dac_oda", "Japan: ODA, current USD"),
            ("EU", "dac_oda", "EU members: ODA, current USD"),
        ]
    years = sorted(
        {y for a, m, _ in actors for y in _years(ch, "finance", m, a) if y not in partial}
    )[-_YEARS_SHOWN:]
    cn_last = ch.latest["cn_finance"].year
    if not years:
        return None
    side = Table(
        f"Official finance to {name} by actor, each in its own terms",
        ("year", *(label for _, _, label in actors)),
        _rows(
            [str(y) for y in years],
            [[_value(ch, "finance", m, y, a) for y in years] for a, m, _ in actors],
            [m for _, m, _ in actors],
        ),
        nowrap=(0,),
        notes=(
            f"{NO_VALUE} no value: the source has no record for the year (AidData: no record "
            "is not zero) or does not reach it"
            + (f" (AidData's latest year is {cn_last})." if cn_last else "."),
            *(_definition(label.split(":")[0], m) for _, m, label in actors[:2]),
        ),
    )
    us_cols = (
        ("us_aid_obligations", "obligations, current USD"),
        ("us_aid_obligations_constant", "obligations, constant USD"),
        ("us_aid_obligations_pct_gdp", "obligations, % of GDP"),
        ("us_aid_disbursements", "disbursements, current USD"),
        ("us_aid_disbursements_constant", "disbursements, constant USD"),
        ("us_aid_disbursements_pct_gdp", "disbursements, % of GDP"),
    )
    fy = [y for y in _years(ch, "us_aid", "us_aid_obligations") if y not in partial]
    fy = fy[-_YEARS_SHOWN:]
    us_table = Table(
        f"U.S. foreign assistance to {name} by U.S. fiscal year"
        + "".join(f" (FY{y} is partial and left out)" for y in sorted(partial)),
        ("fiscal year", *(label for _, label in us_cols)),
        _rows(
            [f"FY{y}" for y in fy],
            [[_value(ch, "us_aid", m, y) for y in fy] for m, _ in us_cols],
            [m for m, _ in us_cols],
        ),
        nowrap=(0,),
        notes=tuple(_definition(f"U.S. {label}", m) for m, label in us_cols[1:3]),
    )
    findings = []
    if fy:
        y = fy[-1]
        obl = _value(ch, "us_aid", "us_aid_obligations", y)
        pct = _value(ch, "us_aid", "us_aid_obligations_pct_gdp", y)
        dis = _value(ch, "us_aid", "us_aid_disbursements", y)
        text = (
            f"In fiscal year {y} the United States obligated {_fmt(obl, 'us_aid_obligations')} "
            f"of foreign assistance to {name}"
        )
        if pct is not None:
            text += f" ({_fmt(pct, 'us_aid_obligations_pct_gdp')} of its GDP)"
        if dis is not None:
            text += f" and disbursed {_fmt(dis, 'us_aid_disbursements')}"
        findings.append(text + ".")
    cn_years = _years(ch, "finance", "cn_official_finance", "CHN")
    if cn_years:
        y = cn_years[-1]
        v = _value(ch, "finance", "cn_official_finance", y, "CHN")
        findings.append(
            f"AidData records {_fmt(v, 'cn_official_finance')} (constant 2021 USD) of Chinese "
            f"official finance commitments to {name} in {y}, its latest year."
        )
    dac_years = sorted({*_years(ch, "finance", "dac_oda", "JPN"),
                        *_years(ch, "finance", "dac_oda", "EU")})  # fmt: skip
    if dac_years:
        y = dac_years[-1]
        said = [f"{_fmt(v, 'dac_oda')} from {who}" for who, v in
                (("Japan", _value(ch, "finance", "dac_oda", y, "JPN")),
                 ("EU members", _value(ch, "finance", "dac_oda", y, "EU"))) if v is not None]  # fmt: skip
        ids = fin.loc[(fin["measure"] == "dac_oda") & (fin["year"] == y), "source_ids"]
        where = fetched_words(";".join(sorted({str(i) for i in ids.dropna()}))) or "OECD DAC2A"
        if said:
            findings.append(
                f"The OECD (DAC2A) records {' and '.join(said)} of official development "
                f"assistance to {name} in {y}, its latest year (current USD; {where})."
            )
    notes = [us_aid.DEFINITION_NOTE]
    if not dac_loaded:
        notes.append(
            "Japanese and EU members' official development assistance (OECD DAC2A) is not "
            "loaded in this warehouse: `article2 fetch oecd_dac2a` downloads it and "
            "`article2 build` loads it."
        )
    frame = pd.concat(
        [
            pd.DataFrame({"panel": label.split(",")[0], "year": y,
                          "value": _value(ch, "finance", m, y, a)}
                         for y in _years(ch, "finance", m, a) if y not in partial)
            for a, m, label in actors
        ],
        ignore_index=True,
    )  # fmt: skip
    chart = Chart(
        f"Official finance to {name} by actor",
        f"Bar charts, one per actor, of official finance to {name} by year, each in its own "
        "unit (U.S. assistance by fiscal year; Chinese commitments in constant 2021 USD).",
        draw(lambda: _charts.panel_bars(frame.dropna(), y_title="USD million")),
        side,
    )
    return Block(
        f"Who finances {name}",
        findings=tuple(findings),
        charts=(chart,),
        tables=(us_table,),
        notes=tuple(notes),
    )


# ------------------------------------------------------------------------------ U.S. trade


def us_trade_block(data: BriefData, draw: Draw) -> Block | None:
    """Recent U.S. goods trade with the country (IMF DOTS, as the United States reports it)."""
    if data.profile is None or data.profile.channels is None:
        return None
    ch = data.profile.channels
    name = data.name
    years = _years(ch, "us_trade", "us_goods_trade")
    if not years:
        return None
    cols = (
        ("us_exports_to", "U.S. exports"),
        ("us_imports_from", "U.S. imports"),
        ("us_exports_to_growth_1y", "exports, change on the year"),
        ("us_imports_from_growth_1y", "imports, change on the year"),
        ("us_goods_trade_pct_gdp", f"both, % of {_possessive(name)} GDP"),
    )
    shown = years[-_YEARS_SHOWN:]
    table = Table(
        f"U.S. goods exports to and imports from {name}, current USD, as the United States "
        "reports them",
        ("year", *(label for _, label in cols)),
        _rows(
            [str(y) for y in shown],
            [[_value(ch, "us_trade", m, y) for y in shown] for m, _ in cols],
            [m for m, _ in cols],
        ),
        nowrap=(0,),
        notes=tuple(_definition(label, m) for m, label in cols[:2]),
    )
    y = years[-1]
    ex = _value(ch, "us_trade", "us_exports_to", y)
    im = _value(ch, "us_trade", "us_imports_from", y)
    pct = _value(ch, "us_trade", "us_goods_trade_pct_gdp", y)
    text = (
        f"In {y} the United States reported {_fmt(ex, 'us_exports_to')} of goods exports to "
        f"{name} and {_fmt(im, 'us_imports_from')} of goods imports from it (IMF Direction of "
        "Trade Statistics)"
    )
    text += (
        f", together {_fmt(pct, 'us_goods_trade_pct_gdp')} of {_possessive(name)} GDP."
        if (pct is not None)
        else "."
    )
    findings = [text]
    g_ex = _value(ch, "us_trade", "us_exports_to_growth_5y", y)
    g_im = _value(ch, "us_trade", "us_imports_from_growth_5y", y)
    if g_ex is not None and g_im is not None:
        findings.append(
            f"Over the five years to {y}, U.S. exports to {name} {_grew(g_ex)} and U.S. imports "
            f"from it {_grew(g_im)}."
        )
    trade_year = data.profile.years.get("trade")
    notes = [
        "These are the U.S. side's reports (exports FOB, imports CIF); the shares of "
        f"{_possessive(name)} trade above are importer-reported"
        + (f" and end in {trade_year}." if trade_year else ".")
    ]
    frame = pd.DataFrame(
        [{"series": f"{label} {'to' if 'exports' in m else 'from'} {name}", "year": yy,
          "value": _value(ch, "us_trade", m, yy)}
         for m, label in cols[:2] for yy in years]
    ).dropna()  # fmt: skip
    chart = Chart(
        f"U.S. goods trade with {name}",
        f"Line chart of U.S. goods exports to and imports from {name} by year, in USD billion.",
        draw(lambda: _charts.series_lines(frame, y_title="USD billion", scale=1e-9)),
        table,
    )
    return Block(
        f"Recent U.S. goods trade with {name}",
        findings=tuple(findings),
        charts=(chart,),
        notes=tuple(notes),
    )


# ------------------------------------------------------------------------------ who moves


def _partner_table(
    ch: Channels,
    table: str,
    measure: str,
    caption: str,
    partners: tuple[str, ...],
    extra: tuple[tuple[str, str], ...] = (),
) -> Table:
    years = _years(ch, table, measure)
    rows = []
    for p in partners:
        cells = [_cell(_value(ch, table, measure, y, p), measure) for y in years]
        cells += [_cell(_value(ch, table, m, years[-1], p), m) for m, _ in extra] if years else []
        rows.append((ACTOR_WORDS.get(p, p) if p else "All reporting destinations", *cells))
    return Table(
        caption,
        ("", *(str(y) for y in years), *(label for _, label in extra)),
        tuple(rows),
        notes=(_definition(caption.split(",")[0], measure),),
    )  # fmt: skip


def people_block(data: BriefData, draw: Draw) -> Block | None:
    """Who moves: migrants between the country and the U.S., Japan, the EU and Korea; its
    tertiary students there, with their share of its students abroad in the data."""
    if data.profile is None or data.profile.channels is None:
        return None
    ch = data.profile.channels
    name = data.name
    partners = people.PARTNERS
    have_mig = bool(_years(ch, "migrants", "migrants_in_partner"))
    have_stu = bool(_years(ch, "students", "students_in_partner"))
    if not (have_mig or have_stu):
        return None
    tables, findings = [], []
    if have_mig:
        tables.append(_partner_table(ch, "migrants", "migrants_in_partner",
                                     f"People born in {name}, living in the partner, persons",
                                     partners))  # fmt: skip
        tables.append(_partner_table(ch, "migrants", "migrants_from_partner",
                                     f"People born in the partner, living in {name}, persons",
                                     partners))  # fmt: skip
        y = _years(ch, "migrants", "migrants_in_partner")[-1]
        us = _value(ch, "migrants", "migrants_in_partner", y, "USA")
        jp = _value(ch, "migrants", "migrants_in_partner", y, "JPN")
        back = _value(ch, "migrants", "migrants_from_partner", y, "USA")
        text = (
            f"In {y}, {_fmt(us, 'migrants_in_partner')} people born in {name} lived in the "
            f"United States and {_fmt(jp, 'migrants_in_partner')} in Japan (UN DESA)"
        )
        if back is not None:
            text += (
                f"; {_fmt(back, 'migrants_from_partner')} people born in the United States "
                f"lived in {name}"
            )
        findings.append(text + ".")
    if have_stu:
        tables.append(_partner_table(
            ch, "students", "students_in_partner",
            f"Tertiary students from {name} enrolled in the partner, persons",
            (*partners, ""),
            extra=(("students_in_partner_share",
                    f"{_years(ch, 'students', 'students_in_partner')[-1]}: share of its students "
                    "abroad in the data"),),
        ))  # fmt: skip
        # the "all destinations" row is a different measure: fill it from its own rows
        t = tables[-1]
        years = _years(ch, "students", "students_in_partner")
        total = ("All reporting destinations",
                 *(_cell(_value(ch, "students", "students_abroad_in_data", y, ""),
                        "students_abroad_in_data") for y in years), "")  # fmt: skip
        tables[-1] = Table(t.caption, t.columns, (*t.rows[:-1], total), t.nowrap, t.notes)
        y = years[-1]
        parts: list[str] = []
        for p, where in (("USA", "the United States"), ("JPN", "Japan")):
            n = _value(ch, "students", "students_in_partner", y, p)
            s = _value(ch, "students", "students_in_partner_share", y, p)
            if n is not None:
                share = f" ({_fmt(s, 'students_in_partner_share')}" if s is not None else ""
                if share and not parts:
                    share += " of its students abroad in the reporting destinations"
                parts.append(f"{_fmt(n, 'students_in_partner')} in {where}{share})" if share
                             else f"{_fmt(n, 'students_in_partner')} in {where}")  # fmt: skip
        if parts:
            first, *rest = parts
            text = f"In {y}, {first.split(' in ', 1)[0]} of {_possessive(name)} tertiary students "
            text += f"abroad were enrolled in {first.split(' in ', 1)[1]}"
            text += "".join(f" and {r}" for r in rest)
            findings.append(text + " (OECD).")
        findings.append(
            "China reports no international students to the OECD, so students from "
            f"{name} in China are not in these figures and the shares are of students in the "
            "reporting destinations only."
        )
    frame = pd.concat(
        [
            pd.DataFrame([{"panel": panel, "series": ACTOR_WORDS[p], "year": y,
                           "value": _value(ch, table, m, y, p)}
                          for p in partners for y in _years(ch, table, m, p)])
            for table, m, panel, ok in (
                ("migrants", "migrants_in_partner", f"Born in {name}, living in the partner",
                 have_mig),
                ("students", "students_in_partner", f"Students from {name} in the partner",
                 have_stu),
            ) if ok
        ],
        ignore_index=True,
    ).dropna()  # fmt: skip
    chart = Chart(
        f"People moving between {name} and the partners",
        f"Line charts by partner of people born in {name} living there, and of students from "
        f"{name} enrolled there, by year (thousands).",
        draw(lambda: _charts.partner_lines(frame, y_title="thousands", scale=1e-3)),
        tables[0],
    )
    return Block(
        f"Who moves between {name} and the partners",
        findings=tuple(findings),
        charts=(chart,),
        tables=tuple(tables[1:]),
    )
