"""SDMX-JSON data messages read into the same rows as the SDMX-CSV of the same data.

Reference: the SDMX-CSV reader on a CSV message carrying the same observations (written by
``tests.fixtures.official`` from one list of rows). Tables must be equal exactly: both paths
parse the same decimal text (JSON numbers are written from the same floats).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article2 import paths, warehouse
from article2.errors import CorruptFileError
from article2.sources import imf_imts, imf_weo, sdmx
from article2.sources.download import FetchError
from tests.fixtures import official
from tests.test_fetch_sources import IMTS_ROWS, imts_body

IMTS_DIMS = list(official.IMTS_DIMS)

pytestmark = pytest.mark.network


def imts_rows() -> list[dict[str, str]]:
    return [
        dict(zip([*IMTS_DIMS, "TIME_PERIOD", "OBS_VALUE"], r, strict=True)) | {"SCALE": "6"}
        for r in IMTS_ROWS
    ]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _same(a, b) -> None:
    assert set(a.tables) == set(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(_sorted(a.tables[name]), _sorted(b.tables[name]))
    assert a.rows_read == b.rows_read and a.rows_rejected == b.rows_rejected
    assert sorted(a.rejected["reason"]) == sorted(b.rejected["reason"])


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_json_reads_like_csv(tmp_path, version):
    csv = tmp_path / "m.csv"
    csv.write_bytes(imts_body())
    js = tmp_path / "m.json"
    js.write_bytes(
        official.sdmx_json(IMTS_DIMS, imts_rows(), series_attrs=("SCALE",), version=version)
    )
    from_csv = sdmx.read_csv(csv, imf_imts.ORIGIN, imf_imts.LAYOUT)
    from_json = sdmx.read(js, imf_imts.ORIGIN, imf_imts.LAYOUT)  # sniffed as JSON
    _same(from_csv, from_json)
    dyad = from_json.tables["dyad_year"].sort_values("indicator")
    assert dyad["value"].tolist() == [148000512345.5, 152000250000.0]


def test_observation_attributes_and_all_dimensions_layout(tmp_path):
    """dimensionAtObservation=AllDimensions: one flat "observations" object, attributes per obs."""
    message = {
        "header": {"id": "x"},
        "dataSets": [
            {"observations": {"0:0:0:0": [6.5, 0], "0:1:0:0": [506432100000, 1]}},
        ],
        "structure": {
            "dimensions": {
                "observation": [
                    {"id": "COUNTRY", "values": [{"id": "VNM"}]},
                    {"id": "INDICATOR", "values": [{"id": "NGDP_RPCH"}, {"id": "NGDPD"}]},
                    {"id": "FREQUENCY", "values": [{"id": "A"}]},
                    {"id": "TIME_PERIOD", "values": [{"id": "2026"}]},
                ]
            },
            "attributes": {"observation": [{"id": "SCALE", "values": [{"id": "0"}, {"id": "9"}]}]},
        },
    }
    f = tmp_path / "weo.json"
    f.write_text(json.dumps(message))
    got = imf_weo.read(f, imf_weo.ORIGIN).tables["country_year"].sort_values("indicator")
    # SCALE 9 is the IMF's display scale: the value is already in US dollars
    assert got["value"].tolist() == [6.5, 506432100000.0]


def test_fetch_json_sends_accept_and_builds(httpserver, monkeypatch):
    monkeypatch.setenv("ARTICLE2_IMF_URL", httpserver.url_for("/imf"))
    monkeypatch.delenv("ARTICLE2_SNAPSHOT", raising=False)
    monkeypatch.setattr(paths, "_default_snapshot_candidates", lambda: [])
    body = official.sdmx_json(IMTS_DIMS, imts_rows(), series_attrs=("SCALE",))
    httpserver.expect_request(
        "/imf/data/IMF.STA,IMTS/.XG_FOB_USD+MG_CIF_USD..A",
        headers={"Accept": sdmx.JSON_ACCEPT},
    ).respond_with_data(body, content_type="application/vnd.sdmx.data+json")
    files = imf_imts.fetch(vintage="2025-06", fmt="json")
    assert [f.name for f in files] == ["imf_imts.json"] and files[0].read_bytes() == body
    warehouse.build()
    d = warehouse.query("SELECT iso3_o, iso3_d, indicator, value FROM dyad_year ORDER BY indicator")
    assert d["value"].tolist() == [148000512345.5, 152000250000.0]
    src = warehouse.query("SELECT source_id, vintage, rows_read, rows_loaded FROM sources")
    assert src.values.tolist() == [["raw/imf_imts/2025-06/imf_imts.json", "2025-06", 5, 3]]


def test_fmt_is_checked_at_the_boundary():
    with pytest.raises(ValueError, match="fmt must be one of csv, json"):
        imf_imts.fetch(vintage="v", fmt="xml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b'{"dataSets": [', "malformed JSON"),
        (b'{"header": {}}', r"field '\$'.*missing 'dataSets'"),
        (b"[]", "is a JSON object"),
    ],
)
def test_malformed_json_answer_is_refused_and_leaves_nothing(httpserver, monkeypatch, body, match):
    monkeypatch.setenv("ARTICLE2_IMF_URL", httpserver.url_for("/imf"))
    httpserver.expect_request("/imf/data/IMF.STA,IMTS/.XG_FOB_USD+MG_CIF_USD..A").respond_with_data(
        body
    )
    with pytest.raises(FetchError, match=match):
        imf_imts.fetch(vintage="v1", fmt="json")
    assert not (paths.raw_dir() / "imf_imts" / "v1").exists()


def _message() -> dict:
    return json.loads(official.sdmx_json(IMTS_DIMS, imts_rows(), series_attrs=("SCALE",)))


@pytest.mark.parametrize(
    ("damage", "field", "reason"),
    [
        (
            lambda m: m["dataSets"][0]["series"].update({"0:0": {"observations": {}}}),
            "$.dataSets[0].series['0:0']",
            "key '0:0' has 2 positions, structure has 4",
        ),
        (
            lambda m: m["dataSets"][0]["series"].update({"9:0:0:0": {"observations": {}}}),
            "$.dataSets[0].series['9:0:0:0']",
            "value index '9' out of range",
        ),
        (
            lambda m: next(iter(m["dataSets"][0]["series"].values()))["observations"].update(
                {"0": [{"x": 1}]}
            ),
            "observations['0']",
            "is not a number",
        ),
        (
            lambda m: m["structure"]["dimensions"].pop("series"),
            "$.dataSets[0].series",
            "key '0:0:0:0' has 4 positions, structure has 0",
        ),
        (lambda m: m["structure"].pop("dimensions"), "$.structure", "missing 'dimensions'"),
    ],
)
def test_malformed_message_names_file_and_field(tmp_path, damage, field, reason):
    m = _message()
    damage(m)
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(m))
    with pytest.raises(CorruptFileError) as err:
        sdmx.read_json(f, imf_imts.ORIGIN, imf_imts.LAYOUT)
    msg = str(err.value)
    assert msg.startswith("imf_imts") and field in msg and reason in msg


def test_unparsable_file_names_the_file(tmp_path):
    f = tmp_path / "x.json"
    f.write_text("{not json")
    with pytest.raises(CorruptFileError, match=r"^imf_imts: malformed JSON"):
        sdmx.read(f, imf_imts.ORIGIN, imf_imts.LAYOUT)


codes = st.sampled_from(["JPN", "USA", "CHN", "VNM", "G001"])
obs_rows = st.lists(
    st.tuples(
        codes,
        st.sampled_from(["XG_FOB_USD", "MG_CIF_USD"]),
        codes,
        st.sampled_from(["2019", "2020", "2021-M03"]),
        st.one_of(st.just("NaN"), st.floats(0, 1e6, allow_nan=False).map(repr)),
        st.sampled_from(["0", "3", "6"]),
    ),
    min_size=1,
    max_size=25,
    unique_by=lambda r: r[:4],
)


@settings(max_examples=40, deadline=None)
@given(obs_rows)
def test_property_json_and_csv_agree(tmp_path_factory, rows):
    d = tmp_path_factory.mktemp("p")
    dicts = [
        dict(
            zip(
                ["COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "TIME_PERIOD", "OBS_VALUE"],
                r[:5],
                strict=True,
            )
        )
        | {"FREQUENCY": "A" if "-" not in r[3] else "M", "SCALE": r[5]}
        for r in rows
    ]
    (d / "m.csv").write_bytes(official.sdmx_csv(IMTS_DIMS, dicts, flow="IMF.STA:IMTS(1.0.0)"))
    # SCALE varies within a series here, so it is an observation-level attribute
    (d / "m.json").write_bytes(official.sdmx_json(IMTS_DIMS, dicts, obs_attrs=("SCALE",)))
    _same(
        sdmx.read(d / "m.csv", imf_imts.ORIGIN, imf_imts.LAYOUT),
        sdmx.read(d / "m.json", imf_imts.ORIGIN, imf_imts.LAYOUT),
    )
