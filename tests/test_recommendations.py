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


# words a cut-off sentence ends on ("Remove barriers to")
_DANGLING = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on",
             "or", "the", "to", "with"}  # fmt: skip


def test_every_paraphrase_is_a_whole_sentence(records):
    for r in records:
        text = r["paraphrase"]
        words = text.rstrip(".").split()
        assert text[0].isupper() and text.endswith("."), (r["id"], text)
        assert len(words) >= 4 and words[-1].lower() not in _DANGLING, (r["id"], text)
        assert text.count("(") == text.count(")"), (r["id"], text)


def test_indicators_are_not_split_at_commas(records):
    """An unquoted comma inside [...] splits one indicator into several: none is a bare code."""
    for r in records:
        for ind in r["indicators"]:
            assert len(ind.split()) >= 2, (r["id"], r["indicators"])


SOURCES = "sources:\n  s1: {title: T, body: B, date: 2018}\n"
GOOD = (
    "defaults: {scope: country, countries: [VNM], source: s1, section: S,\n"
    "           status: [{date: 2018, status: proposed, evidence: Published.}]}\n"
    "records:\n"
    "  - {id: R-1, actor: us, theme: trade, heading: H, paraphrase: Do one thing.,\n"
    "     indicators: [one indicator]}\n"
)


def _load(tmp_path, text, sources=SOURCES):
    from article2.recommendations.records import load_records

    (tmp_path / "_sources.yaml").write_text(sources)
    (tmp_path / "case.yaml").write_text(text)
    return load_records(tmp_path)


def test_loader_reads_a_good_file(tmp_path):
    (rec,) = _load(tmp_path, GOOD)
    assert rec["id"] == "R-1" and rec["paraphrase"] == "Do one thing."
    assert rec["countries"] == ["VNM"] and rec["status"][0]["date"] == "2018"


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        # the defect that cut ten paraphrases: an unquoted comma in a flow mapping
        ("paraphrase: Do one thing.", "paraphrase: Do one thing, then another.",
         r"case.yaml: record #1 \(R-1\): unknown key 'then another.'; allowed: actor, .*quoted"),
        ("theme: trade,", "theme: trade, colour: red,", r"record #1 \(R-1\): unknown key 'colour'"),
        ("heading: H,", "heading: 7,", r"record #1 \(R-1\): key 'heading': .*string, not 7"),
        ("actor: us", "actor: usa", r"\(R-1\): key 'actor': .*'us', 'japan' or 'joint'"),
        ("countries: [VNM]", "countries: VNM", r"\(R-1\): key 'countries': .*list, not 'VNM'"),
        ("countries: [VNM]", "countries: [vnm]", r"\(R-1\): key 'countries\[1\]'"),
        ("date: 2018,", "date: soon,", r"key 'status\[1\].date': not a date"),
        ("evidence: Published.", "evidence: Published., by: me",
         r"unknown key 'status\[1\].by'; allowed: date, evidence, status"),
        ("status: proposed", "status: done", r"key 'status\[1\].status'"),
        ("     indicators: [one indicator]}", "     indicators: []}",
         r"key 'indicators': .*at least 1 item"),
        ("id: R-1, ", "", r"record #1 \(\?\): missing key 'id'"),
        ("heading: H,", "heading: H, tracker: nope,", r"key 'tracker': unknown tracker; allowed: "),
        ("source: s1,", "source: s2,", r"key 'source': unknown source 's2'; allowed: s1"),
        ("section: S,", "section: S, sektion: T,", r"case.yaml: defaults: unknown key 'sektion'"),
        ("records:", "recs:", r"case.yaml: missing key 'records'; unknown key 'recs'"),
    ],
)  # fmt: skip
def test_loader_rejects_bad_records(tmp_path, old, new, match):
    from article2.recommendations.records import RecordError

    assert old in GOOD
    with pytest.raises(RecordError, match=match):
        _load(tmp_path, GOOD.replace(old, new, 1))


def test_loader_rejects_bad_sources_and_yaml(tmp_path):
    from article2.recommendations.records import RecordError

    with pytest.raises(
        RecordError, match=r"_sources.yaml: source s1: missing key 'date'; unknown key 'year'"
    ):
        _load(tmp_path, GOOD, SOURCES.replace("date: 2018", "year: 2018"))
    with pytest.raises(RecordError, match=r"case.yaml: not valid YAML"):
        _load(tmp_path, GOOD + "  - {id: R-2\n")
    with pytest.raises(RecordError, match=r"record #2 \(R-1\): id used twice"):
        _load(tmp_path, GOOD + GOOD.split("records:\n")[1])
