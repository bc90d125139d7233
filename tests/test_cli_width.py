"""Tables for people fit 100 columns by default (``--wide`` shows every column), and every
number is printed in the one format of its unit (the measures layer's ``Measure.unit``)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from article2 import paths
from article2.cli import app
from article2.cli._app import Format, emit, fit_widths, number

WIDTH = 100

COMMANDS = [
    ["profile", "VNM"],
    ["compare", "VNM", "IDN"],
    ["recs"],
    ["agreements"],
    ["agreements", "--member", "VNM", "--at", "2019-01-01"],
    ["architecture", "--at", "2019-01-01"],
    ["countries"],
    ["sources"],
    ["index", "--draws", "0"],
    ["measure"],
    ["measure", "trade_share", "--year", "2014", "--actor", "USA"],
]


def _run(args: list[str], columns: int = WIDTH) -> str:
    r = CliRunner().invoke(app, args, env={"COLUMNS": str(columns)})
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.mark.snapshot
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_line_wider_than_100_columns(real_warehouse, args):
    with paths.using_warehouse(real_warehouse):
        out = _run(args)
    lines = out.splitlines()
    assert len(lines) > 3
    wide = [line for line in lines if len(line) > WIDTH]
    assert not wide, f"{len(wide)} lines over {WIDTH}: {wide[0]!r}"
    assert "00:00:00" not in out


@pytest.mark.snapshot
def test_wide_shows_every_column_and_the_default_says_so(real_warehouse):
    with paths.using_warehouse(real_warehouse):
        narrow = _run(["recs"])
        wide = _run(["recs", "--wide"])
    assert "more columns with --wide" in narrow
    assert "citation" not in narrow and "citation" in wide
    assert max(len(line) for line in wide.splitlines()) > WIDTH


@pytest.mark.snapshot
def test_profile_prints_a_share_one_way(real_warehouse):
    """China's share of Vietnam's imports is 30.8% in the trade, alignment and exposure
    tables alike (it was 0.31 in the exposure table)."""
    with paths.using_warehouse(real_warehouse):
        out = _run(["profile", "VNM", "--year", "2014"])
        figures = json.loads(_run(["profile", "VNM", "--year", "2014", "-f", "json"]))
    share = next(f["share"] for f in figures if f["section"] == "trade" and f["actor"] == "CHN"
                 and f["channel"] == "imports")  # fmt: skip
    shown = f"{100 * share:.1f}%"
    exposure = next(r for r in out.splitlines() if "china_share_imports" in r)
    assert shown in exposure
    trade = next(r for r in out.splitlines() if r.startswith("│ CHN") and "imports from" in r)
    assert shown in trade
    assert not re.search(r"\b0\.\d\d\b", exposure.split("│")[2])


def test_numbers_follow_their_unit():
    assert number(0.30812, "share (0-1)") == "30.8%"
    assert number(0.30812, "share") == "30.8%"
    assert number(10.9, "% of GDP") == "10.9%"
    assert number(0.0512, "% of GDP") == "0.05%"
    assert number(429.7e9, "current USD") == "429.7bn"
    assert number(13545.9, "PPP constant 2021 international $") == "13.5k"
    assert number(51901, "persons") == "51,901"
    assert number(1.4e6, "persons") == "1.4m"
    assert number(0.1411, "HHI (0-1)") == "0.14"
    assert number(89.56, "percentile") == "90"
    assert number(None, "share") == "–" and number(float("nan"), "") == "–"
    # no negative zero
    assert number(-0.00004, "pp") == "0.0 pp"
    assert number(-0.0001, "share") == "0.0%"
    assert number(-0.02, "pp") == "-2.0 pp"


def test_dates_print_as_dates(capsys):
    frame = pd.DataFrame({"force": pd.to_datetime(["2019-01-01", "1967-08-08"]),
                          "when": [dt.datetime(2020, 5, 1), None]})  # fmt: skip
    for fmt in Format:
        emit(frame, fmt)
        out = capsys.readouterr().out
        assert "00:00:00" not in out, fmt
        assert "2019-01-01" in out and "2020-05-01" in out, fmt


def test_long_text_wraps_and_short_cells_stay_whole():
    # a code (8), a status (11) and a paragraph (200): the paragraph gets the room left
    assert fit_widths([8, 11, 200], 60) == [None, None, 41]
    # everything fits: no width imposed
    assert fit_widths([8, 20, 30], 100) == [None, None, None]
    # two long columns: the narrower keeps its width when it can
    assert fit_widths([20, 200], 70) == [20, 50]
