"""Confinement and integrity guards: output names, credentials on redirects, archive bounds.

Each test plants the hostile input (a scenario name with ``../``, a redirect to another
origin, a zip bomb...) and asserts the clear error or the safe behaviour.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from article2 import warehouse
from article2.cli import app
from article2.errors import ChecksumMismatchError, CorruptFileError
from article2.models import scenarios
from article2.sources import archive, baci_download
from article2.sources import download as dl
from article2.sources._base import YEAR_MAX, YEAR_MIN
from tests.fixtures import mini_snapshot as ms

SCENARIO = """\
name: {name}
data: agtpa
baseline_year: 2006
reference: USA
change:
  kind: agreement_remove
  members: [USA, CAN, MEX]
"""


@pytest.mark.parametrize(
    "name",
    ["../../../../x", "'/tmp/evil'", "a/b", "'..'", ".hidden", "'a\\\\b'", "x..y",
     "'-rf'", "'" + "a" * 101 + "'", "'nul\\0'"],
)
def test_scenario_name_cannot_leave_the_result_folder(tmp_path, name):
    f = tmp_path / "bad.yaml"
    f.write_text(SCENARIO.format(name=name))
    with pytest.raises(ValueError, match=r"bad\.yaml: key 'name' .* not allowed") as err:
        scenarios.load_scenario(f)
    assert "letters, digits" in str(err.value)


@pytest.mark.parametrize(("name", "problem"), [("5", "expected a string"), ("''", "at least 1")])
def test_scenario_name_of_the_wrong_type_is_refused_by_the_schema(tmp_path, name, problem):
    """A number or an empty name never reaches the file-name rule: the scenario schema
    refuses it first, naming the file and the key."""
    f = tmp_path / "bad.yaml"
    f.write_text(SCENARIO.format(name=name))
    with pytest.raises(ValueError, match=rf"bad\.yaml: name: .*{problem}"):
        scenarios.load_scenario(f)


def test_scenario_name_refused_by_the_cli_before_anything_is_written(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("ARTICLE2_HOME", str(home))
    f = tmp_path / "bad.yaml"
    f.write_text(SCENARIO.format(name="../../../../escaped"))
    res = CliRunner().invoke(app, ["scenario", "run", str(f)])
    assert res.exit_code != 0
    assert "key 'name'" in res.output and "bad.yaml" in res.output
    assert "Traceback" not in res.output
    assert not list(tmp_path.rglob("escaped*"))
    res = CliRunner().invoke(app, ["scenario", "show", "../../../etc/passwd"])
    assert res.exit_code != 0 and "key 'name'" in res.output


def test_good_scenario_names_pass():
    for name in ("agtpa-nafta", "usa-joins-cptpp", "A.b_c-1", "x" * 100):
        assert scenarios.result_name(name) == name
    for example in Path(__file__).parents[1].joinpath("examples", "scenarios").glob("*.yaml"):
        assert scenarios.load_scenario(example).name


# --------------------------------------------------------------------------- archive bounds


def _zip(path: Path, members: dict[str, bytes], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            zf.writestr(info, "/etc/passwd")
    return path


def _bomb(path: Path, mib: int = 64) -> Path:
    """A BACI-named zip whose one CSV is ``mib`` MiB of the same line (ratio ~1000)."""
    body = b"t,i,j,k,v,q\n" + b"2020,4,8,010101,1.0,1.0\n" * (mib * (1 << 20) // 24)
    return _zip(path, {"BACI_HS92_Y2020_V202501.csv": body})


def test_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path):
    bomb = _bomb(tmp_path / "BACI_HS92_V202501.zip")
    assert bomb.stat().st_size < 1 << 20  # well under a MiB, unpacking to 64 MiB
    out = tmp_path / "out"
    with pytest.raises(dl.FetchError, match=r"compression ratio of [\d,]+ .*limit is 200"):
        baci_download.unpack(bomb, out)
    assert not out.exists() or not any(out.rglob("*"))


def test_fetched_zip_bomb_does_not_become_a_vintage(httpserver, monkeypatch, tmp_path):
    from article2 import paths

    bomb = _bomb(tmp_path / "b.zip", mib=32)
    httpserver.expect_request("/BACI_HS92_V202501.zip").respond_with_data(bomb.read_bytes())
    monkeypatch.setenv("ARTICLE2_BACI_URL", httpserver.url_for("/"))
    with pytest.raises(dl.FetchError, match="zip bomb"):
        baci_download.fetch(vintage="V202501", policy=dl.RetryPolicy(retries=0, timeout=5))
    assert not (paths.raw_dir() / "baci" / "V202501_HS92").exists()


@pytest.mark.parametrize(
    ("members", "symlink", "limits", "message"),
    [
        ({"../evil.csv": b"x", "BACI_a.csv": b"x"}, None, archive.DEFAULT, "unsafe path"),
        ({"/etc/evil.csv": b"x", "BACI_a.csv": b"x"}, None, archive.DEFAULT, "unsafe path"),
        ({"a\\..\\evil.csv": b"x", "BACI_a.csv": b"x"}, None, archive.DEFAULT, "unsafe path"),
        ({"C:/evil.csv": b"x", "BACI_a.csv": b"x"}, None, archive.DEFAULT, "unsafe path"),
        ({"BACI_a.csv": b"x"}, "BACI_link.csv", archive.DEFAULT, "symbolic link"),
        ({f"BACI_{n}.csv": b"x" for n in range(6)}, None, archive.ZipLimits(members=5),
         "6 members in the zip; the limit is 5"),
        ({"BACI_a.csv": b"x" * 600, "BACI_b.csv": b"y" * 600}, None,
         archive.ZipLimits(total_bytes=1000), "more than 1,000 bytes in all"),
        ({"BACI_a.csv": b"x" * 600}, None, archive.ZipLimits(member_bytes=500),
         "unpacks to 600 bytes; the limit per member is 500"),
    ],
)
def test_archive_bounds(tmp_path, members, symlink, limits, message):
    z = _zip(tmp_path / "a.zip", members, symlink=symlink)
    out = tmp_path / "out"
    with pytest.raises(archive.ArchiveError, match=message):
        archive.extract_zip(z, out, limits)
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]
    assert not (tmp_path / "evil.csv").exists()


def test_archive_within_bounds_unpacks(tmp_path):
    z = _zip(tmp_path / "a.zip", {"BACI_a.csv": b"t,i\n2020,4\n", "sub/c.csv": b"x"})
    files = archive.extract_zip(z, tmp_path / "out")
    assert [p.relative_to(tmp_path / "out").as_posix() for p in files] == ["BACI_a.csv",
                                                                           "sub/c.csv"]
    assert (tmp_path / "out" / "BACI_a.csv").read_bytes() == b"t,i\n2020,4\n"


def test_aiddata_zip_bomb_is_a_corrupt_file_error(tmp_path):
    from article2.errors import CorruptFileError
    from article2.sources import aiddata_projects

    z = _zip(tmp_path / "gcdf.zip", {"GlobalChineseDevelopmentFinance.xlsx": b"\0" * (64 << 20)})
    with pytest.raises(CorruptFileError, match="compression ratio"):
        aiddata_projects._workbook(z, "aiddata/gcdf.zip")


# --------------------------------------------------------------------------- plausible values

TEXT_CASES = [c for c in ms.CASES if c.text is not None and not c.file.endswith(".json")]
NUMERIC = [c for c in TEXT_CASES if c.numeric]
YEARLY = [c for c in TEXT_CASES if "year" in c.text.splitlines()[0].split(",")]


def _mutate(case: ms.FileCase, field: str, value: str, data_row: int = 2) -> str:
    lines = case.text.splitlines()
    header = lines[0].split(",")
    cells = lines[data_row].split(",")
    cells[header.index(field)] = value
    lines[data_row] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _refused_or_quarantined(mini, case, field, value, reason):
    (mini / case.file).write_bytes(ms.encode(case, _mutate(case, field, value)))
    ms.reseal(mini)
    try:
        report = warehouse.build(mini)
    except CorruptFileError as exc:  # the build's last guard: the error names the file
        assert case.file in str(exc) and reason.split()[0] in str(exc)
        return
    q = warehouse.query("SELECT * FROM quarantine WHERE source_id = ?", [case.file],
                        path=report.warehouse)
    hit = q[(q.row == 2) & q.reason.str.contains(reason, regex=False)]
    assert len(hit) >= 1, q
    assert value.lstrip("-") in " ".join(hit.value)
    # and nothing implausible is in the warehouse
    for table in ("country_year", "dyad_year", "aggregate_year"):
        n = warehouse.query(
            f"SELECT count(*) AS n FROM {table} WHERE isinf(value) OR isnan(value) "
            f"OR year NOT BETWEEN {YEAR_MIN} AND {YEAR_MAX}", path=report.warehouse)
        assert int(n.n.iloc[0]) == 0


@pytest.mark.parametrize("value", ["inf", "-Infinity", "1e400"])
@pytest.mark.parametrize("case", NUMERIC, ids=[c.file.split("/")[-1] for c in NUMERIC])
def test_non_finite_number_never_enters_the_warehouse(mini, case, value):
    _refused_or_quarantined(mini, case, case.numeric, value, "not a finite number")


@pytest.mark.parametrize("value", ["-5", "99999", "1799"])
@pytest.mark.parametrize("case", YEARLY, ids=[c.file.split("/")[-1] for c in YEARLY])
def test_year_outside_the_stated_range_never_enters_the_warehouse(mini, case, value):
    _refused_or_quarantined(mini, case, "year", value, "year outside")


def _manifest(mini) -> dict:
    return json.loads((mini / "MANIFEST.json").read_text())


def test_manifest_entry_without_sha256_is_an_error(mini):
    m = _manifest(mini)
    del m["files"][3]["sha256"]
    (mini / "MANIFEST.json").write_text(json.dumps(m))
    with pytest.raises(ValueError, match=r"files entry 4 .* lacks sha256"):
        warehouse.build(mini)
    assert not warehouse.exists()


@pytest.mark.parametrize("path", ["../outside.csv", "/etc/passwd", "cow_trade/../../x.csv",
                                  "a\\..\\..\\x.csv"])
def test_manifest_path_outside_the_snapshot_is_refused(mini, path):
    (mini.parent / "outside.csv").write_text("ccode1,ccode2,year\n")
    m = _manifest(mini)
    m["files"][0]["file"] = path
    (mini / "MANIFEST.json").write_text(json.dumps(m))
    with pytest.raises(ValueError, match="leaves the snapshot folder"):
        warehouse.build(mini)


def test_every_checksum_is_verified_before_any_file_is_read(mini):
    last = ms.CASES[-1]
    (mini / last.file).write_bytes((mini / last.file).read_bytes() + b"\0")
    seen: list[str] = []
    with pytest.raises(ChecksumMismatchError, match=last.file.split("/")[-1]):
        warehouse.build(mini, progress=lambda sid, i, n: seen.append(sid))
    assert seen and all(s.startswith("verifying ") for s in seen)


def test_killed_build_leftovers_are_removed_by_the_next_build(mini, tmp_path):
    import os
    import subprocess
    import sys

    from article2 import paths

    target = paths.warehouse_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(gone.stdout)  # a process that has exited
    stale = target.with_name(f".{target.name}.building-{dead}")
    stale.write_bytes(b"half a warehouse")
    stale.with_name(stale.name + ".wal").write_bytes(b"wal")
    live = target.with_name(f".{target.name}.building-{os.getppid()}")  # a running process
    live.write_bytes(b"another build in progress")
    warehouse.build(mini)
    assert not stale.exists() and not stale.with_name(stale.name + ".wal").exists()
    assert live.exists()
    live.unlink()


def test_cli_json_never_prints_infinity_or_nan(capsys):
    import pandas as pd

    from article2.cli._app import Format, emit

    emit(pd.DataFrame({"x": [1.0, float("inf"), float("-inf"), float("nan")], "y": list("abcd")}),
         Format.json)
    out = capsys.readouterr().out
    assert "Infinity" not in out and "NaN" not in out
    rows = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert [r["x"] for r in rows] == [1.0, None, None, None]


def test_stored_json_outputs_hold_null_not_nan():
    from article2.api import _json_text

    text = _json_text({"a": float("nan"), "b": [1.0, float("inf")], "c": {"d": -float("inf")}},
                      indent=1)
    assert json.loads(text, parse_constant=lambda c: pytest.fail(c)) == {
        "a": None, "b": [1.0, None], "c": {"d": None}}
