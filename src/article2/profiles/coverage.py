"""The latest year and source of every channel of a profile, in one table every surface prints
(the brief's cover, the dashboard's country page, the CLI profile), and the one sentence that
says why a brief's reference year is what it is.

Pure: it reads a :class:`~article2.profiles.model.Profile` and computes nothing new; the years
and source ids are the ones the profile's figures and channels carry.
"""

from __future__ import annotations

from dataclasses import dataclass

from article2.profiles.model import Profile

__all__ = ["ChannelCoverage", "channel_coverage", "fetched_words", "reference_year_note"]


@dataclass(frozen=True)
class ChannelCoverage:
    """One channel of a profile: what it measures, the latest year with a value for the
    country, the source in words and the raw files (``source_ids``), and a note (partial years,
    what the figure is not).

    ``year`` is None when the channel has no value for the country in the warehouse.
    """

    key: str
    channel: str
    source: str
    year: int | None
    source_ids: tuple[str, ...]
    note: str = ""


#: profile section/channel -> (key, what it measures, source in words), in print order.
_FIGURE_CHANNELS: tuple[tuple[str, str, str, str, str], ...] = (
    ("economy", "GDP", "gdp", "GDP (current US$)", "World Bank WDI"),
    ("economy", "population", "population", "Population", "World Bank WDI"),
)
_TIE_CHANNELS: tuple[tuple[str, str, str, str], ...] = (
    ("atop_defense", "alliances", "Alliances", "ATOP alliance data"),
    ("igo_shared", "igo", "Shared intergovernmental organisations", "COW IGO data"),
    ("agreements_in_force", "agreements", "Trade agreements in force", "DESTA"),
)
#: new channel key -> (what it measures, source in words)
_NEW_CHANNELS: dict[str, tuple[str, str]] = {
    "us_trade": ("U.S. goods trade with the country", "IMF Direction of Trade Statistics"),
    "us_aid": ("U.S. foreign assistance (all, military included)", "ForeignAssistance.gov"),
    "cn_finance": ("Chinese official finance", "AidData GCDF 3.0"),
    "dac_oda": ("ODA of Japan and EU members", "OECD DAC2A"),
    "migrants": ("Migrants between the country and the actors", "UN DESA migrant stock 2019"),
    "students": ("Tertiary students abroad", "OECD international students"),
}


#: first part of a fetched file's source id (``raw/<source>/<vintage>/...``) -> source in words
_FETCHED_WORDS: dict[str, str] = {
    "wdi": "World Bank WDI (fetched)",
    "imf_weo": "IMF World Economic Outlook (fetched)",
    "imf_imts": "IMF IMTS (fetched)",
    "imf_dip": "IMF Direct Investment Positions (fetched)",
    "oecd_dac2a": "OECD DAC2A (fetched)",
    "comtrade": "UN Comtrade (fetched)",
    "baci": "CEPII BACI (fetched)",
}


def _words(ids: tuple[str, ...], default: str) -> str:
    """The source in words: a fetched vintage (``raw/<source>/<vintage>/…``) is named with its
    vintage; a snapshot file keeps the channel's source."""
    fetched = [i.split("/") for i in ids if i.startswith("raw/") and i.count("/") >= 3]
    if not fetched:
        return default
    src, vintage = fetched[0][1], fetched[0][2]
    return f"{_FETCHED_WORDS.get(src, src)}, vintage {vintage}"


def fetched_words(source_id: str) -> str | None:
    """How a fetched file's source id is written for readers (``World Bank WDI (fetched),
    vintage 2025-12-16``; several ids joined by ``;``: the first fetched one); None for a
    file of the snapshot."""
    words = _words(tuple(source_id.split(";")), "")
    return words or None


def _figure_years(profile: Profile, section: str, channel: str) -> tuple[int | None, tuple]:
    hits = [f for f in profile.figures if f.section == section and f.channel == channel and f.year]
    if not hits:
        return None, ()
    year = max(int(f.year) for f in hits if f.year is not None)
    ids = tuple(sorted({s for f in hits if f.year == year for s in f.source_ids}))
    return year, ids


def channel_coverage(profile: Profile) -> tuple[ChannelCoverage, ...]:
    """Every channel of ``profile`` with its latest year and source, in print order: economy,
    trade shares, the new channels (U.S. trade, U.S. assistance, Chinese finance, DAC ODA,
    migrants, students), then alliances, IGOs and agreements."""
    out: list[ChannelCoverage] = []
    for section, channel, key, label, source in _FIGURE_CHANNELS:
        year, ids = _figure_years(profile, section, channel)
        out.append(ChannelCoverage(key, label, _words(ids, source), year, ids))
    trade_year = profile.years.get("trade")
    trade_ids = tuple(
        sorted({s for f in profile.figures if f.section == "trade" for s in f.source_ids})
    )
    out.append(
        ChannelCoverage(
            "trade_shares",
            "Shares of the country's goods trade by actor",
            _words(trade_ids, profile.trade_source_label),
            trade_year,
            trade_ids if trade_year is not None else (),
        )
    )
    if profile.channels is not None:
        for key, (label, source) in _NEW_CHANNELS.items():
            c = profile.channels.latest.get(key)
            if c is None:
                continue
            note = " ".join(
                f"{why.rstrip('.')}; it is left out." for _, why in sorted(c.partial.items())
            )
            ids = tuple(c.source_ids)
            out.append(ChannelCoverage(key, label, _words(ids, source), c.year, ids, note))
    for channel, key, label, source in _TIE_CHANNELS:
        year, ids = _figure_years(profile, "ties", channel)
        out.append(ChannelCoverage(key, label, source, year, ids))
    return tuple(out)


def reference_year_note(reference_year: int, trade_source_label: str) -> str:
    """One sentence on why a brief's reference year is ``reference_year``: it is the latest year
    of the trade-share source, so that every actor's share is compared in one year; later
    channels keep their own latest years."""
    return (
        f"Reference year {reference_year}: the latest year of {trade_source_label}, the source "
        "of the trade shares, so that every actor's share is compared in the same year. Other "
        "channels show their own latest year, listed in this table."
    )
