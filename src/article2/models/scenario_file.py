"""The scenario file's schema: what a scenario YAML may say, checked strictly (pydantic).

Every key has one type (a scalar is never taken for a list, nor a string for a number), unknown
keys are refused, and numbers must be finite and inside the ranges the model gives meaning to:

- ``sigma`` (elasticity of substitution): ``1 < sigma <= 21``. The model needs ``sigma > 1``
  (trade falls with cost) and a finite value (``.inf`` left the solver iterating for a minute
  before failing). The upper bound, a trade elasticity ``sigma - 1`` of 20, is a plausibility
  limit chosen here, not a property of the model: raise :data:`SIGMA_MAX` if a study needs more.
- ``change.ad_valorem`` (pair_cost): ``-1 < ad_valorem <= 10``. It multiplies the trade cost
  by ``1 + ad_valorem``, which must stay positive: -100 % would be a cost of zero (a division
  by zero in ``(1 + ave)^(1 - sigma)``), and below -100 % a negative cost, whose sign the even
  power ``1 - sigma = -6`` hides, so that -200 % priced exactly like 0 %. Negative values
  above -1 are meaningful (a cost cut: -0.5 halves the cost). The upper bound, +1000 %, is a
  plausibility limit chosen here (:data:`AD_VALOREM_MAX`).
- years: integers in 1900-2100; ``baseline_year`` one of ``estimation_years``.
- ``domestic_floor``: a share of GDP, ``0 < domestic_floor < 1``.
- countries: ISO3 codes (three letters); a pair names two different countries.
- ``procedure``: how the full-endowment counterfactual is solved, one of
  :data:`article2.models.ge.PROCEDURES` (``exact``, ``agtpa``).
- ``draws``: coefficient draws behind the 90 % bands, 0 (no bands) or 2-:data:`DRAWS_MAX`
  (a percentile needs at least two draws); ``seed``: the generator's seed, 0-:data:`SEED_MAX`.
- ``change.agreement``: the agreement's name, for readers (e.g. ``CPTPP``); optional.

:func:`check` turns a parsed document into these models or a
:class:`article2.validation.DocumentError` naming the file and the key.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from article2.models.ge import PROCEDURES, Procedure
from article2.validation import DocumentError, validate

__all__ = [
    "AD_VALOREM_MAX",
    "DRAWS_MAX",
    "SEED_MAX",
    "SIGMA_MAX",
    "YEARS",
    "AgreementJoin",
    "AgreementRemove",
    "PairCost",
    "RunOptions",
    "ScenarioFile",
    "check",
    "check_options",
]

SIGMA_MAX = 21.0
AD_VALOREM_MAX = 10.0
YEARS = (1900, 2100)
DRAWS_MAX = 10_000
SEED_MAX = 2**32 - 1


def _iso3(value: str) -> str:
    if len(value) != 3 or not value.isascii() or not value.isalpha():
        raise ValueError("expected an ISO3 code (three letters, e.g. DEU)")
    return value.upper()


def _distinct(values: list) -> list:
    seen = [v for i, v in enumerate(values) if v in values[:i]]
    if seen:
        raise ValueError(f"listed more than once: {sorted(set(map(str, seen)))}")
    return values


def _draws(value: int) -> int:
    if value == 1:
        raise ValueError("a 90 % band needs at least 2 draws; 0 means no band")
    return value


def _pair(pair: list[str]) -> list[str]:
    if pair[0] == pair[1]:
        raise ValueError("a pair names two different countries [exporter, importer]")
    return pair


ISO3 = Annotated[str, AfterValidator(_iso3)]
Year = Annotated[int, Field(ge=YEARS[0], le=YEARS[1])]
Countries = Annotated[list[ISO3], Field(min_length=1), AfterValidator(_distinct)]
Pair = Annotated[list[ISO3], Field(min_length=2, max_length=2), AfterValidator(_pair)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Agreement = Annotated[
    str, Field(min_length=1, max_length=100, description="the agreement's name, e.g. CPTPP")
]
Draws = Annotated[
    int,
    Field(
        ge=0,
        le=DRAWS_MAX,
        description=f"0 (no bands) or an integer in 2-{DRAWS_MAX}",
    ),
    AfterValidator(_draws),
]
Seed = Annotated[int, Field(ge=0, le=SEED_MAX, description=f"an integer in 0-{SEED_MAX}")]


class RunOptions(_Strict):
    """How a scenario is solved; set in the file or on the command line (which wins)."""

    procedure: Procedure = Field(
        "exact", description=f"one of {', '.join(PROCEDURES)}"
    )  # fmt: skip
    draws: Draws = 200
    seed: Seed = 0


class AgreementRemove(_Strict):
    """The RTA dummy set to 0 for every pair of ``members``."""

    kind: Literal["agreement_remove"]
    agreement: Agreement | None = None
    members: Annotated[Countries, Field(min_length=2)]


class AgreementJoin(_Strict):
    """The RTA dummy set to 1 between each of ``joining`` and each of ``members``."""

    kind: Literal["agreement_join"]
    agreement: Agreement | None = None
    members: Countries
    joining: Countries


class PairCost(_Strict):
    """Trade costs of ``pairs`` multiplied by ``1 + ad_valorem``."""

    kind: Literal["pair_cost"]
    pairs: Annotated[list[Pair], Field(min_length=1), AfterValidator(_distinct)]
    ad_valorem: Annotated[
        float,
        Field(
            gt=-1.0,
            le=AD_VALOREM_MAX,
            allow_inf_nan=False,
            description=f"a finite number, -1 < ad_valorem <= {AD_VALOREM_MAX:g}: the trade cost "
            "is multiplied by 1 + ad_valorem, which must stay positive (0.25 = +25%)",
        ),
    ]
    directed: bool = False


class ScenarioFile(RunOptions):
    """A scenario file (see :mod:`article2.models.scenarios` for the meaning of each key)."""

    name: Annotated[str, Field(min_length=1)]
    title: str | None = None
    data: Literal["agtpa", "comtrade"]
    application: Annotated[str, Field(min_length=1)] = "Chapter2Application2"
    estimation_years: Annotated[
        list[Year], Field(min_length=1), AfterValidator(_distinct)
    ] | None = Field(None, description=f"a list of years, each in {YEARS[0]}-{YEARS[1]}")
    baseline_year: Annotated[Year, Field(description=f"one year in {YEARS[0]}-{YEARS[1]}")]
    reference: ISO3
    sigma: Annotated[
        float,
        Field(
            gt=1.0,
            le=SIGMA_MAX,
            allow_inf_nan=False,
            description=f"a finite number, 1 < sigma <= {SIGMA_MAX:g} (elasticity of substitution)",
        ),
    ] = 7.0
    perspective: Literal["counterfactual", "baseline"] = "counterfactual"
    domestic_floor: Annotated[
        float,
        Field(gt=0.0, lt=1.0, allow_inf_nan=False, description="a share of GDP, 0 < x < 1"),
    ] = 0.1
    notes: str = ""
    change: Annotated[AgreementRemove | AgreementJoin | PairCost, Field(discriminator="kind")]


def check_options(raw: dict, where: str) -> RunOptions:
    """Run options given outside a file (e.g. ``{"procedure": "agtpa"}`` from the command
    line) as :class:`RunOptions`; keys left out take the defaults.

    Raises:
        DocumentError: an unknown key or a value outside what is allowed, named with ``where``.
    """
    return validate(RunOptions, raw, where)


def check(raw: object, where: str) -> ScenarioFile:
    """``raw`` (a parsed YAML document) as a :class:`ScenarioFile`.

    Raises:
        DocumentError: a missing, unknown, mistyped or out-of-range key, named with ``where``.
    """
    doc = validate(ScenarioFile, raw, where)
    years = doc.estimation_years or [doc.baseline_year]
    if doc.baseline_year not in years:
        raise DocumentError(
            f"{where}: baseline_year {doc.baseline_year} must be one of estimation_years "
            f"{years}",
            file=where,
            key="baseline_year",
        )
    ch = doc.change
    if isinstance(ch, AgreementJoin):
        both = sorted(set(ch.members) & set(ch.joining))
        if both:
            raise DocumentError(
                f"{where}: change.joining: {both} already in change.members", file=where,
                key="change.joining",
            )  # fmt: skip
    return doc
