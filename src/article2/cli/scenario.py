"""``article2 scenario``: general-equilibrium counterfactuals of structural gravity."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from article2.cli._app import Format, app, console, emit, fail, output_folder, writing

scenario_app = typer.Typer(
    help="General-equilibrium counterfactuals (structural gravity).\n\n"
    "Example: article2 scenario run examples/scenarios/agtpa-nafta.yaml",
    no_args_is_help=True,
)
app.add_typer(scenario_app, name="scenario")

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
COLUMNS = ["iso3", "exports_cdl", "exports_full", "real_gdp", "imr", "omr", "price"]


def _show(meta: dict, table, fmt: Format) -> None:
    if fmt is Format.table:
        table = table[COLUMNS].round(2)
        console.print(
            f"{meta['title']} — % changes ({meta['perspective']} perspective); "
            f"RTA coefficient {meta['rta_coef']:.4f} (s.e. {meta['rta_se']:.4f}); "
            f"sigma {meta['sigma']}; reference {meta['reference']}; "
            f"solver residual {meta['max_residual']:.1e}",
            highlight=False,
        )
        console.print(f"sources: {', '.join(meta['source_ids'])}", highlight=False)
    emit(table[COLUMNS] if fmt is not Format.csv else table, fmt, title=meta["name"])


@scenario_app.command("run")
def run(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Run a scenario file: % changes in exports (conditional and full endowment), real GDP,
    inward and outward multilateral resistances and factory-gate prices for every country.

    Example: article2 scenario run examples/scenarios/agtpa-nafta.yaml --format json
    """
    from article2 import api, paths
    from article2.errors import WarehouseMissingError

    try:
        name = _name(file)  # a bad file is named before anything runs
        store = output_folder(paths.outputs_dir() / "scenarios", "scenario store")
        with writing(store, "scenario store"):
            api.run_scenario(file)
        meta, table = api.scenario_result(name)
    except (WarehouseMissingError, FileNotFoundError, ValueError, KeyError) as exc:
        raise fail(str(exc)) from exc
    _show(meta, table, fmt)


def _name(file: Path) -> str:
    from article2.models.scenarios import load_scenario

    return load_scenario(file).name


@scenario_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="Name of a scenario that has been run.")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Show the stored result of a scenario run earlier.

    Example: article2 scenario show agtpa-nafta --format json
    """
    from article2 import api

    try:
        meta, table = api.scenario_result(name)
    except (FileNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from exc
    _show(meta, table, fmt)
