"""Country pages kept on disk between starts of the dashboard
(:mod:`article2.web.page_store`): a page stored for one build and code is answered by the next
start without being drawn again; another build or other code never sees it."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from article2 import paths, warehouse  # noqa: E402
from article2.web import create_app  # noqa: E402
from article2.web.limits import Limits  # noqa: E402
from article2.web.page_store import PageStore  # noqa: E402
from article2.web.routers import pages  # noqa: E402


def test_store_is_per_build_and_refuses_odd_keys(tmp_path):
    a = PageStore("build-a", tmp_path)
    a.put("VNM", "<p>Viet Nam</p>")
    assert a.get("VNM") == "<p>Viet Nam</p>" and len(a) == 1
    assert PageStore("build-a", tmp_path).get("VNM") == "<p>Viet Nam</p>"
    b = PageStore("build-b", tmp_path)  # a new build: the old pages are gone
    assert b.get("VNM") is None and not a.folder.exists()
    with pytest.raises(ValueError, match="page key"):
        b.put("../x", "")
    assert not list(tmp_path.rglob("*.part"))


def test_a_restart_answers_pages_from_disk_without_drawing_them(mini, monkeypatch):
    report = warehouse.build(mini)
    limits = Limits(rate=0, time_limit=600)
    with TestClient(create_app(report.warehouse, limits=limits, warm=True)) as client:
        first = client.get("/country/VNM")
        assert first.status_code == 200
    stored = list((paths.outputs_dir() / "pages").glob("*/VNM.html"))
    assert len(stored) == 1

    def must_not_draw(*_a, **_k):
        raise AssertionError("page drawn again although stored for this build")

    monkeypatch.setattr(pages, "country_html", must_not_draw)
    with TestClient(create_app(report.warehouse, limits=limits, warm=True)) as client:
        again = client.get("/country/VNM")
        assert again.status_code == 200 and again.text == first.text
        assert client.get("/api/status").json()["country_pages"]["prepared"] >= 1
    # a new build of the same data: the stored pages are not used
    report2 = warehouse.build(mini)
    monkeypatch.undo()
    with TestClient(create_app(report2.warehouse, limits=limits, warm=True)) as client:
        assert client.get("/country/VNM").status_code == 200
    assert len(list((paths.outputs_dir() / "pages").iterdir())) == 1
