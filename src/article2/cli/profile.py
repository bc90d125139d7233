"""Commands for presence profiles: ``profile`` (one country) and ``compare`` (side by side)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from article2.cli._app import (
    Format,
    WideOpt,
    app,
    choice,
    console,
    emit,
    fail,
    in_years,
    known_country,
    number,
    print_table,
)

if TYPE_CHECKING:
    import pandas as pd

    from article2.profiles import Figure, Profile

__all__ = ["compare", "profile"]

YearOpt = Annotated[
    int | None,
    typer.Option("--year", "-y", callback=in_years,
                 help="Year (default: the latest year with data per channel)."),
]  # fmt: skip
SourceOpt = Annotated[
    str | None,
    typer.Option(
        "--trade-source",
        help="Trade source: cow (COW, importer-reported, annual to 2014), comtrade "
        "(UN Comtrade, exporter-reported, every 4 years to 2016) or imf (IMF IMTS, "
        "importer-reported, annual; after `article2 fetch imf_imts`). Default: the annual "
        "source with the newest year for the country (imf once fetched, else cow).",
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]

#: the actors of a profile, in its order (:data:`article2.profiles.ACTORS`; a test checks)
ACTORS = ("USA", "JPN", "CHN", "EU", "USA+JPN")
#: the trade sources ``--trade-source`` allows (:data:`article2.profiles.TradeSource`)
TRADE_SOURCES = ("cow", "comtrade", "imf")

#: how a kind of number of the profile is shown: the unit given to :func:`number`
_UNITS = {"pct": "share (0-1)", "%": "% change", "pp": "pp", "x": "", "gdp": "% of GDP",
          "p": "percentile", "": "current USD"}  # fmt: skip


def _num(v, kind: str = "") -> str:
    """A number of the profile in the one format of its kind (see :data:`_UNITS`)."""
    return number(v, _UNITS[kind])


def _get(p: Profile) -> dict[tuple[str, str, str], Figure]:
    return {(f.section, f.actor, f.channel): f for f in p.figures}


def _run(fn):
    from article2.errors import WarehouseMissingError
    from article2.profiles import UnknownCountryError, YearOutOfCoverageError

    try:
        return fn()
    except (UnknownCountryError, YearOutOfCoverageError, WarehouseMissingError) as exc:
        raise fail(str(exc)) from exc
    except ValueError as exc:
        raise fail(str(exc)) from exc


def _print_profile(p: Profile, wide: bool = False) -> None:
    years = ", ".join(f"{k} {v if v is not None else '–'}" for k, v in p.years.items())
    console.print(f"[bold]{p.name} ({p.iso3})[/] — years used: {years}", highlight=False)
    fig = _get(p)
    rows = []
    for ch in ("exports", "imports"):
        for actor in ACTORS:
            f = fig.get(("trade", actor, ch))
            if f is None:
                continue
            rows.append([actor, f"{ch} {'to' if ch == 'exports' else 'from'}", _num(f.value),
                         _num(f.share, "pct"), _num(f.intensity, "x"),
                         _num(f.share_delta_5y, "pp"), _num(f.share_delta_10y, "pp"),
                         _num(f.asymmetry, "pp")])  # fmt: skip
    print_table(f"Trade, {p.years['trade'] or '–'} — {p.trade_source_label}",
                ["actor", "channel", "value (USD)", "share", "intensity", "Δshare 5y",
                 "Δshare 10y", "asymmetry"], rows,
                right=("value (USD)", "share", "intensity", "Δshare 5y", "Δshare 10y",
                       "asymmetry"), wide=wide)  # fmt: skip
    rows = [[f.actor, f.channel, _num(f.value), _num(f.pct_gdp, "gdp"), f.note]
            for f in p.figures if f.section == "finance"]  # fmt: skip
    print_table(f"Official finance, {p.years['finance'] or '–'} (commitments)",
                ["actor", "channel", "value (USD)", "% of GDP", "note"], rows,
                right=("value (USD)", "% of GDP"), wide=wide)  # fmt: skip
    channels = [f.channel for f in p.figures if f.section == "ties" and f.actor == "USA"]
    rows = [[ch, *(number(getattr(fig.get(("ties", a, ch)), "value", None), "count")
                   for a in ACTORS)] for ch in channels]  # fmt: skip
    print_table(f"Ties — alliances {p.years['alliances'] or '–'}, IGOs {p.years['igo'] or '–'}, "
                f"agreements in force {p.years['agreements'] or '–'}",
                ["tie", *ACTORS], rows, right=ACTORS, wide=wide)  # fmt: skip
    rows = [[a.channel, _num(a.share_usa, "pct"), _num(a.share_jpn, "pct"),
             _num(a.share_chn, "pct"), _num(a.share_alliance, "pct"), _num(a.overlap, "pct"),
             a.lead, a.pattern, _num(a.balance, "x"), _num(a.balance_change_5y.delta, "x"),
             _num(a.complementarity, "x"), _num(a.balance_change_10y.delta, "x")]
            for a in p.alignment]  # fmt: skip
    print_table("U.S.–Japan alignment and the alliance's weight against China",
                ["channel", "USA", "JPN", "CHN", "USA+JPN", "overlap", "lead", "pattern",
                 "balance", "Δ5y", "complementarity", "Δ10y"], rows,
                right=("USA", "JPN", "CHN", "USA+JPN", "overlap", "balance", "Δ5y",
                       "complementarity", "Δ10y"),
                wide_only=("complementarity", "Δ10y"), wide=wide)  # fmt: skip
    rows = [[e.measure, number(e.value, e.unit), number(e.percentile, "percentile"),
             str(e.n_countries), str(e.year or "–"), e.unit, e.note]
            for e in p.exposure]  # fmt: skip
    print_table("Coercion exposure (percentile among all countries, same year)",
                ["measure", "value", "percentile", "countries", "year", "unit", "note"], rows,
                right=("value", "percentile", "countries"), wide_only=("unit",),
                wide=wide)  # fmt: skip
    rows = []
    for f in p.figures:
        if f.section == "economy":
            # the projected growth is a yearly rate held as a fraction
            v = _num(f.value, "pct") if "growth" in f.channel else number(f.value, f.unit)
            rows.append([f.channel, v, f.unit, str(f.year or "–"), f.note])
    print_table(f"Economy, {p.years['economy'] or '–'}",
                ["indicator", "value", "unit", "year", "note"], rows, right=("value",),
                wide=wide)  # fmt: skip
    sources = sorted({s for f in p.figures for s in f.source_ids})
    console.print("sources: " + "; ".join(sources), highlight=False)
    for n in p.notes:
        console.print(f"note: {n}", highlight=False)
    if p.channels is not None:
        _print_channels(p, wide)
    from article2.cli.profile_answers import print_answers

    print_answers(p, wide)


#: fiscal/calendar years shown in the new channels' yearly tables (the latest N with data)
_CHANNEL_YEARS = 12


def _series(t: pd.DataFrame, measure: str, partner: str = "USA") -> dict[int, float]:
    sub = t[(t["measure"] == measure) & (t["partner"] == partner)]
    return {int(y): v for y, v in zip(sub["year"], sub["value"], strict=True)}


def _unit(table: pd.DataFrame, measure: str) -> str:
    """The unit of ``measure`` in a channel table (its ``unit`` column, from the measures
    layer's metadata)."""
    units = table.loc[table["measure"] == measure, "unit"]
    return str(units.iloc[0]) if len(units) else ""


def _year_rows(title: str, first: str, table: pd.DataFrame,
               cols: tuple[tuple[str, str], ...], year_label, *,
               wide_only: tuple[str, ...] = (), wide: bool = False) -> None:
    """Columns ``first`` then one per (label, measure) of ``cols``, each number in its
    measure's unit, and a row for each of the last :data:`_CHANNEL_YEARS` years with a value of
    any of the measures."""
    series = {m: _series(table, m) for _, m in cols}
    units = {m: _unit(table, m) for _, m in cols}
    years = sorted({y for s in series.values() for y in s})[-_CHANNEL_YEARS:]
    rows = [[year_label(y), *(number(series[m].get(y), units[m]) for _, m in cols)]
            for y in years]  # fmt: skip
    labels = [label for label, _ in cols]
    print_table(title, [first, *labels], rows, right=labels, wide_only=wide_only, wide=wide)


def _print_channels(p: Profile, wide: bool = False) -> None:
    """The new channels: U.S. assistance by fiscal year, U.S. goods trade, who moves."""
    ch = p.channels
    assert ch is not None
    latest = ch.latest
    aid = ch.tables["us_aid"]
    cols: tuple[tuple[str, str], ...] = (("obligations", "us_aid_obligations"),
            ("disbursements", "us_aid_disbursements"),
            ("obligations % GDP", "us_aid_obligations_pct_gdp"),
            ("disbursements % GDP", "us_aid_disbursements_pct_gdp"),
            ("obligations, constant", "us_aid_obligations_constant"),
            ("disbursements, constant", "us_aid_disbursements_constant"))  # fmt: skip
    partial = latest["us_aid"].partial
    _year_rows(f"U.S. foreign assistance to {p.name} by U.S. fiscal year — all assistance, "
               "military included (not ODA), current USD", "fiscal year", aid, cols,
               lambda y: f"FY{y} (partial)" if y in partial else f"FY{y}",
               wide_only=("obligations, constant", "disbursements, constant"),
               wide=wide)  # fmt: skip
    fin = ch.tables["finance"]
    rows = []
    shown = (("USA", "us_aid_obligations"), ("USA", "us_aid_disbursements"),
             ("CHN", "cn_official_finance"), ("JPN", "dac_oda"), ("EU", "dac_oda"))  # fmt: skip
    for actor, measure in shown:
        s = {y: v for y, v in _series(fin, measure, actor).items() if y not in partial}
        if not s:
            fetched = bool(ch.latest["dac_oda"].source_ids)  # DAC2A rows for the country
            what = ("run `article2 fetch oecd_dac2a`" if measure == "dac_oda" and not fetched
                    else "no record")  # fmt: skip
            rows.append([actor, measure, "–", "–", "", what])
            continue
        y = max(s)
        row = fin[(fin["measure"] == measure) & (fin["partner"] == actor) & (fin["year"] == y)]
        unit = str(row["unit"].iloc[0])
        rows.append([actor, measure, f"{'FY' if actor == 'USA' else ''}{y}", number(s[y], unit),
                     unit, str(row["source_ids"].iloc[0])])  # fmt: skip
    print_table(f"Who finances {p.name} — each actor in its own terms (not summed or ranked)",
                ["actor", "measure", "latest year", "value", "unit", "source"], rows,
                right=("value",), wide=wide)  # fmt: skip
    for actor, text in ch.definitions.items():
        console.print(f"{actor}: {text}", highlight=False, markup=False)
    trade = ch.tables["us_trade"]
    cols = (("exports (FOB)", "us_exports_to"),
            ("imports (CIF)", "us_imports_from"),
            ("total", "us_goods_trade"),
            ("change 1y", "us_goods_trade_growth_1y"),
            ("exports % GDP", "us_exports_to_pct_gdp"),
            ("imports % GDP", "us_imports_from_pct_gdp"),
            ("change 5y", "us_goods_trade_growth_5y"))  # fmt: skip
    _year_rows(f"U.S. goods trade with {p.name} — as reported by the United States (IMF DOTS), "
               "current USD; U.S. exports to it and imports from it", "year", trade, cols, str,
               wide_only=("change 5y",), wide=wide)  # fmt: skip
    mig, stu = ch.tables["migrants"], ch.tables["students"]
    my = latest["migrants"].year
    sy = latest["students"].year
    rows = []
    def at(table: pd.DataFrame, measure: str, year: int | None, partner: str) -> str:
        v = _series(table, measure, partner).get(year) if year is not None else None
        return number(v, _unit(table, measure))

    for partner in ("USA", "JPN", "EU", "KOR"):
        rows.append([partner, at(mig, "migrants_in_partner", my, partner),
                     at(mig, "migrants_from_partner", my, partner),
                     at(stu, "students_in_partner", sy, partner),
                     at(stu, "students_in_partner_share", sy, partner)])  # fmt: skip
    heads = ["partner", f"born in {p.iso3}, living in partner",
             f"born in partner, living in {p.iso3}", f"{p.iso3} students in partner",
             "share of its students abroad (in data)"]  # fmt: skip
    print_table(f"Who moves — migrants {my or '–'} (UN DESA), tertiary students {sy or '–'} "
                "(OECD)", heads, rows, right=heads[1:], wide=wide)  # fmt: skip
    for c in latest.values():
        src = "; ".join(c.source_ids) or "no data"
        console.print(
            f"latest {c.channel}: {c.year or '–'} — {c.label} [{src}]",
            highlight=False,
            markup=False,
        )
        for why in c.partial.values():
            console.print(f"  left out: {why}", highlight=False, markup=False)
        if c.caveats:
            console.print(f"  caveats: {c.caveats}", highlight=False, markup=False)
    for n in ch.notes:
        console.print(f"note: {n}", highlight=False, markup=False)


@app.command()
def profile(
    iso3: Annotated[str, typer.Argument(help="Target country (ISO3), e.g. VNM.")],
    year: YearOpt = None,
    trade_source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
    wide: WideOpt = False,
) -> None:
    """Presence profile of a country: U.S., Japanese, Chinese, EU and U.S.+Japan trade,
    official finance, alliances, IGOs and agreements; alignment; coercion exposure.

    Example: article2 profile VNM --year 2014 --trade-source cow
    """
    choice(trade_source, TRADE_SOURCES, "--trade-source")  # None: the newest source
    import pandas as pd

    from article2 import api

    p = _run(lambda: api.profile(iso3, year=year, trade_source=trade_source))  # type: ignore[arg-type]
    if fmt is Format.table:
        _print_profile(p, wide)
    elif p.channels is not None:
        emit(pd.concat([p.to_frame(), p.channels.to_frame()], ignore_index=True), fmt)
    else:
        emit(p.to_frame(), fmt)


_HEADLINE = [
    ("trade", "USA", "exports"),
    ("trade", "JPN", "exports"),
    ("trade", "CHN", "exports"),
    ("trade", "EU", "exports"),
    ("trade", "USA+JPN", "exports"),
    ("trade", "USA", "imports"),
    ("trade", "JPN", "imports"),
    ("trade", "CHN", "imports"),
    ("trade", "EU", "imports"),
    ("trade", "USA+JPN", "imports"),
]


#: new-channel rows of the comparison: (label, table, measure, partner); each cell is the
#: country's latest value with its year
_COMPARE_CHANNELS = (
    ("U.S. assistance obligations (all, fiscal year)", "us_aid", "us_aid_obligations", "USA"),
    ("U.S. goods trade (DOTS)", "us_trade", "us_goods_trade", "USA"),
    ("migrants born here, in the U.S.", "migrants", "migrants_in_partner", "USA"),
    ("migrants born here, in Japan", "migrants", "migrants_in_partner", "JPN"),
    ("tertiary students in the U.S.", "students", "students_in_partner", "USA"),
    ("tertiary students in Japan", "students", "students_in_partner", "JPN"),
)


def _latest_cell(p: Profile, table: str, measure: str, partner: str) -> str:
    if p.channels is None:
        return "–"
    partial = p.channels.latest["us_aid"].partial if table == "us_aid" else {}
    s = {
        y: v
        for y, v in _series(p.channels.tables[table], measure, partner).items()
        if v == v and y not in partial
    }
    if not s:
        return "–"
    y = max(s)
    unit = _unit(p.channels.tables[table], measure)
    return f"{number(s[y], unit)} ({'FY' if table == 'us_aid' else ''}{y})"


def _compare_table(profiles: list[Profile], wide: bool = False) -> None:
    rows: list[list[str]] = []
    figs = [_get(p) for p in profiles]
    rows.append(["trade year", *(str(p.years["trade"] or "–") for p in profiles)])
    for key in _HEADLINE:
        label = f"{key[1]} share of {key[2]}"
        rows.append([label, *(_num(getattr(f.get(key), "share", None), "pct") for f in figs)])
    for ch in ("exports", "imports"):
        row = []
        for p in profiles:
            a = next((x for x in p.alignment if x.channel == ch), None)
            row.append(f"{_num(a.balance, 'x')} ({a.pattern})" if a else "–")
        rows.append([f"{ch}: alliance vs China balance", *row])
    for key, label in (
        (("finance", "CHN", "ODA-like"), "Chinese ODA-like finance"),
        (("finance", "CHN", "OOF-like"), "Chinese OOF-like finance"),
    ):
        rows.append([
            f"{label} ({profiles[0].years['finance']})",
            *(
                _num(getattr(f.get(key), "value", None))
                if getattr(f.get(key), "value", None) is not None
                else getattr(f.get(key), "note", "–")
                for f in figs
            ),
        ])  # fmt: skip
    for actor in ("USA", "JPN", "CHN"):
        rows.append([
            f"agreements in force with {actor}",
            *(number(getattr(f.get(("ties", actor, "agreements_in_force")), "value", None),
                     "count") for f in figs),
        ])  # fmt: skip
    for i, e in enumerate(profiles[0].exposure):
        rows.append([
            e.measure,
            *(f"{number(p.exposure[i].value, p.exposure[i].unit)} "
              f"(p{number(p.exposure[i].percentile, 'percentile')})" for p in profiles),
        ])  # fmt: skip
    for ch in ("GDP", "population", "GDP per capita"):
        rows.append([ch, *(number(getattr(f.get(("economy", "", ch)), "value", None),
                                  getattr(f.get(("economy", "", ch)), "unit", ""))
                           for f in figs)])  # fmt: skip
    for label, table, measure, partner in _COMPARE_CHANNELS:
        rows.append([label, *(_latest_cell(p, table, measure, partner) for p in profiles)])
    print_table("Comparison (trade shares; exposure values with percentiles)",
                ["measure", *(p.iso3 for p in profiles)], rows,
                right=[p.iso3 for p in profiles], wide=wide)  # fmt: skip
    console.print(f"trade source: {profiles[0].trade_source_label}", highlight=False)


@app.command()
def compare(
    iso3s: Annotated[list[str], typer.Argument(help="Target countries (ISO3).")],
    year: YearOpt = None,
    trade_source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
    wide: WideOpt = False,
) -> None:
    """Several countries' presence profiles side by side.

    Example: article2 compare MMR VNM IND KOR --format table
    """
    choice(trade_source, TRADE_SOURCES, "--trade-source")  # None: the newest source
    iso3s = [known_country(c, "ISO3") for c in iso3s]
    import pandas as pd

    from article2 import api
    from article2.profiles import shared_trade_source

    def run() -> list:
        # one trade source for every country, so that their figures compare
        source = trade_source or shared_trade_source(iso3s)
        return [api.profile(c, year=year, trade_source=source) for c in iso3s]  # type: ignore[arg-type]

    profiles = _run(run)
    if fmt is Format.table:
        _compare_table(profiles, wide)
    else:
        import warnings

        with warnings.catch_warnings():
            # pandas' notice that all-missing columns will one day set the dtype: the rows
            # are the same either way (missing stays missing)
            warnings.simplefilter("ignore", FutureWarning)
            frame = pd.concat([p.to_frame() for p in profiles], ignore_index=True)
        emit(frame, fmt)
