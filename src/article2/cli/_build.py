"""Building the warehouse from the command line, with a progress bar and a report: shared by
``build``, ``run`` and ``serve``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from article2.cli._app import console, fail, progress_console

if TYPE_CHECKING:
    from article2 import api

__all__ = ["_build", "_print_report"]


def _build(snapshot: Path | None) -> api.BuildReport:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from article2 import api, paths
    from article2.errors import SourceError

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=progress_console(),
        transient=True,
    ) as bar:
        task = bar.add_task("building warehouse", total=None)

        def progress(source_id: str, i: int, n: int) -> None:
            bar.update(task, description=f"reading {source_id}", completed=i, total=n)

        try:
            return api.build(snapshot, progress=progress)
        except (SourceError, paths.SnapshotNotFoundError, ValueError) as exc:
            raise fail(f"{exc}\nthe previous warehouse (if any) is unchanged") from exc
        except OSError as exc:
            where = exc.filename or paths.warehouse_path()
            hint = ""
            if str(where).startswith(str(paths.data_home())):
                hint = (f"; the data home {paths.data_home()} must be writable (set ARTICLE2_HOME "
                        "to choose another)")  # fmt: skip
            raise fail(
                f"{where}: {exc.strerror or exc}{hint}\nthe previous warehouse (if any) is unchanged"
            ) from exc


def _print_report(report: api.BuildReport) -> None:
    from rich.table import Table

    table = Table(title=f"Build from {report.snapshot}")
    for col in ("source", "rows read", "loaded", "rejected", "years", "countries"):
        table.add_column(col, overflow="fold")
    for s in report.sources:
        years = f"{s.year_min}-{s.year_max}" if s.year_min is not None else ""
        table.add_row(
            s.source_id,
            f"{s.rows_read:,}",
            f"{s.rows_loaded:,}",
            f"{s.rows_rejected:,}",
            years,
            str(s.n_countries or "") if s.status == "loaded" else s.status,
        )
    console.print(table)
    for s in report.sources:
        for reason, n in s.reasons.items():
            console.print(f"  rejected {n:>6,} rows of {s.source_id}: {reason}", highlight=False)
    n_codes = sum(len(s.unmapped) for s in report.sources)
    if n_codes:
        console.print(
            f"{n_codes} codes in the sources are not countries (aggregates or unmapped); "
            "list them with `article2 sources --unmapped`",
            highlight=False,
        )
    console.print(
        f"warehouse: {report.warehouse} (built in {report.seconds:.1f} s)", highlight=False
    )
