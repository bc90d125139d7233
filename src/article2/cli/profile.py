"""Commands for presence profiles: ``profile`` (one country) and ``compare`` (side by side)."""

from __future__ import annotations

import math
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from article2 import api
from article2.cli._app import Format, app, console, emit, fail
from article2.cli.profile_answers import print_answers
from article2.errors import WarehouseMissingError
from article2.profiles import (
    ACTORS,
    Figure,
    Profile,
    UnknownCountryError,
    YearOutOfCoverageError,
)

__all__ = ["compare", "profile"]

YearOpt = Annotated[
    int | None,
    typer.Option("--year", "-y", help="Year (default: the latest year with data per channel)."),
]
SourceOpt = Annotated[
    str,
    typer.Option(
        "--trade-source",
        help="Trade source: cow (COW, importer-reported, annual to 2014), comtrade "
        "(UN Comtrade, exporter-reported, every 4 years to 2016) or imf (IMF IMTS, "
        "importer-reported, annual; after `article2 fetch imf_imts`).",
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _share(series: dict, year: int | None) -> float:
    """A percentage of ``series`` in ``year`` as a fraction (NaN where there is none)."""
    v = series.get(year) if year is not None else None
    return float("nan") if v is None else v / 100


def _num(v, kind: str = "") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    v = float(v)
    if kind == "pct":
        return f"{100 * v:.1f}%"
    if kind == "%":  # a value already in percent, signed (a change)
        return f"{v:+.1f}%"
    if kind == "pp":
        return f"{100 * v:+.1f} pp"
    if kind == "x":
        return f"{v:.2f}"
    a = abs(v)
    for div, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if a >= div:
            return f"{v / div:,.1f}{suffix}"
    return f"{v:,.4g}" if a < 1 else f"{v:,.0f}"


def _get(p: Profile) -> dict[tuple[str, str, str], Figure]:
    return {(f.section, f.actor, f.channel): f for f in p.figures}


def _run(fn):
    try:
        return fn()
    except (UnknownCountryError, YearOutOfCoverageError, WarehouseMissingError) as exc:
        raise fail(str(exc)) from exc
    except ValueError as exc:
        raise fail(str(exc)) from exc


def _print_profile(p: Profile) -> None:
    years = ", ".join(f"{k} {v if v is not None else '–'}" for k, v in p.years.items())
    console.print(f"[bold]{p.name} ({p.iso3})[/] — years used: {years}", highlight=False)
    fig = _get(p)
    t = Table(title=f"Trade, {p.years['trade'] or '–'} — {p.trade_source_label}")
    for col in ("actor", "channel", "value (USD)", "share", "intensity", "Δshare 5y",
                "Δshare 10y", "asymmetry"):  # fmt: skip
        t.add_column(col, justify="left" if col in ("actor", "channel") else "right")
    for ch in ("exports", "imports"):
        for actor in ACTORS:
            f = fig.get(("trade", actor, ch))
            if f is None:
                continue
            t.add_row(
                actor,
                f"{ch} {'to' if ch == 'exports' else 'from'}",
                _num(f.value),
                _num(f.share, "pct"),
                _num(f.intensity, "x"),
                _num(f.share_delta_5y, "pp"),
                _num(f.share_delta_10y, "pp"),
                _num(f.asymmetry, "pp"),
            )
    console.print(t)
    t = Table(title=f"Official finance, {p.years['finance'] or '–'} (commitments)")
    for col in ("actor", "channel", "value", "% of GDP", "note"):
        t.add_column(col)
    for f in p.figures:
        if f.section == "finance":
            t.add_row(f.actor, f.channel, _num(f.value), _num(f.pct_gdp, "x"), f.note)
    console.print(t)
    t = Table(
        title=f"Ties — alliances {p.years['alliances'] or '–'}, IGOs {p.years['igo'] or '–'}, "
        f"agreements in force {p.years['agreements'] or '–'}"
    )
    t.add_column("tie")
    for actor in ACTORS:
        t.add_column(actor, justify="right")
    channels = [f.channel for f in p.figures if f.section == "ties" and f.actor == "USA"]
    for ch in channels:
        t.add_row(ch, *(_num(getattr(fig.get(("ties", a, ch)), "value", None)) for a in ACTORS))
    console.print(t)
    t = Table(title="U.S.–Japan alignment and the alliance's weight against China")
    for col in ("channel", "USA", "JPN", "CHN", "USA+JPN", "overlap", "complementarity",
                "lead", "pattern", "balance", "Δ5y", "Δ10y"):  # fmt: skip
        t.add_column(col)
    for a in p.alignment:
        t.add_row(
            a.channel,
            _num(a.share_usa, "pct"),
            _num(a.share_jpn, "pct"),
            _num(a.share_chn, "pct"),
            _num(a.share_alliance, "pct"),
            _num(a.overlap, "pct"),
            _num(a.complementarity, "x"),
            a.lead,
            a.pattern,
            _num(a.balance, "x"),
            _num(a.balance_change_5y.delta, "x"),
            _num(a.balance_change_10y.delta, "x"),
        )
    console.print(t)
    t = Table(title="Coercion exposure (percentile among all countries, same year)")
    for col in ("measure", "value", "unit", "percentile", "countries", "year", "note"):
        t.add_column(col)
    for e in p.exposure:
        t.add_row(
            e.measure,
            _num(e.value, "x"),
            e.unit,
            _num(e.percentile, "x"),
            str(e.n_countries),
            str(e.year or "–"),
            e.note,
        )
    console.print(t)
    t = Table(title=f"Economy, {p.years['economy'] or '–'}")
    for col in ("indicator", "value", "unit", "year", "note"):
        t.add_column(col)
    for f in p.figures:
        if f.section == "economy":
            v = _num(f.value, "pct") if "growth" in f.channel else _num(f.value)
            t.add_row(f.channel, v, f.unit, str(f.year or "–"), f.note)
    console.print(t)
    sources = sorted({s for f in p.figures for s in f.source_ids})
    console.print("sources: " + "; ".join(sources), highlight=False)
    for n in p.notes:
        console.print(f"note: {n}", highlight=False)
    if p.channels is not None:
        _print_channels(p)
    print_answers(p)


#: fiscal/calendar years shown in the new channels' yearly tables (the latest N with data)
_CHANNEL_YEARS = 12


def _series(t: pd.DataFrame, measure: str, partner: str = "USA") -> dict[int, float]:
    sub = t[(t["measure"] == measure) & (t["partner"] == partner)]
    return {int(y): v for y, v in zip(sub["year"], sub["value"], strict=True)}


def _year_rows(t: Table, first: str, table: pd.DataFrame,
               cols: tuple[tuple[str, str, str], ...], year_label) -> None:
    """Columns ``first`` then one per (label, measure, number kind) of ``cols``, and a row for
    each of the last :data:`_CHANNEL_YEARS` years with a value of any of the measures."""
    t.add_column(first)
    for label, _, _ in cols:
        t.add_column(label, justify="right")
    series = {m: _series(table, m) for _, m, _ in cols}
    years = sorted({y for s in series.values() for y in s})[-_CHANNEL_YEARS:]
    for y in years:
        t.add_row(year_label(y), *(_num(series[m].get(y), k) for _, m, k in cols))


def _print_channels(p: Profile) -> None:
    """The new channels: U.S. assistance by fiscal year, U.S. goods trade, who moves."""
    ch = p.channels
    assert ch is not None
    latest = ch.latest
    aid = ch.tables["us_aid"]
    t = Table(
        title=f"U.S. foreign assistance to {p.name} by U.S. fiscal year — all assistance, "
        "military included (not ODA)"
    )
    cols: tuple[tuple[str, str, str], ...] = (("obligations", "us_aid_obligations", ""),
            ("disbursements", "us_aid_disbursements", ""),
            ("obligations, constant", "us_aid_obligations_constant", ""),
            ("disbursements, constant", "us_aid_disbursements_constant", ""),
            ("obligations % GDP", "us_aid_obligations_pct_gdp", "x"),
            ("disbursements % GDP", "us_aid_disbursements_pct_gdp", "x"))  # fmt: skip
    partial = latest["us_aid"].partial
    _year_rows(t, "fiscal year", aid, cols,
               lambda y: f"FY{y} (partial)" if y in partial else f"FY{y}")  # fmt: skip
    console.print(t)
    fin = ch.tables["finance"]
    t = Table(title=f"Who finances {p.name} — each actor in its own terms (not summed or ranked)")
    for col in ("actor", "measure", "latest year", "value", "unit", "source"):
        t.add_column(col, justify="right" if col == "value" else "left")
    shown = (("USA", "us_aid_obligations"), ("USA", "us_aid_disbursements"),
             ("CHN", "cn_official_finance"), ("JPN", "dac_oda"), ("EU", "dac_oda"))  # fmt: skip
    for actor, measure in shown:
        s = {y: v for y, v in _series(fin, measure, actor).items() if y not in partial}
        if not s:
            what = "run `article2 fetch oecd_dac2a`" if measure == "dac_oda" else "no record"
            t.add_row(actor, measure, "–", "–", "", what)
            continue
        y = max(s)
        row = fin[(fin["measure"] == measure) & (fin["partner"] == actor) & (fin["year"] == y)]
        t.add_row(actor, measure, f"{'FY' if actor == 'USA' else ''}{y}", _num(s[y]),
                  row["unit"].iloc[0], row["source_ids"].iloc[0])  # fmt: skip
    console.print(t)
    for actor, text in ch.definitions.items():
        console.print(f"{actor}: {text}", highlight=False, markup=False)
    trade = ch.tables["us_trade"]
    t = Table(title=f"U.S. goods trade with {p.name} — as reported by the United States "
              "(IMF DOTS), current USD")  # fmt: skip
    cols = (("U.S. exports to (FOB)", "us_exports_to", ""),
            ("U.S. imports from (CIF)", "us_imports_from", ""),
            ("total", "us_goods_trade", ""),
            ("total, change 1y", "us_goods_trade_growth_1y", "%"),
            ("total, change 5y", "us_goods_trade_growth_5y", "%"),
            ("exports % GDP", "us_exports_to_pct_gdp", "x"),
            ("imports % GDP", "us_imports_from_pct_gdp", "x"))  # fmt: skip
    _year_rows(t, "year", trade, cols, str)
    console.print(t)
    mig, stu = ch.tables["migrants"], ch.tables["students"]
    my = latest["migrants"].year
    sy = latest["students"].year
    t = Table(title=f"Who moves — migrants {my or '–'} (UN DESA), tertiary students "
              f"{sy or '–'} (OECD)")  # fmt: skip
    for col in ("partner", f"born in {p.iso3}, living in partner",
                f"born in partner, living in {p.iso3}", f"{p.iso3} students in partner",
                "share of its students abroad (in data)"):  # fmt: skip
        t.add_column(col, justify="left" if col == "partner" else "right")
    for partner in ("USA", "JPN", "EU", "KOR"):
        t.add_row(
            partner,
            _num(_series(mig, "migrants_in_partner", partner).get(my) if my is not None else None),
            _num(_series(mig, "migrants_from_partner", partner).get(my) if my is not None else None),
            _num(_series(stu, "students_in_partner", partner).get(sy) if sy is not None else None),
            _num(_share(_series(stu, "students_in_partner_share", partner), sy), "pct"),
        )  # fmt: skip
    console.print(t)
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
    trade_source: SourceOpt = "cow",
    fmt: FormatOpt = Format.table,
) -> None:
    """Presence profile of a country: U.S., Japanese, Chinese, EU and U.S.+Japan trade,
    official finance, alliances, IGOs and agreements; alignment; coercion exposure.

    Example: article2 profile VNM --year 2014 --trade-source cow
    """
    p = _run(lambda: api.profile(iso3, year=year, trade_source=trade_source))  # type: ignore[arg-type]
    if fmt is Format.table:
        _print_profile(p)
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
    return f"{_num(s[y])} ({'FY' if table == 'us_aid' else ''}{y})"


def _compare_table(profiles: list[Profile]) -> None:
    t = Table(title="Comparison (trade shares; exposure values with percentiles)")
    t.add_column("measure")
    for p in profiles:
        t.add_column(p.iso3, justify="right")
    figs = [_get(p) for p in profiles]
    t.add_row("trade year", *(str(p.years["trade"] or "–") for p in profiles))
    for key in _HEADLINE:
        label = f"{key[1]} share of {key[2]}"
        t.add_row(label, *(_num(getattr(f.get(key), "share", None), "pct") for f in figs))
    for ch in ("exports", "imports"):
        row = []
        for p in profiles:
            a = next((x for x in p.alignment if x.channel == ch), None)
            row.append(f"{_num(a.balance, 'x')} ({a.pattern})" if a else "–")
        t.add_row(f"{ch}: alliance vs China balance", *row)
    for key, label in (
        (("finance", "CHN", "ODA-like"), "Chinese ODA-like finance"),
        (("finance", "CHN", "OOF-like"), "Chinese OOF-like finance"),
    ):
        t.add_row(
            f"{label} ({profiles[0].years['finance']})",
            *(
                _num(getattr(f.get(key), "value", None))
                if getattr(f.get(key), "value", None) is not None
                else getattr(f.get(key), "note", "–")
                for f in figs
            ),  # fmt: skip
        )
    for actor in ("USA", "JPN", "CHN"):
        t.add_row(
            f"agreements in force with {actor}",
            *(
                _num(getattr(f.get(("ties", actor, "agreements_in_force")), "value", None))
                for f in figs
            ),  # fmt: skip
        )
    for i, e in enumerate(profiles[0].exposure):
        t.add_row(
            e.measure,
            *(
                f"{_num(p.exposure[i].value, 'x')} (p{_num(p.exposure[i].percentile, 'x')})"
                for p in profiles
            ),
        )
    for ch in ("GDP", "population", "GDP per capita"):
        t.add_row(ch, *(_num(getattr(f.get(("economy", "", ch)), "value", None)) for f in figs))
    for label, table, measure, partner in _COMPARE_CHANNELS:
        t.add_row(label, *(_latest_cell(p, table, measure, partner) for p in profiles))
    console.print(t)
    console.print(f"trade source: {profiles[0].trade_source_label}", highlight=False)


@app.command()
def compare(
    iso3s: Annotated[list[str], typer.Argument(help="Target countries (ISO3).")],
    year: YearOpt = None,
    trade_source: SourceOpt = "cow",
    fmt: FormatOpt = Format.table,
) -> None:
    """Several countries' presence profiles side by side.

    Example: article2 compare MMR VNM IND KOR --format table
    """
    profiles = _run(
        lambda: [api.profile(c, year=year, trade_source=trade_source) for c in iso3s]  # type: ignore[arg-type]
    )
    if fmt is Format.table:
        _compare_table(profiles)
    else:
        emit(pd.concat([p.to_frame() for p in profiles], ignore_index=True), fmt)
