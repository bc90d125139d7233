"""Product-level dependence: concentration, China's share, the CEPII GeoDep flag and allied
substitutability, per importer × HS6 product × year. All numbers are computed in DuckDB SQL
(relational, so the same statements can run on another SQL engine); Python only wires views.
This all-years statement is the reference definition; the package computes the same indicators
year by year as segmented NumPy reductions over the store's sorted files
(:mod:`article2.indicators.products_stream`, tested equal to this one), which is what scales to
the full BACI release.

Inputs (views or tables on the connection given):

``trade(t, i, j, k, v)``
    BACI flows: year, exporter code, importer code, HS6 product, value (one row per t, i, j, k).
``allies(t, i)``
    exporter codes counted as allied suppliers in year t (China never among them).
``china(i)``
    the code(s) of China (BACI 156; Hong Kong and Macao are separate economies).

Definitions (j importer, k product, t year, ``M_jkt = Σ_i v_ijkt``, ``X_ikt = Σ_j v_ijkt``):

- ``import_hhi = Σ_i (v_ijkt / M_jkt)²`` over j's suppliers, in [1/n, 1];
- ``top_supplier`` = the supplier with the largest value (ties: the smallest code), and
  ``top_share`` its share of M_jkt; ``china_share`` = China's share of M_jkt;
- ``export_hhi = Σ_i (X_ikt / W_kt)²`` with ``W_kt = Σ_i X_ikt`` world exports of k;
- ``exports`` = X_jkt, the importer's own exports of k; ``import_export_ratio = M_jkt / X_jkt``
  (NULL when X_jkt = 0, where the criterion ``M > X`` holds);
- ``allied_share = Σ_{i ∈ allies(t)} X_ikt / W_kt``: how much of the world's supply of k allies
  could provide instead (allied substitutability);
- **GeoDep** (Lefebvre & Wibaux, CEPII Policy Brief 47, 2024): ``criteria_met`` when
  import_hhi > 0.4 and export_hhi > 0.4 and M > X in year t. ``geodep`` in year t is whether
  the criteria hold in at least two of the three years t-2, t-1, t (a trailing window, so year
  t's flag uses no later data). Years of the window inside the data's coverage where j does
  not import k count as not met. At the edges of the data (window years outside the coverage)
  the flag is decided whenever the unknown years cannot change it: TRUE when two known years
  meet the criteria, FALSE when even the unknown years all meeting them would not reach two,
  NULL (undetermined) otherwise. ``years_met`` and ``years_known`` give the counts.

Flows of value 0 are left out (they supply nothing: no supplier, no share); rows exist for
every (t, j, k) with positive imports.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GeoDepThresholds", "indicator_query", "summary_sql"]


@dataclass(frozen=True)
class GeoDepThresholds:
    """GeoDep criteria and window (defaults: CEPII Policy Brief 47, 2024).

    Attributes:
        import_hhi: criterion 1, import HHI strictly above this (0.4).
        export_hhi: criterion 2, world-export HHI strictly above this (0.4).
        ratio: criterion 3, imports / exports strictly above this (1).
        window: years in the trailing window (3).
        min_years: years of the window that must meet all three criteria (2).
    """

    import_hhi: float = 0.4
    export_hhi: float = 0.4
    ratio: float = 1.0
    window: int = 3
    min_years: int = 2


_SQL = """
WITH
imp AS (
  SELECT t, j, k,
         sum(v) AS imports,
         count(*) AS n_suppliers,
         sum(v * v) AS ssq,
         arg_max(i, (v, -i)) AS top_supplier,
         max(v) AS top_value,
         coalesce(sum(v) FILTER (WHERE i IN (SELECT i FROM china)), 0) AS china_value
  FROM trade
  WHERE v > 0 AND ($importer IS NULL OR j = $importer)
  GROUP BY t, j, k
),
exp AS (
  SELECT t, i, k, sum(v) AS x
  FROM trade
  WHERE v > 0 AND ($importer IS NULL OR k IN (SELECT DISTINCT k FROM imp))
  GROUP BY t, i, k
),
world AS (
  SELECT e.t, e.k,
         sum(e.x) AS world_exports,
         sum(e.x * e.x) / (sum(e.x) * sum(e.x)) AS export_hhi,
         coalesce(sum(e.x) FILTER (WHERE a.i IS NOT NULL), 0) / sum(e.x) AS allied_share
  FROM exp e LEFT JOIN allies a ON a.t = e.t AND a.i = e.i
  GROUP BY e.t, e.k
),
ind AS (
  SELECT m.t, m.j, m.k, m.imports, coalesce(x.x, 0) AS exports, m.n_suppliers,
         m.ssq / (m.imports * m.imports) AS import_hhi,
         m.top_supplier, m.top_value / m.imports AS top_share,
         m.china_value / m.imports AS china_share,
         w.export_hhi, w.world_exports, w.allied_share,
         m.imports / nullif(x.x, 0) AS import_export_ratio
  FROM imp m
  JOIN world w ON w.t = m.t AND w.k = m.k
  LEFT JOIN exp x ON x.t = m.t AND x.i = m.j AND x.k = m.k
),
flagged AS (
  SELECT *,
         import_hhi > $c_import AND export_hhi > $c_export
           AND imports > $c_ratio * exports AS criteria_met
  FROM ind
),
met AS (  -- each year meeting the criteria counts for itself and the next window-1 years
  SELECT f.t + d.d AS t, f.j, f.k, count(*) AS years_met
  FROM flagged f, range(0, $window) AS d(d)
  WHERE f.criteria_met
  GROUP BY ALL
),
known AS (
  SELECT y.t, count(c.t) AS years_known
  FROM coverage y JOIN coverage c ON c.t BETWEEN y.t - $window + 1 AND y.t
  GROUP BY y.t
)
SELECT f.*,
       coalesce(m.years_met, 0) AS years_met,
       kn.years_known,
       CASE WHEN coalesce(m.years_met, 0) >= $min_years THEN true
            WHEN coalesce(m.years_met, 0) + ($window - kn.years_known) < $min_years THEN false
            END AS geodep
FROM flagged f
JOIN known kn ON kn.t = f.t
LEFT JOIN met m ON m.t = f.t AND m.j = f.j AND m.k = f.k
WHERE f.t BETWEEN $first AND $last
"""


def indicator_query(
    *,
    first: int,
    last: int,
    importer: int | None = None,
    thresholds: GeoDepThresholds = GeoDepThresholds(),  # noqa: B008 (frozen, immutable)
) -> tuple[str, dict]:
    """SQL and its named parameters giving every (t, j, k) with ``first <= t <= last``.

    The statement reads the views ``trade``, ``allies``, ``china`` and ``coverage(t)`` (the
    years the data covers) and returns the columns described in the module docstring; restrict
    it to one importer code with ``importer``. For the GeoDep window to be complete, ``trade``
    should include the ``window - 1`` years before ``first``. Run it with
    ``con.execute(sql, params)``, or wrap it in ``CREATE TABLE … AS`` / ``COPY (…) TO``.
    """
    if thresholds.window < 1 or not 1 <= thresholds.min_years <= thresholds.window:
        raise ValueError("need window >= 1 and 1 <= min_years <= window")
    params = {
        "importer": importer,
        "c_import": thresholds.import_hhi,
        "c_export": thresholds.export_hhi,
        "c_ratio": thresholds.ratio,
        "window": thresholds.window,
        "min_years": thresholds.min_years,
        "first": first,
        "last": last,
    }
    return _SQL, params


def summary_sql(source: str) -> str:
    """SQL of the per-importer summary over an indicator table named ``source``.

    Columns: t, j, products (imported), dependent (GeoDep TRUE), dependent_value (their
    imports, thousands of USD), dependent_china_top (dependent products whose top supplier is
    China), chokepoints and chokepoint_value (rows where ``chokepoint`` is TRUE).
    """
    return f"""
    SELECT t, j,
           count(*) AS products,
           count(*) FILTER (WHERE geodep) AS dependent,
           coalesce(sum(imports) FILTER (WHERE geodep), 0) AS dependent_value,
           count(*) FILTER (WHERE geodep AND china_top) AS dependent_china_top,
           count(*) FILTER (WHERE chokepoint) AS chokepoints,
           coalesce(sum(imports) FILTER (WHERE chokepoint), 0) AS chokepoint_value
    FROM {source}
    GROUP BY t, j
    """
