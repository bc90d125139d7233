"""The Python API: what the CLI, the web app and notebooks call.

>>> import article2.api as a2            # doctest: +SKIP
>>> a2.build()                           # doctest: +SKIP
>>> a2.sources().head()                  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from article2 import countries as _countries
from article2 import warehouse
from article2.warehouse import BuildReport, build

__all__ = [
    "BuildReport",
    "build",
    "countries",
    "quarantine",
    "run_scenario",
    "scenario_result",
    "sources",
    "unmapped",
    "write_outputs",
]


def sources() -> pd.DataFrame:
    """The provenance table: one row per raw file with origin, licence, SHA-256 and row counts."""
    return warehouse.query("SELECT * FROM sources ORDER BY source_id")


def unmapped() -> pd.DataFrame:
    """Codes in the sources that are not countries (unmapped or aggregates), with row counts."""
    return warehouse.query("SELECT * FROM unmapped ORDER BY source_id, status, rows DESC")


def quarantine(source_id: str | None = None) -> pd.DataFrame:
    """Rows rejected by the build, with row number, field, value and reason."""
    if source_id:
        return warehouse.query(
            "SELECT * FROM quarantine WHERE source_id = ? ORDER BY row", [source_id]
        )
    return warehouse.query("SELECT * FROM quarantine ORDER BY source_id, row")


def countries(query: str | None = None) -> pd.DataFrame:
    """The identity table, optionally filtered by a search text (name or any code)."""
    return _countries.search(query) if query else _countries.country_table()


def write_outputs(folder: Path) -> list[Path]:
    """Write the main job's outputs into ``folder`` and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in {
        "sources.csv": sources(),
        "unmapped.csv": unmapped(),
        "quarantine_summary.csv": warehouse.query(
            "SELECT source_id, reason, count(DISTINCT row) AS rows FROM quarantine "
            "GROUP BY ALL ORDER BY source_id, rows DESC"
        ),
    }.items():
        path = folder / name
        frame.to_csv(path, index=False)
        written.append(path)
    return written


# --- gravity scenarios -------------------------------------------------------------------


def _scenario_store() -> Path:
    from article2 import paths

    return paths.outputs_dir() / "scenarios"


def run_scenario(file: Path | str, *, save: bool = True):
    """Run a scenario YAML file (see :mod:`article2.models.scenarios`) on the warehouse.

    Returns a :class:`article2.models.scenarios.ScenarioResult` (``.table`` has one row per
    country). With ``save``, the table and its metadata are stored in the data home so that
    :func:`scenario_result` can show them again.
    """
    import json

    from article2.models import data, scenarios

    sc = scenarios.load_scenario(file)
    if sc.data == "agtpa":
        result = scenarios.run_agtpa(sc, data.agtpa_panel(sc.application))
    else:
        result = scenarios.run_comtrade(
            sc, data.comtrade_panel(sc.estimation_years), data.comtrade_gdp(sc.baseline_year)
        )
    if save:
        store = _scenario_store()
        store.mkdir(parents=True, exist_ok=True)
        meta = {
            "name": sc.name,
            "title": sc.title,
            "file": str(Path(file).resolve()),
            "perspective": sc.perspective,
            "rta_coef": result.rta_coef,
            "rta_se": result.rta_se,
            "sigma": sc.sigma,
            "reference": sc.reference,
            "baseline_year": sc.baseline_year,
            "iterations_full": result.ge.iterations_full,
            "max_residual": result.ge.max_residual,
            "source_ids": list(result.source_ids),
            "table": result.table.to_dict("records"),
        }
        (store / f"{sc.name}.json").write_text(json.dumps(meta, indent=1, default=float))
    return result


def scenario_result(name: str) -> tuple[dict, pd.DataFrame]:
    """A stored scenario result: (metadata, table). Raises FileNotFoundError listing stored names."""
    import json

    path = _scenario_store() / f"{name}.json"
    if not path.is_file():
        have = sorted(p.stem for p in _scenario_store().glob("*.json"))
        raise FileNotFoundError(f"no stored scenario {name!r}; stored: {have or 'none'}")
    meta = json.loads(path.read_text())
    table = pd.DataFrame(meta.pop("table"))
    return meta, table
