"""Every surface prints the same value and the same count of countries with data.

For every measure of the measures layer shown on more than one surface, the four case
countries (VNM, MMR, IND, KOR) and 20 countries drawn with a fixed seed, in three years: the
Python API (:func:`article2.api.measure`, :func:`article2.api.profile`), the CLI JSON
(``article2 measure … --format json``), the JSON API (``/api/map/…``, FastAPI TestClient), the
dashboard's map data (:meth:`article2.web.data.Store.indicator_values`), the brief's data
(:func:`article2.briefs.assemble.brief_data`) and the index inputs
(:mod:`article2.index.inputs`) are compared. The reference is the Python API; every other
surface must give the same number (tolerance: 1e-12 relative, for the dashboard's percentages
which are 100 x the share) and the same count of countries with data. The test collects every
difference and fails listing them.
"""

from __future__ import annotations

import json
import random

import pytest
from typer.testing import CliRunner

from article2 import api, warehouse
from article2.briefs.assemble import brief_data
from article2.cli import app
from article2.index import inputs
from article2.measures import identity
from article2.measures.members import ACTORS, members_of, slug
from article2.profiles import build_profile

pytestmark = pytest.mark.snapshot

CASES = ("VNM", "MMR", "IND", "KOR")
YEARS = (2005, 2010, 2014)
SEED = 20261202
N_RANDOM = 20
EXPOSURE = ("exports_to_china_pct_gdp", "china_share_imports", "china_share_exports",
            "hhi_import_partners", "hhi_export_partners", "china_finance_pct_gdp")  # fmt: skip
FLOW_WEB = {"imports": "import", "exports": "export", "trade": "trade"}


@pytest.fixture(scope="module")
def env(real_warehouse):
    return real_warehouse


@pytest.fixture(scope="module")
def wh(env):
    return warehouse.open_warehouse(env)


@pytest.fixture(scope="module")
def sample(wh) -> tuple[str, ...]:
    pool = sorted(set(identity.countries_with_data(wh)) - set(CASES))
    return (*CASES, *random.Random(SEED).sample(pool, N_RANDOM))


@pytest.fixture(scope="module")
def client(env):
    from fastapi.testclient import TestClient

    from article2.web.app import create_app

    with TestClient(create_app(env)) as c:
        yield c


class Diffs(list):
    def value(self, where: str, got, want) -> None:
        if want is None or got is None:
            if (want is None) != (got is None):
                self.append(f"{where}: {got!r} != {want!r}")
        elif got != pytest.approx(want, rel=1e-12, abs=1e-15):
            self.append(f"{where}: {got!r} != {want!r}")

    def table(self, where: str, got: dict, want: dict) -> None:
        if len(got) != len(want):
            self.append(f"{where}: {len(got)} countries with data, reference {len(want)}")
        for iso3 in sorted(set(got) | set(want)):
            self.value(f"{where} {iso3}", got.get(iso3), want.get(iso3))


def _dict(rows, key="value", scale=1.0) -> dict[str, float]:
    return {r["iso3"]: r[key] / scale for r in rows if r[key] is not None and r[key] == r[key]}


def _cli(name: str, year: int, *extra: str) -> list[dict]:
    result = CliRunner().invoke(app, ["measure", name, "--year", str(year), *extra, "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _web(client, store, indicator: str, year: int, scale: float) -> tuple[dict, dict]:
    body = client.get(f"/api/map/{indicator}", params={"year": year}).json()
    frame = store.indicator_values(indicator, year)
    return (_dict(body["rows"], scale=scale),
            _dict(frame.to_dict("records"), scale=scale))  # fmt: skip


def test_every_surface_gives_the_same_numbers(env, wh, sample, client, monkeypatch):
    monkeypatch.setenv("ARTICLE2_HOME", str(env.parent))  # the Python API and CLI read it
    store = client.app.state.store
    diffs = Diffs()
    briefs = {(c, y): brief_data(c, y, path=wh) for c in sample for y in YEARS}
    profiles = {(c, y): build_profile(c, year=y, path=wh) for c in sample for y in YEARS}
    for y in YEARS:
        sel = inputs.selection_inputs(identity.countries(wh)["iso3"].tolist(), y, path=env)
        # exposure measures
        for m in EXPOSURE:
            ref = api.measure(m, y)
            want = dict(zip(ref["iso3"], ref["value"], strict=True))
            n = len(ref)
            diffs.table(f"{m} {y} CLI", _dict(_cli(m, y)), want)
            j, d = _web(client, store, f"exposure_{m}", y, 1.0)
            diffs.table(f"{m} {y} JSON API", j, want)
            diffs.table(f"{m} {y} dashboard", d, want)
            if m in ("china_share_imports", "exports_to_china_pct_gdp"):
                s = sel[sel["indicator"] == m]
                diffs.table(f"{m} {y} index", dict(zip(s["iso3"], s["value"], strict=True)),
                            {k: v for k, v in want.items() if k in set(s["iso3"]) | set(want)})
            for c in sample:
                f = briefs[(c, y)].figures
                got = f.get(f"exposure.{m}")
                diffs.value(f"{m} {y} brief {c}", got and got.value, want.get(c))
                if got is not None:
                    diffs.value(f"{m} {y} brief {c} n", f[f"exposure.{m}.n"].value, n)
                e = next(e for e in profiles[(c, y)].exposure if e.measure == m)
                diffs.value(f"{m} {y} profile {c}", e.value, want.get(c))
                if e.value is not None:
                    diffs.value(f"{m} {y} profile {c} n", e.n_countries, n)
        # Chinese official finance: the year's commitments are the exposure measure above; the
        # cumulative one is the brief's; the five-year mean the index's
        ref = api.measure("cn_of_pct_gdp", y)
        want = dict(zip(ref["iso3"], ref["value"], strict=True))
        diffs.table(f"cn_of_pct_gdp {y} CLI", _dict(_cli("cn_of_pct_gdp", y)), want)
        j, d = _web(client, store, "cn_finance_pct_gdp", y, 1.0)
        diffs.table(f"cn_of_pct_gdp {y} JSON API", j, want)
        diffs.table(f"cn_of_pct_gdp {y} dashboard", d, want)
        ex = api.measure("china_finance_pct_gdp", y)
        diffs.table(f"cn_of_pct_gdp {y} exposure", dict(zip(ex["iso3"], ex["value"], strict=True)),
                    want)  # fmt: skip
        ref = api.measure("cn_of_cum_pct_gdp", y)
        want = dict(zip(ref["iso3"], ref["value"], strict=True))
        diffs.table(f"cn_of_cum_pct_gdp {y} CLI", _dict(_cli("cn_of_cum_pct_gdp", y)), want)
        for c in sample:
            f = briefs[(c, y)].figures
            got = f.get("exposure.cn_of_cum_pct_gdp")
            diffs.value(f"cn_of_cum_pct_gdp {y} brief {c}", got and got.value, want.get(c))
            if got is not None:
                diffs.value(f"cn_of_cum_pct_gdp {y} brief {c} n",
                            f["exposure.cn_of_cum_pct_gdp.n"].value, len(ref))  # fmt: skip
        ref = api.measure("cn_of_mean5_pct_gdp", y)
        want = dict(zip(ref["iso3"], ref["value"], strict=True))
        diffs.table(f"cn_of_mean5_pct_gdp {y} CLI", _dict(_cli("cn_of_mean5_pct_gdp", y)), want)
        pres = inputs.presence_inputs("CHN", y, path=env)
        fin = pres[pres["indicator"] == "official_finance_pct_gdp"]
        universe = set(pres["iso3"])
        diffs.table(f"cn_of_mean5_pct_gdp {y} index",
                    dict(zip(fin["iso3"], fin["value"], strict=True)),
                    {k: v for k, v in want.items() if k in universe})  # fmt: skip
        # trade shares, every actor and flow
        for actor in ACTORS:
            pres = inputs.presence_inputs(actor, y, path=env)
            members = set(members_of(wh, actor, y))
            for flow in ("imports", "exports", "trade"):
                ref = api.measure("trade_share", y, actor=actor, flow=flow)
                want = dict(zip(ref["iso3"], ref["value"], strict=True))
                where = f"trade_share {actor} {flow} {y}"
                diffs.table(f"{where} CLI",
                            _dict(_cli("trade_share", y, "--actor", actor, "--flow", flow)),
                            want)  # fmt: skip
                j, d = _web(client, store, f"{FLOW_WEB[flow]}_share_{slug(actor)}", y, 100.0)
                diffs.table(f"{where} JSON API", j, want)
                diffs.table(f"{where} dashboard", d, want)
                if flow != "trade":
                    p = pres[pres["indicator"] == f"trade_share_{flow}"]
                    diffs.table(f"{where} index", dict(zip(p["iso3"], p["value"], strict=True)),
                                {k: v for k, v in want.items() if k not in members})
                    for c in sample:
                        got = briefs[(c, y)].figures.get(f"trade.{flow}.share.{actor}.{y}")
                        diffs.value(f"{where} brief {c}", got and got.value, want.get(c))
                        fig = next(f for f in profiles[(c, y)].figures
                                   if f.section == "trade" and f.actor == actor
                                   and f.channel == flow)  # fmt: skip
                        diffs.value(f"{where} profile {c}", fig.share, want.get(c))
        # agreements in force with each actor (the merged registry): profile, brief, index
        for actor in ACTORS:
            ref = api.measure("agreements_in_force", y, actor=actor)
            want = dict(zip(ref["iso3"], ref["value"], strict=True))
            where = f"agreements_in_force {actor} {y}"
            diffs.table(f"{where} CLI",
                        _dict(_cli("agreements_in_force", y, "--actor", actor)), want)  # fmt: skip
            pres = inputs.presence_inputs(actor, y, path=env)
            a = pres[pres["indicator"] == "agreements_in_force"]
            diffs.table(f"{where} index", dict(zip(a["iso3"], a["value"], strict=True)),
                        {k: v for k, v in want.items() if k in set(pres["iso3"])})
            for c in sample:
                fig = next(f for f in profiles[(c, y)].figures if f.section == "ties"
                           and f.actor == actor and f.channel == "agreements_in_force")
                diffs.value(f"{where} profile {c}", fig.value, want.get(c))
                if actor != "USA+JPN":
                    got = briefs[(c, y)].figures.get(f"agreements.with_{actor}")
                    if c not in members_of(wh, actor, y) or len(members_of(wh, actor, y)) > 1:
                        diffs.value(f"{where} brief {c}", got and got.value, want.get(c))
    assert not diffs, f"{len(diffs)} differences:\n" + "\n".join(diffs[:40])
