"""``article2 scenario``: general-equilibrium counterfactuals of structural gravity.

A run prints a summary first (what changes, the RTA coefficient and whether it is significant,
the ten largest movers in real GDP and in exports with their 90 % bands, notes, sources); the
full table follows with ``--full``. ``--format json`` carries the same summary and the full
table; ``--format csv`` the full table. Library warnings are kept in the result's notes, never
printed raw.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from article2.cli._app import Format, WideOpt, app, console, fail, output_folder, writing

scenario_app = typer.Typer(
    help="General-equilibrium counterfactuals (structural gravity).\n\n"
    "Example: article2 scenario run examples/scenarios/usa-joins-cptpp.yaml",
    no_args_is_help=True,
)
app.add_typer(scenario_app, name="scenario")

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
FullOpt = Annotated[
    bool,
    typer.Option("--full", help="Also print every country's changes (table format)."),
]
#: the full table's columns for readers, in order (labels: scenario_report.LABELS)
FULL_COLUMNS = (
    "iso3",
    "country",
    "real_gdp",
    "real_gdp_band",
    "exports_full",
    "exports_full_band",
    "exports_cdl",
    "imr",
    "omr",
    "price",
)


def _band(lo, hi, places: int) -> str:
    from article2.models.scenario_report import number

    a, b = number(lo, places), number(hi, places)
    return f"{a} to {b}" if a and b else "none"


def _movers_table(rows: list[dict], label: str, title: str):
    from rich.table import Table

    from article2.models.scenario_report import decimals, number

    places = decimals([r["change"] for r in rows])
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("ISO3")
    table.add_column("Country")
    table.add_column(label, justify="right")
    table.add_column("90 % band", justify="right")
    for r in rows:
        table.add_row(
            r["iso3"],
            r["country"],
            number(r["change"], places),
            _band(r["p05"], r["p95"], places),
        )
    return table


def _print_full(table, wide: bool) -> None:
    """Every country's changes, within the console's width (the resistance and price columns
    left for ``--wide`` when they do not fit)."""
    from article2.cli._app import print_table
    from article2.models.scenario_report import LABELS, decimals, full_table, number

    full = full_table(table)
    numeric = [c for c in FULL_COLUMNS if c in full and c not in ("iso3", "country")]
    places = {c: decimals(full[c]) for c in numeric}
    for band in ("real_gdp", "exports_full"):
        places[f"{band}_band"] = places[band]
    rows = []
    for _, r in full.iterrows():
        cells = []
        for c in FULL_COLUMNS:
            if c in ("iso3", "country"):
                cells.append(str(r[c]))
            elif c.endswith("_band"):
                base = c.removesuffix("_band")
                cells.append(_band(r.get(f"{base}_p05"), r.get(f"{base}_p95"), places[c]))
            else:
                cells.append(number(r[c], places[c]))
        rows.append(cells)
    headers = [LABELS[c] for c in FULL_COLUMNS]
    print_table("Every country, by size of the real GDP change", headers, rows,
                right={LABELS[c] for c in FULL_COLUMNS if c not in ("iso3", "country")},
                wide=wide)  # fmt: skip


def _print_summary(s: dict) -> None:
    from article2.models.scenario_report import LEVEL, number

    say = console.print
    say(f"[bold]{s['title']}[/bold]", highlight=False)
    say(f"Scenario {s['name']}. {s['change']['description']}", highlight=False)
    view = (
        "baseline compared with the counterfactual (the effect of what the counterfactual removes)"
        if s["perspective"] == "baseline"
        else "counterfactual compared with the baseline"
    )
    say(
        f"% changes, {view}; {s['countries']} countries;\nelasticity of substitution "
        f"{number(s['sigma'], 1)}; reference country {s['reference']}; baseline year "
        f"{s['baseline_year']}.",
        highlight=False,
    )
    rta = s["rta"]
    if rta is not None:
        say(
            f"RTA coefficient {number(rta['coef'], 4)}, standard error {number(rta['se'], 4)}: "
            f"z = {number(rta['z'], 2)}, p = {number(rta['p_value'], 3)}\n({rta['test']}).",
            highlight=False,
        )
        if not rta["used"]:
            say("This change sets trade costs directly; it does not use the coefficient.")
        elif rta["significant"]:
            say(f"The coefficient is significant at {LEVEL * 100:g} %.", highlight=False)
        else:
            say(
                f"[bold]Not significant at {LEVEL * 100:g} %[/bold]: the data do not rule out "
                "that the agreement has no effect on trade,\nso every change below may be "
                "zero.\n(A 90 % band can still exclude zero: it covers 90 % of the draws, the "
                "test asks for 95 %.)",
                highlight=False,
            )
    if s["draws"]:
        band = (
            f"90 % bands: 5th to 95th percentile over {s['draws']} RTA coefficients drawn from "
            f"its estimated normal distribution (seed {s['seed']});\nthey show the "
            "uncertainty of the coefficient only (baseline flows held fixed)."
        )
    else:
        band = "No bands (0 coefficient draws)."
    say(band, highlight=False)
    say("")
    n = len(s["movers"]["real_gdp"])
    say(_movers_table(s["movers"]["real_gdp"], "Real GDP change (%)",
                      f"The {n} largest changes in real GDP (welfare)"))  # fmt: skip
    say(_movers_table(s["movers"]["exports_full"], "Exports change (%)",
                      f"The {n} largest changes in exports"))  # fmt: skip
    if s["scenario_notes"]:
        say(f"Scenario notes: {s['scenario_notes']}", highlight=False)
    for note in s["notes"]:
        say(f"Note: {note}", highlight=False)
    say(
        f"Solved with the {s['procedure'] or 'exact'} procedure (largest equilibrium residual "
        f"{s['max_residual']:.1e}). Sources: {', '.join(s['source_ids'])}.",
        highlight=False,
    )


def _show(meta: dict, table, fmt: Format, full: bool, wide: bool = False) -> None:
    from article2.cli._app import _jsonable
    from article2.models.scenario_report import full_table, summary

    if fmt is Format.csv:
        full_table(table).to_csv(sys.stdout, index=False)
        return
    s = summary(meta, table)
    if fmt is Format.json:
        rows = full_table(table).to_dict("records")
        s["table"] = [{k: _jsonable(v) for k, v in r.items()} for r in rows]
        sys.stdout.write(json.dumps(s, indent=2, default=str, allow_nan=False) + "\n")
        return
    _print_summary(s)
    if full:
        _print_full(table, wide)
    else:
        console.print(
            f"Every country's changes: article2 scenario show {s['name']} --full",
            highlight=False,
        )


@scenario_app.command("run")
def run(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    fmt: FormatOpt = Format.table,
    full: FullOpt = False,
    wide: WideOpt = False,
    procedure: Annotated[
        str | None,
        typer.Option(
            help="How the counterfactual is solved: exact or agtpa (default: the file's)."
        ),
    ] = None,
    draws: Annotated[
        int | None,
        typer.Option(help="Coefficient draws behind the 90 % bands: 0 or 2-10000 (file's)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed of the draws (default: the file's).")
    ] = None,
) -> None:
    """Run a scenario file: a summary (what changes, the RTA coefficient and its significance,
    the largest movers in real GDP and exports with 90 % bands), then with --full the %
    changes in exports, real GDP, multilateral resistances and prices for every country.

    Example: article2 scenario run examples/scenarios/usa-joins-cptpp.yaml --draws 500 --full
    """
    from article2 import api, paths
    from article2.errors import WarehouseMissingError
    from article2.models.scenarios import load_scenario, with_options

    try:
        # a bad file or option is named before anything runs
        sc = with_options(
            load_scenario(file), procedure=procedure, draws=draws, seed=seed, where="command line"
        )
        store = output_folder(paths.outputs_dir() / "scenarios", "scenario store")
        with writing(store, "scenario store"):
            api.run_scenario(file, procedure=procedure, draws=draws, seed=seed)
        meta, table = api.scenario_result(sc.name)
    except (WarehouseMissingError, FileNotFoundError, ValueError, KeyError) as exc:
        raise fail(str(exc)) from exc
    _show(meta, table, fmt, full, wide)


@scenario_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="Name of a scenario that has been run.")],
    fmt: FormatOpt = Format.table,
    full: FullOpt = False,
    wide: WideOpt = False,
) -> None:
    """Show the stored result of a scenario run earlier (summary; --full for every country).

    Example: article2 scenario show usa-joins-cptpp --full
    """
    from article2 import api

    try:
        meta, table = api.scenario_result(name)
    except (FileNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from exc
    _show(meta, table, fmt, full, wide)
