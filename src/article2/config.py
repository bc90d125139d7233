"""Settings, declared in one place.

Every setting has a name, the environment variable that overrides it, a default and help text.
Only this module (and :mod:`article2.paths`, which resolves the path settings) reads the
environment; everything else asks these functions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["SETTINGS", "Setting", "get"]


@dataclass(frozen=True)
class Setting:
    """One user-facing setting.

    Attributes:
        name: key used in code and docs.
        env: environment variable that overrides the default.
        default: value used when the variable is unset (None: computed by :mod:`article2.paths`).
        help: one-line description shown in docs and ``article2 --help``.
    """

    name: str
    env: str
    default: str | None
    help: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "home",
            "ARTICLE2_HOME",
            None,
            "Data home: raw downloads, the warehouse and outputs "
            "(default: the platform's user data directory, via platformdirs).",
        ),
        Setting(
            "snapshot",
            "ARTICLE2_SNAPSHOT",
            None,
            "Snapshot folder laid out like ../shared/data with its MANIFEST.json "
            "(default: ../shared/data when it exists).",
        ),
        # --- online fetchers (article2.sources.download and one module per source) ---
        Setting("fetch_timeout", "ARTICLE2_FETCH_TIMEOUT", "60", "HTTP timeout in seconds."),
        Setting(
            "fetch_retries", "ARTICLE2_FETCH_RETRIES", "5", "Retries per HTTP request (429/5xx)."
        ),
        Setting(
            "fetch_backoff",
            "ARTICLE2_FETCH_BACKOFF",
            "1.0",
            "Base of the exponential backoff between retries, in seconds.",
        ),
        Setting(
            "fetch_max_wait",
            "ARTICLE2_FETCH_MAX_WAIT",
            "300",
            "Longest wait honoured from a Retry-After header, in seconds.",
        ),
        Setting(
            "fetch_deadline",
            "ARTICLE2_FETCH_DEADLINE",
            "3600",
            "Longest time one download may take in all (attempts, waits and body), in seconds.",
        ),
        Setting(
            "stale_days",
            "ARTICLE2_STALE_DAYS",
            "180",
            "A fetched vintage older than this many days is reported as stale.",
        ),
        Setting(
            "imf_url",
            "ARTICLE2_IMF_URL",
            "https://api.imf.org/external/sdmx/2.1",
            "Base URL of the IMF SDMX 2.1 API (IMTS, WEO, DIP).",
        ),
        Setting(
            "wdi_url",
            "ARTICLE2_WDI_URL",
            "https://api.worldbank.org/v2",
            "Base URL of the World Bank Indicators API v2.",
        ),
        Setting(
            "oecd_url",
            "ARTICLE2_OECD_URL",
            "https://sdmx.oecd.org/public/rest",
            "Base URL of the OECD SDMX API (DAC2A).",
        ),
        Setting(
            "baci_url",
            "ARTICLE2_BACI_URL",
            "https://www.cepii.fr/DATA_DOWNLOAD/baci/data",
            "Folder URL of CEPII BACI's bulk zip files.",
        ),
        Setting(
            "baci_release",
            "ARTICLE2_BACI_RELEASE",
            "V202501",
            "BACI release to fetch when no --vintage is given.",
        ),
        Setting(
            "comtrade_url",
            "ARTICLE2_COMTRADE_URL",
            "https://comtradeapi.un.org/data/v1/get",
            "Base URL of the UN Comtrade data API (v1).",
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
        ),
        Setting(
            "aiddata_url",
            "ARTICLE2_AIDDATA_URL",
            "https://docs.aiddata.org/ad4/datasets/AidDatas_Global_Chinese_Development_Finance_Dataset_Version_3_0.zip",
            "URL of AidData's GCDF 3.0 zip (holds the project-level xlsx).",
        ),
        Setting(
            "desta_url",
            "ARTICLE2_DESTA_URL",
            "https://www.designoftradeagreements.org/media/filer_public/desta_list_of_treaties_02_03.csv",
            "URL of DESTA's list of treaties with members (CSV).",
        ),
    )
}


def get(name: str) -> str | None:
    """Value of setting ``name`` from the environment, or its default."""
    if name not in SETTINGS:
        raise KeyError(f"unknown setting {name!r}; known: {', '.join(sorted(SETTINGS))}")
    s = SETTINGS[name]
    value = os.environ.get(s.env)
    return value if value not in (None, "") else s.default
