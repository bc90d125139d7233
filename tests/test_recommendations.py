"""Recommendation records: one record per recommendation in the seeds, valid fields, and
statuses computed from the agreement registry. Counts are exact (no tolerance)."""

from __future__ import annotations

import pandas as pd
import pytest

from article2.agreements.registry import load_curated
from article2.recommendations.records import load_records, to_frame
from article2.recommendations.tracker import track

# (case study file, actor) -> number of recommendations in the seeds:
# 000_*.txt (CSIS/API brief): "Recommendations for U.S.-Japan joint action" 1-10 (the ten
# crosscutting ones; 001_*.txt repeats the same ten); Myanmar US 1-2, Japan 1-2, Joint 1-5;
# Vietnam US 1-3, Japan 1-2, Joint 1-4; India US 1-2, Japan 1-2, Joint 1-5; South Korea US 1-2,
# Japan 1-3, Joint 1-4; Regional trade architecture US 1-3, Japan 1-3, Joint 1-4; G7 US 1,
# Japan 1-2, Joint 1-4. 003_*.txt (Hornung 2023): 12 areas the allies "could" cooperate on,
# one of them addressed to the United States (rejoining the trans-Pacific agreement).
EXPECTED = {
    ("crosscutting", "joint"): 10,
    ("myanmar", "us"): 2, ("myanmar", "japan"): 2, ("myanmar", "joint"): 5,
    ("vietnam", "us"): 3, ("vietnam", "japan"): 2, ("vietnam", "joint"): 4,
    ("india", "us"): 2, ("india", "japan"): 2, ("india", "joint"): 5,
    ("korea", "us"): 2, ("korea", "japan"): 3, ("korea", "joint"): 4,
    ("trade_architecture", "us"): 3, ("trade_architecture", "japan"): 3,
    ("trade_architecture", "joint"): 4,
    ("g7", "us"): 1, ("g7", "japan"): 2, ("g7", "joint"): 4,
    ("hornung2023", "us"): 1, ("hornung2023", "joint"): 11,
}  # fmt: skip


@pytest.fixture(scope="module")
def records():
    return load_records()


def test_one_record_per_seed_recommendation(records):
    counts = pd.Series([(r["case_study"], r["actor"]) for r in records]).value_counts().to_dict()
    assert counts == EXPECTED
    assert len({r["id"] for r in records}) == len(records) == sum(EXPECTED.values())


def test_records_have_citation_indicators_and_dated_history(records):
    for r in records:
        assert r["paraphrase"] and r["section"] and r["heading"], r["id"]
        assert r["indicators"], r["id"]
        assert r["status"][0]["status"] == "proposed", r["id"]


def test_paraphrases_are_not_the_report_sentences(records):
    from tests.conftest import REAL_SNAPSHOT

    seeds = REAL_SNAPSHOT.parent / "seeds"
    text = " ".join(p.read_text() for p in seeds.glob("*.txt")) if seeds.is_dir() else ""
    if not text:
        pytest.skip("seeds not available")
    norm = " ".join(text.split()).lower()
    for r in records:
        assert r["paraphrase"].lower().rstrip(".") not in norm, r["id"]


@pytest.mark.parametrize(
    ("rec_id", "at", "status"),
    [
        ("KOR-JP-1", "2026-11-23", "proposed"),  # Korea is not a CPTPP party
        ("H23-03", "2026-11-23", "proposed"),  # nor the United States
        ("VNM-J-1", "2019-01-13", "proposed"),
        ("VNM-J-1", "2019-01-14", "in_progress"),
        ("RTA-JP-3", "2018-12-29", "proposed"),
        ("RTA-JP-3", "2018-12-30", "in_progress"),
        ("RTA-JP-3", "2024-12-15", "achieved"),
        ("KOR-US-1", "2019-01-01", "achieved"),
        ("RTA-US-3", "2026-11-23", "stalled"),
    ],
)
def test_computed_status(records, rec_id, at, status):
    frame = to_frame(track(records, load_curated().memberships, at)).set_index("id")
    assert frame.loc[rec_id, "status"] == status
