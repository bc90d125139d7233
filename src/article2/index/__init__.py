"""Composite presence index, case-study selection and their sensitivity (issue 8).

- :mod:`~article2.index.config` — the versioned TOML spec and its validation;
- :mod:`~article2.index.normalise`, :mod:`~article2.index.aggregate` — pure numerics;
- :mod:`~article2.index.inputs` — indicator inputs from the warehouse (one pass);
- :mod:`~article2.index.compute`, :mod:`~article2.index.sensitivity`,
  :mod:`~article2.index.ranking` — scores, contributions, Monte Carlo rank bands;
- :mod:`~article2.index.presence`, :mod:`~article2.index.selection` — orchestration.

Method and default choices: ``docs/methods/index.md``.
"""

__all__: list[str] = []
