"""Product-level indicators one year at a time: the fast path at BACI scale.

Same definitions, columns and types as :mod:`article2.indicators.products`, whose all-years
statement stays as the relational reference (the tests check that both give the same rows).
Year t's within-year indicators need only year t's flows, and its GeoDep flag needs only which
(importer, product) pairs met the criteria in the ``window - 1`` previous years. So each year's
flows (~10 M rows) are aggregated once into small tables (~1 M rows), and the window looks up
the earlier years' criteria-meeting pairs (~10 % of the rows) kept in ``_met``, instead of
aggregating every year's raw flows in one pass (whose hash tables outgrow memory and caches
at 25 years).

The statements, run in order for each year on one DuckDB connection, read:

``trade_year(t, i, j, k, v)``
    the flows of ONE year (a view the caller points at that year's files before each year);
``allies(t, i)``
    allied exporter codes by year (China never among them);
``coverage(t)``
    the years the data covers (for the window's edges).

and take the named parameters ``t`` (the year), ``china`` (China's code, NULL if the data has
none), ``importer`` (with ``importer=True`` only) and the thresholds. :data:`SETUP_SQL` creates
``_met`` once per connection. Years before the first wanted year (the window's warm-up) run
:func:`year_statements` only; wanted years then run :func:`year_output_sql` to get their rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from article2.indicators.products import GeoDepThresholds

__all__ = ["SETUP_SQL", "run_years", "threshold_params", "year_output_sql", "year_statements"]

#: once per connection: the (year, importer, product) triples that met all three criteria
SETUP_SQL = "CREATE OR REPLACE TEMP TABLE _met (t SMALLINT, j SMALLINT, k VARCHAR)"

_IMP = """
CREATE OR REPLACE TEMP TABLE _imp AS
SELECT j, k,
       sum(v) AS imports,
       count(*) AS n_suppliers,
       sum(v * v) AS ssq,
       arg_max(i, (v, -i)) AS top_supplier,
       max(v) AS top_value,
       coalesce(sum(v) FILTER (WHERE i = $china), 0) AS china_value
FROM trade_year
{where}
GROUP BY j, k
"""

_EXP = """
CREATE OR REPLACE TEMP TABLE _exp AS
SELECT i, k, sum(v) AS x
FROM trade_year
{where}
GROUP BY i, k
"""

_WORLD = """
CREATE OR REPLACE TEMP TABLE _world AS
SELECT e.k,
       sum(e.x) AS world_exports,
       sum(e.x * e.x) / (sum(e.x) * sum(e.x)) AS export_hhi,
       coalesce(sum(e.x) FILTER (WHERE a.i IS NOT NULL), 0) / sum(e.x) AS allied_share
FROM _exp e
LEFT JOIN (SELECT i FROM allies WHERE t = $t) a ON a.i = e.i
GROUP BY e.k
"""

_STAGE = """
CREATE OR REPLACE TEMP TABLE _stage AS
SELECT *,
       import_hhi > $c_import AND export_hhi > $c_export
         AND imports > $c_ratio * exports AS criteria_met
FROM (
  SELECT CAST($t AS SMALLINT) AS t, m.j, m.k, m.imports, coalesce(x.x, 0) AS exports,
         m.n_suppliers,
         m.ssq / (m.imports * m.imports) AS import_hhi,
         m.top_supplier, m.top_value / m.imports AS top_share,
         m.china_value / m.imports AS china_share,
         w.export_hhi, w.world_exports, w.allied_share,
         m.imports / nullif(x.x, 0) AS import_export_ratio
  FROM _imp m
  JOIN _world w ON w.k = m.k
  LEFT JOIN _exp x ON x.i = m.j AND x.k = m.k
)
"""

_MET = "INSERT INTO _met SELECT t, j, k FROM _stage WHERE criteria_met"

_OUTPUT = """
SELECT s.*,
       CAST(s.criteria_met AS BIGINT) + coalesce(p.n, 0) AS years_met,
       kn.years_known,
       CASE WHEN CAST(s.criteria_met AS BIGINT) + coalesce(p.n, 0) >= $min_years THEN true
            WHEN CAST(s.criteria_met AS BIGINT) + coalesce(p.n, 0)
                 + ($window - kn.years_known) < $min_years THEN false
            END AS geodep
FROM _stage s
CROSS JOIN (
  SELECT count(*) AS years_known FROM coverage WHERE t BETWEEN $t - $window + 1 AND $t
) kn
LEFT JOIN (  -- earlier years of the window meeting the criteria (this year is in _stage)
  SELECT j, k, count(*) AS n FROM _met
  WHERE t BETWEEN $t - $window + 1 AND $t - 1
  GROUP BY j, k
) p ON p.j = s.j AND p.k = s.k
"""


def threshold_params(thresholds: GeoDepThresholds) -> dict:
    """The named parameters of the thresholds (checked: ``window >= 1``, ``1 <= min_years <=
    window``)."""
    if thresholds.window < 1 or not 1 <= thresholds.min_years <= thresholds.window:
        raise ValueError("need window >= 1 and 1 <= min_years <= window")
    return {
        "c_import": thresholds.import_hhi,
        "c_export": thresholds.export_hhi,
        "c_ratio": thresholds.ratio,
        "window": thresholds.window,
        "min_years": thresholds.min_years,
    }


def year_statements(*, importer: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """The statements computing one year's ``_stage`` (within-year indicators and
    ``criteria_met``) and adding its criteria-meeting pairs to ``_met``, each with the names of
    the parameters it takes. With ``importer=True`` only the importer ``$importer``'s rows are
    computed (world exports still over every exporter of the products it imports)."""
    imp_where = "WHERE j = $importer" if importer else ""
    exp_where = "WHERE k IN (SELECT k FROM _imp)" if importer else ""
    thresholds = ("c_import", "c_export", "c_ratio")
    return [
        (_IMP.format(where=imp_where), ("china", "importer") if importer else ("china",)),
        (_EXP.format(where=exp_where), ()),
        (_WORLD, ("t",)),
        (_STAGE, ("t", *thresholds)),
        (_MET, ()),
    ]


def year_output_sql() -> tuple[str, tuple[str, ...]]:
    """The query giving one year's rows (all columns of the reference, GeoDep included) from
    ``_stage`` and the earlier years in ``_met``, with the names of its parameters."""
    return _OUTPUT, ("t", "window", "min_years")


def run_years(
    con,
    *,
    years: Sequence[int],
    first: int,
    last: int,
    year_source: Callable[[int], str],
    china: int | None,
    importer: int | None = None,
    thresholds: GeoDepThresholds = GeoDepThresholds(),  # noqa: B008 (frozen, immutable)
    sink: Callable[[int, str, dict], object],
) -> None:
    """Run the statements on the DuckDB connection ``con`` for each of ``years`` in ascending
    order, pointing ``trade_year`` at ``year_source(t)`` (a SELECT of t, i, j, k, v for year t,
    e.g. over that year's Parquet file); for each year in ``first..last`` call
    ``sink(t, sql, params)`` with the query of its rows (to fetch, store or ``COPY`` them).

    ``con`` must hold ``allies(t, i)`` and ``coverage(t)``; ``years`` should include the
    ``window - 1`` covered years before ``first`` for complete GeoDep windows.
    """
    base = threshold_params(thresholds) | {"china": china, "importer": importer}
    con.execute(SETUP_SQL)
    statements = year_statements(importer=importer is not None)
    output, output_names = year_output_sql()
    for t in sorted(years):
        con.execute(f"CREATE OR REPLACE TEMP VIEW trade_year AS {year_source(int(t))}")
        values = base | {"t": int(t)}
        for sql, names in statements:
            con.execute(sql, {n: values[n] for n in names})
        if first <= t <= last:
            sink(int(t), output, {n: values[n] for n in output_names})
