"""Settings, declared in one place.

Every setting has a name, the environment variable that overrides it, a default, help text and
a kind (what values it takes). Only this module (and :mod:`article2.paths`, which resolves the
path settings) reads the environment; everything else asks these functions.

Values are checked with pydantic when read: a value of the wrong kind is an error naming the
variable, the value and what it must be; :func:`check_environment` also refuses ``ARTICLE2_*``
variables that are no setting (a misspelt name would otherwise be ignored silently).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints, ValidationError, create_model

__all__ = ["KINDS", "OTHER_VARIABLES", "SETTINGS", "Setting", "SettingError", "check_environment",
           "get", "value"]  # fmt: skip


class SettingError(ValueError):
    """A setting's environment variable is unknown or holds a value of the wrong kind."""


#: kind -> (pydantic type of the value, what the value must be, in words)
KINDS: dict[str, tuple[Any, str]] = {
    "text": (Annotated[str, StringConstraints(min_length=1)], "text"),
    "path": (Annotated[str, StringConstraints(min_length=1)], "a folder path"),
    "url": (Annotated[str, StringConstraints(pattern=r"^https?://\S+$")], "an http(s) URL"),
    "seconds": (
        Annotated[float, Field(ge=0, allow_inf_nan=False)],
        "a number of seconds, 0 or more",
    ),
    "timeout": (Annotated[float, Field(gt=0, allow_inf_nan=False)], "a number of seconds above 0"),
    "days": (Annotated[float, Field(gt=0, allow_inf_nan=False)], "a number of days above 0"),
    "count": (Annotated[int, Field(ge=0)], "a whole number, 0 or more"),
    "positive_int": (Annotated[int, Field(ge=1)], "a positive whole number"),
}


@dataclass(frozen=True)
class Setting:
    """One user-facing setting.

    Attributes:
        name: key used in code and docs.
        env: environment variable that overrides the default.
        default: value used when the variable is unset (None: computed by :mod:`article2.paths`).
        help: one-line description shown in docs and ``article2 --help``.
        kind: what values it takes (a key of :data:`KINDS`).
    """

    name: str
    env: str
    default: str | None
    help: str
    kind: str = "text"


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "home",
            "ARTICLE2_HOME",
            None,
            "Data home: raw downloads, the warehouse and outputs "
            "(default: the platform's user data directory, via platformdirs).",
            "path",
        ),
        Setting(
            "snapshot",
            "ARTICLE2_SNAPSHOT",
            None,
            "Snapshot folder laid out like ../shared/data with its MANIFEST.json "
            "(default: ../shared/data when it exists).",
            "path",
        ),
        # --- the web app's limits (article2.web.limits) ---
        Setting("web_compute_slots", "ARTICLE2_WEB_COMPUTE_SLOTS", "2",
                "Dashboard: computations (cache misses) running at once, per server process."),
        Setting("web_pdf_slots", "ARTICLE2_WEB_PDF_SLOTS", "1",
                "Dashboard: PDF briefs rendered at once, per server process."),
        Setting("web_queue", "ARTICLE2_WEB_QUEUE", "64",
                "Dashboard: requests waiting for a computation slot; beyond, 503 at once."),
        Setting("web_queue_wait", "ARTICLE2_WEB_QUEUE_WAIT", "1.0",
                "Dashboard: seconds a request waits for a computation slot before a 503."),
        Setting("web_time_limit", "ARTICLE2_WEB_TIME_LIMIT", "1.5",
                "Dashboard: seconds a request waits for its answer before a 503 with "
                "Retry-After (the computation goes on and is cached)."),
        Setting("web_rate", "ARTICLE2_WEB_RATE", "20",
                "Dashboard: requests per second per client IP address (0: no limit)."),
        Setting("web_burst", "ARTICLE2_WEB_BURST", "100",
                "Dashboard: requests a client may send at once before its rate applies."),
        Setting("web_cache_mb", "ARTICLE2_WEB_CACHE_MB", "256",
                "Dashboard: memory for cached response bodies, in MB."),
        # --- online fetchers (article2.sources.download and one module per source) ---
        Setting(
            "fetch_timeout", "ARTICLE2_FETCH_TIMEOUT", "60", "HTTP timeout in seconds.", "timeout"
        ),
        Setting(
            "fetch_retries",
            "ARTICLE2_FETCH_RETRIES",
            "5",
            "Retries per HTTP request (429/5xx).",
            "count",
        ),
        Setting(
            "fetch_backoff",
            "ARTICLE2_FETCH_BACKOFF",
            "1.0",
            "Base of the exponential backoff between retries, in seconds.",
            "seconds",
        ),
        Setting(
            "fetch_max_wait",
            "ARTICLE2_FETCH_MAX_WAIT",
            "300",
            "Longest wait honoured from a Retry-After header, in seconds.",
            "seconds",
        ),
        Setting(
            "fetch_deadline",
            "ARTICLE2_FETCH_DEADLINE",
            "3600",
            "Longest time one download may take in all (attempts, waits and body), in seconds.",
            "timeout",
        ),
        Setting(
            "stale_days",
            "ARTICLE2_STALE_DAYS",
            "180",
            "A fetched vintage older than this many days is reported as stale.",
            "days",
        ),
        Setting(
            "imf_url",
            "ARTICLE2_IMF_URL",
            "https://api.imf.org/external/sdmx/2.1",
            "Base URL of the IMF SDMX 2.1 API (IMTS, WEO, DIP).",
            "url",
        ),
        Setting(
            "wdi_url",
            "ARTICLE2_WDI_URL",
            "https://api.worldbank.org/v2",
            "Base URL of the World Bank Indicators API v2.",
            "url",
        ),
        Setting(
            "oecd_url",
            "ARTICLE2_OECD_URL",
            "https://sdmx.oecd.org/public/rest",
            "Base URL of the OECD SDMX API (DAC2A).",
            "url",
        ),
        Setting(
            "oecd_calls_per_hour",
            "ARTICLE2_OECD_CALLS_PER_HOUR",
            "60",
            "Data downloads an hour the OECD API allows (60 since 2025, 20 before); "
            "fetches are paced to stay under it.",
            "positive_int",
        ),
        Setting(
            "baci_url",
            "ARTICLE2_BACI_URL",
            "https://www.cepii.fr/DATA_DOWNLOAD/baci/data",
            "Folder URL of CEPII BACI's bulk zip files.",
            "url",
        ),
        Setting(
            "baci_release",
            "ARTICLE2_BACI_RELEASE",
            "V202601",
            "BACI release to fetch when no --vintage is given (CEPII releases each January; "
            "V202601 covers 1995-2024).",
        ),
        Setting(
            "comtrade_url",
            "ARTICLE2_COMTRADE_URL",
            "https://comtradeapi.un.org/data/v1/get",
            "Base URL of the UN Comtrade data API (v1).",
            "url",
        ),
        Setting(
            "comtrade_key",
            "ARTICLE2_COMTRADE_KEY",
            None,
            "UN Comtrade API subscription key (https://comtradedeveloper.un.org); "
            "without one the public preview endpoint is used (500 rows a call).",
        ),
        Setting(
            "comtrade_preview_url",
            "ARTICLE2_COMTRADE_PREVIEW_URL",
            "https://comtradeapi.un.org/public/v1/preview",
            "Base URL of the UN Comtrade public preview API (no key, 500 rows a call).",
            "url",
        ),
        Setting(
            "comtrade_hs_url",
            "ARTICLE2_COMTRADE_HS_URL",
            "https://comtradeapi.un.org/files/v1/app/reference/HS.json",
            "UN Comtrade's HS reference list (HS6 codes by chapter, for splitting capped calls).",
            "url",
        ),
        Setting(
            "aiddata_url",
            "ARTICLE2_AIDDATA_URL",
            "https://docs.aiddata.org/ad4/datasets/AidDatas_Global_Chinese_Development_Finance_Dataset_Version_3_0.zip",
            "URL of AidData's GCDF 3.0 zip (holds the project-level xlsx).",
            "url",
        ),
        Setting(
            "desta_url",
            "ARTICLE2_DESTA_URL",
            "https://www.designoftradeagreements.org/media/filer_public/6a/45/"
            "6a454835-eef1-44c4-8af2-5557a9552167/desta_list_of_treaties_02_03_dyads.csv",
            "URL of DESTA's dyadic list of treaties (CSV, release 02_03).",
            "url",
        ),
        Setting(
            "threads",
            "ARTICLE2_THREADS",
            None,
            "Threads of the product-level dependence run (default: every core).",
            "positive_int",
        ),
    )
}

#: variables read outside the package (the task runner, benchmarks, tests): not settings, but
#: not unknown either
OTHER_VARIABLES: dict[str, str] = {
    "ARTICLE2_VENV": "the virtual environment ./task uses (default .venv)",
    "ARTICLE2_BENCH_DIR": "where the product benchmarks keep their generated data",
    "ARTICLE2_E2E_SCREENSHOTS": "a folder the browser tests save their screenshots to",
}


def _model(names: tuple[str, ...]):
    fields: dict[str, Any] = {n: (KINDS[SETTINGS[n].kind][0] | None, None) for n in names}
    return create_model("Settings", __config__=ConfigDict(extra="forbid"), **fields)


def _raw(name: str, environ: Mapping[str, str]) -> str | None:
    s = SETTINGS[name]
    text = environ.get(s.env)
    return text.strip() if text not in (None, "") else s.default


def _validated(names: tuple[str, ...], environ: Mapping[str, str]) -> dict[str, Any]:
    """The typed values of settings ``names`` (environment or default), checked by pydantic."""
    raw = {n: _raw(n, environ) for n in names}
    try:
        return _model(names).model_validate(raw).model_dump()
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            s = SETTINGS[str(err["loc"][0])]
            problems.append(f"{s.env} must be {KINDS[s.kind][1]}, not {raw[s.name]!r}")
        raise SettingError("; ".join(problems)) from None


def _known(name: str) -> None:
    if name not in SETTINGS:
        raise KeyError(f"unknown setting {name!r}; known: {', '.join(sorted(SETTINGS))}")


def get(name: str) -> str | None:
    """Value of setting ``name`` from the environment, or its default, as text (checked: a
    value of the wrong kind raises :class:`SettingError` naming the variable)."""
    _known(name)
    _validated((name,), os.environ)
    return _raw(name, os.environ)


def value(name: str) -> Any:
    """Value of setting ``name`` as its kind's type (float, int or str), or None when unset
    without a default; a value of the wrong kind raises :class:`SettingError`."""
    _known(name)
    return _validated((name,), os.environ)[name]


def check_environment(environ: Mapping[str, str] | None = None) -> None:
    """Check every setting's value and refuse unknown ``ARTICLE2_*`` variables (a misspelt
    setting); raises :class:`SettingError` naming the variables."""
    environ = os.environ if environ is None else environ
    known = {s.env for s in SETTINGS.values()} | set(OTHER_VARIABLES)
    unknown = sorted(k for k in environ if k.startswith("ARTICLE2_") and k not in known)
    if unknown:
        raise SettingError(
            f"unknown environment variable {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    _validated(tuple(SETTINGS), environ)
