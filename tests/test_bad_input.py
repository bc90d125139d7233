"""Bad input: every reader, every kind of damage, on fixture files the tests make themselves.

File-level damage (missing file, truncated gzip, missing column, checksum mismatch) stops the
build with an error naming the file (and field); row-level damage (non-numeric, negative,
duplicate key, unknown country code) quarantines the row with its number, field and reason.
A failed build leaves the previous warehouse byte-for-byte unchanged.
"""

from __future__ import annotations

import hashlib

import pytest

from article2 import warehouse
from article2.errors import (
    ChecksumMismatchError,
    CorruptFileError,
    MissingColumnError,
    MissingFileError,
)
from tests.fixtures import mini_snapshot as ms

TEXT_CASES = [c for c in ms.CASES if c.text is not None and not c.file.endswith(".json")]


def _ids(cases):
    return [c.file.split("/")[-1] for c in cases]


def _mutate_field(case: ms.FileCase, field: str, value: str, data_row: int = 2) -> str:
    lines = case.text.splitlines()
    header = lines[0].split(",")
    cells = lines[data_row].split(",")
    cells[header.index(field)] = value
    lines[data_row] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _build_with(mini, case, text=None, data=None, reseal=True):
    (mini / case.file).write_bytes(data if data is not None else ms.encode(case, text))
    if reseal:
        ms.reseal(mini)
    return warehouse.build(mini)


def _quarantine(report, case):
    return warehouse.query(
        "SELECT * FROM quarantine WHERE source_id = ? ORDER BY row",
        [case.file],
        path=report.warehouse,
    )


def test_mini_snapshot_builds_cleanly(mini):
    report = warehouse.build(mini)
    for s in report.sources:
        assert s.rows_rejected == 0, (s.source_id, s.reasons)
        assert s.rows_loaded == s.rows_read > 0


@pytest.mark.parametrize("case", ms.CASES, ids=_ids(ms.CASES))
def test_missing_file(mini, case):
    (mini / case.file).unlink()
    with pytest.raises(MissingFileError, match=case.file.replace("[", r"\[")):
        warehouse.build(mini)


@pytest.mark.parametrize(
    "case",
    [c for c in ms.CASES if c.file.endswith(".gz")],
    ids=_ids([c for c in ms.CASES if c.file.endswith(".gz")]),
)
def test_truncated_gzip(mini, case):
    data = ms.encode(case)
    with pytest.raises(CorruptFileError, match=case.file) as err:
        _build_with(mini, case, data=data[: len(data) // 2])
    assert "gzip" in str(err.value)


@pytest.mark.parametrize(
    "case",
    [c for c in ms.CASES if c.text is None or c.file.endswith(".json")],
    ids=_ids([c for c in ms.CASES if c.text is None or c.file.endswith(".json")]),
)
def test_corrupt_binary_or_json(mini, case):
    with pytest.raises(CorruptFileError, match=case.file):
        _build_with(mini, case, data=b"\x00\x01 this is not the format {")


@pytest.mark.parametrize("case", TEXT_CASES, ids=_ids(TEXT_CASES))
def test_renamed_column(mini, case):
    header = case.text.splitlines()[0].split(",")
    col = case.numeric or case.code or header[0]
    text = case.text.replace(col, col + "_renamed", 1)
    with pytest.raises(MissingColumnError) as err:
        _build_with(mini, case, text=text)
    assert case.file in str(err.value) and repr(col) in str(err.value)


@pytest.mark.parametrize("case", ms.CASES, ids=_ids(ms.CASES))
def test_checksum_mismatch(mini, case):
    path = mini / case.file
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(ChecksumMismatchError, match="SHA-256 mismatch"):
        warehouse.build(mini)


NUMERIC = [c for c in TEXT_CASES if c.numeric]


@pytest.mark.parametrize("case", NUMERIC, ids=_ids(NUMERIC))
def test_non_numeric_value_is_quarantined(mini, case):
    report = _build_with(mini, case, text=_mutate_field(case, case.numeric, "abc"))
    q = _quarantine(report, case)
    hit = q[(q.row == 2) & (q.field == case.numeric)]
    assert len(hit) == 1 and "not a number" in hit.reason.iloc[0]
    src = next(s for s in report.sources if s.source_id == case.file)
    assert src.rows_loaded + src.rows_rejected == src.rows_read


NONNEG = [c for c in NUMERIC if not c.signed]


@pytest.mark.parametrize("case", NONNEG, ids=_ids(NONNEG))
def test_negative_value_is_quarantined(mini, case):
    report = _build_with(mini, case, text=_mutate_field(case, case.numeric, "-5"))
    q = _quarantine(report, case)
    hit = q[(q.row == 2) & (q.field == case.numeric)]
    assert len(hit) == 1, q
    assert "negative" in hit.reason.iloc[0] or "not in 0..5" in hit.reason.iloc[0]


CODED = [c for c in TEXT_CASES if c.code]


@pytest.mark.parametrize("case", CODED, ids=_ids(CODED))
def test_unknown_country_code_is_quarantined_and_reported(mini, case):
    report = _build_with(mini, case, text=_mutate_field(case, case.code, case.bad_code))
    q = _quarantine(report, case)
    hit = q[q.row == 2]
    assert len(hit) >= 1 and "unknown" in " ".join(hit.reason), q
    unmapped = warehouse.query(
        "SELECT * FROM unmapped WHERE source_id = ?", [case.file], path=report.warehouse
    )
    assert case.bad_code in set(unmapped.code), unmapped


@pytest.mark.parametrize("case", TEXT_CASES, ids=_ids(TEXT_CASES))
def test_duplicate_key_is_quarantined(mini, case):
    lines = case.text.splitlines()
    text = "\n".join([*lines, lines[1]]) + "\n"  # repeat the first data row at the end
    report = _build_with(mini, case, text=text)
    q = _quarantine(report, case)
    last = len(lines)  # 1-based data row number of the repeated row
    hit = q[q.row == last]
    assert len(hit) == 1 and "duplicate" in hit.reason.iloc[0], q
    assert "row 1" in hit.value.iloc[0]


def test_failed_build_leaves_previous_warehouse_unchanged(mini):
    report = warehouse.build(mini)
    before = hashlib.sha256(report.warehouse.read_bytes()).hexdigest()
    case = ms.CASES[0]
    data = ms.encode(case)
    with pytest.raises(CorruptFileError):
        _build_with(mini, case, data=data[: len(data) // 2])
    after = hashlib.sha256(report.warehouse.read_bytes()).hexdigest()
    assert before == after
    leftovers = [p.name for p in report.warehouse.parent.iterdir() if "building" in p.name]
    assert leftovers == []


def test_rows_loaded_plus_rejected_equal_rows_read_with_damage(mini):
    case = ms.CASES[0]
    text = _mutate_field(case, "flow1", "abc", 1)
    text = _mutate_field(ms.FileCase(case.dataset, case.file, text), "ccode2", "9999", 3)
    report = _build_with(mini, case, text=text)
    src = next(s for s in report.sources if s.source_id == case.file)
    assert src.rows_read == 6
    assert src.rows_rejected == 2
    assert src.rows_loaded == 4


def test_conflicting_mirror_rows_are_quarantined_with_the_row_they_contradict(mini):
    """COW lists each flow twice (once per side); a contradiction names the earlier row."""
    case = ms.CASES[0]
    text = _mutate_field(case, "flow2", "999", 2)  # row 2 says USA->VNM differs from row 1
    report = _build_with(mini, case, text=text)
    q = _quarantine(report, case)
    hit = q[q.row == 2]
    assert len(hit) == 1 and "duplicate key" in hit.reason.iloc[0]
    assert "conflicts with row 1" in hit.value.iloc[0]
