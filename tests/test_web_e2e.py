"""End-to-end: the dashboard in a real headless Chromium (Debian's chromium + chromedriver).

A uvicorn server runs in a thread on a free loopback port over the warehouse built from the real
snapshot. The browser loads the map, switches indicator and year, opens a country page and
downloads a CSV; what the page shows is checked against the JSON API's numbers. Tolerance:
numbers on the page are printed with 2 decimals, so they must equal the API value rounded to 2
decimals; ``data-value`` attributes carry the full value (relative 1e-9).
"""

from __future__ import annotations

import csv
import json
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("selenium")
uvicorn = pytest.importorskip("uvicorn")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from tests.fixtures.live_server import serving  # noqa: E402

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.snapshot,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="Debian's chromium and chromium-driver are not installed"),
]
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1300,1500")



@pytest.fixture(scope="module")
def server(real_warehouse):
    from article2.web import create_app
    from article2.web.limits import Limits

    # the browser's page loads, not the limits, are under test: no rate limit, no time limit
    app = create_app(real_warehouse, limits=Limits(rate=0, time_limit=600))
    with serving(app) as url:
        yield url
    app.state.store.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    # the driver path is explicit, so Selenium Manager never downloads anything
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.downloads = downloads
    yield driver
    driver.quit()


def _api(server: str, path: str):
    with urllib.request.urlopen(server + path, timeout=30) as r:
        return json.load(r)


def _wait_charts(driver) -> dict:
    WebDriverWait(driver, 60).until(lambda d: d.execute_script(
        "const c = window.article2Charts; return c && c.rendered + c.failed === c.total"))
    state = driver.execute_script("return window.article2Charts")
    assert state["failed"] == 0, driver.page_source[:2000]
    return state


def _shown_values(driver) -> dict[str, tuple[str, float]]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#values tbody tr")
    out = {}
    for row in rows:
        cell = row.find_element(By.CSS_SELECTOR, "td.num")
        out[row.get_attribute("data-iso3")] = (cell.text, float(cell.get_attribute("data-value")))
    return out


def _check_against_api(shown, api_rows):
    api = {r["iso3"]: r["value"] for r in api_rows if r["value"] is not None}
    assert set(shown) == set(api)
    for iso3, (text, value) in shown.items():
        assert value == pytest.approx(api[iso3], rel=1e-9)
        assert text == f"{api[iso3]:,.2f}", iso3


def test_dashboard_in_chromium(server, browser, tmp_path):
    d = browser
    d.get(server + "/")
    _wait_charts(d)
    n_shapes = len(d.find_elements(By.CSS_SELECTOR, "#map svg path"))
    assert n_shapes > 150  # country shapes drawn
    d.save_screenshot(str(tmp_path / "map-default.png"))

    # switch indicator: the form submits on change
    Select(d.find_element(By.ID, "indicator")).select_by_value("trade_share_chn")
    WebDriverWait(d, 30).until(lambda d: "indicator=trade_share_chn" in d.current_url)
    _wait_charts(d)
    # switch year
    Select(d.find_element(By.ID, "year")).select_by_value("2000")
    WebDriverWait(d, 30).until(lambda d: "year=2000" in d.current_url)
    _wait_charts(d)
    table = d.find_element(By.ID, "values")
    assert (table.get_attribute("data-indicator"), table.get_attribute("data-year")) == (
        "trade_share_chn", "2000")
    _check_against_api(_shown_values(d), _api(server, "/api/map/trade_share_chn?year=2000")["rows"])
    legend = d.find_elements(By.CSS_SELECTOR, "#map svg .role-legend")
    assert legend, "the map has a legend"
    d.save_screenshot(str(tmp_path / "map-chn-2000.png"))

    # hover details: the tooltip of a shape names its country and shows the API's value
    api_now = {r["iso3"]: r["value"] for r in
               _api(server, "/api/map/trade_share_chn?year=2000")["rows"]}
    layer = d.find_elements(By.CSS_SELECTOR, "#map svg g.mark-shape")[-1]
    shapes = sorted(layer.find_elements(By.TAG_NAME, "path"),
                    key=lambda p: -p.size["width"] * p.size["height"])
    checked = 0
    for shape in shapes[:25]:
        ActionChains(d).move_to_element(shape).perform()
        time.sleep(0.3)
        tips = [t.text for t in d.find_elements(By.CSS_SELECTOR, ".vg-tooltip.visible")]
        if not tips or "ISO3" not in tips[0]:
            continue
        lines = dict(line.split(" ", 1) if " " in line else (line, "")
                     for line in tips[0].splitlines())
        iso3 = lines["ISO3"]
        assert tips[0].splitlines()[-1].endswith(f"{api_now[iso3]:,.2f}"), tips[0]
        checked += 1
    assert checked >= 3, "hovering the map shows country tooltips"

    # every request the page made stayed on this server
    origins = d.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)")
    assert set(origins) <= {server}
    severe = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe

    # download the table as CSV and compare with the API
    d.find_element(By.ID, "download-csv").click()
    target = d.downloads / "trade_share_chn_2000.csv"
    WebDriverWait(d, 30).until(lambda _: target.exists() and target.stat().st_size > 0)
    with target.open(newline="") as f:
        rows = list(csv.DictReader(f))
    api_rows = _api(server, "/api/map/trade_share_chn?year=2000")["rows"]
    assert [r["iso3"] for r in rows] == [r["iso3"] for r in api_rows]
    for got, want in zip(rows, api_rows, strict=True):
        assert got["source_id"] == want["source_id"] == "cow_trade/cow_dyadic_trade_4.0.csv.gz"
        if want["value"] is not None:
            assert float(got["value"]) == pytest.approx(want["value"], rel=1e-12)

    # open a country page from the table, by keyboard-reachable link
    d.find_element(By.CSS_SELECTOR, '#values tr[data-iso3="KOR"] a').click()
    WebDriverWait(d, 30).until(lambda d: d.current_url.endswith("/country/KOR"))
    state = _wait_charts(d)
    assert state["total"] >= 3
    assert d.find_element(By.ID, "country-name").text.startswith("South Korea")
    profile = _api(server, "/api/country/KOR")["indicators"]
    for row in d.find_elements(By.CSS_SELECTOR, "#latest tbody tr"):
        name = row.get_attribute("data-indicator")
        latest = profile[name]["latest"]
        cells = row.find_elements(By.TAG_NAME, "td")
        assert int(cells[1].text) == latest["year"]
        digits = 0 if profile[name]["unit"] == "count" else 2  # counts are whole numbers
        assert cells[2].text == f"{latest['value']:,.{digits}f}", name
    ties = _api(server, "/api/country/KOR/ties")["rows"]
    first = d.find_element(By.CSS_SELECTOR, "#ties tbody tr td a").text
    assert first == ties[0]["partner_name"]
    d.save_screenshot(str(tmp_path / "country-kor.png"))

    # the comparison view draws its chart
    d.get(server + "/compare?iso3=JPN&iso3=KOR&iso3=VNM&indicator=balance_usajpn_chn")
    _wait_charts(d)
    d.save_screenshot(str(tmp_path / "compare.png"))

    keep = Path(__import__("os").environ.get("ARTICLE2_E2E_SCREENSHOTS", ""))
    if keep.name:
        keep.mkdir(parents=True, exist_ok=True)
        for png in tmp_path.glob("*.png"):
            shutil.copy(png, keep / png.name)


def _keep_screenshots(tmp_path: Path) -> None:
    keep = Path(__import__("os").environ.get("ARTICLE2_E2E_SCREENSHOTS", ""))
    if keep.name:
        keep.mkdir(parents=True, exist_ok=True)
        for png in tmp_path.glob("*.png"):
            shutil.copy(png, keep / png.name)


def _rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i:i + 2], 16) for i in (0, 2, 4)))


def test_agreement_layer_colours_countries_as_the_api_says(server, browser, tmp_path):
    from article2.agreements.map import COLOURS

    d = browser
    d.get(server + "/?indicator=balance_usajpn_chn&year=2010")
    _wait_charts(d)
    # switch layer with the indicator selector, then pick the date: both submit the form
    Select(d.find_element(By.ID, "indicator")).select_by_value("agreement_usa")
    WebDriverWait(d, 30).until(lambda d: "indicator=agreement_usa" in d.current_url)
    _wait_charts(d)
    d.execute_script("const at = document.getElementById('at'); at.value = '2019-01-01';"
                     "at.dispatchEvent(new Event('change'));")
    WebDriverWait(d, 30).until(lambda d: "at=2019-01-01" in d.current_url)
    _wait_charts(d)
    assert d.find_element(By.ID, "values").get_attribute("data-at") == "2019-01-01"
    api = {r["iso3"]: r for r in
           _api(server, "/api/map/agreement_usa?at=2019-01-01")["rows"]}
    assert (api["KOR"]["value"], api["VNM"]["value"], api["PRK"]["value"]) == (
        "agreement", "wto_member", "neither")
    for iso3 in ("KOR", "VNM", "PRK", "JPN", "CAN", "BRA"):
        shapes = d.find_elements(By.CSS_SELECTOR, f'#map svg path[aria-label="{iso3}"]')
        assert shapes, iso3
        fill = d.execute_script("return getComputedStyle(arguments[0]).fill", shapes[0])
        assert fill == _rgb(COLOURS[api[iso3]["value"]]), (iso3, fill)
        cell = d.find_element(By.CSS_SELECTOR, f'#values tr[data-iso3="{iso3}"] td.cls')
        assert cell.get_attribute("data-value") == api[iso3]["value"]
    # the legend table counts each class as the API does
    for row in d.find_elements(By.CSS_SELECTOR, "#classes tbody tr"):
        cls = row.get_attribute("data-class")
        n = sum(r["value"] == cls for r in api.values())
        assert row.find_elements(By.TAG_NAME, "td")[2].text == str(n), cls
    # hover: the tooltip names the agreement
    ActionChains(d).move_to_element(
        d.find_element(By.CSS_SELECTOR, '#map svg path[aria-label="KOR"]')).perform()
    WebDriverWait(d, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".vg-tooltip.visible"))
    tip = d.find_element(By.CSS_SELECTOR, ".vg-tooltip.visible").text
    assert "KORUS" in tip and "South Korea" in tip, tip
    d.save_screenshot(str(tmp_path / "map-agreement-usa-2019.png"))

    # exposure layer: table values and percentiles are the API's
    d.get(server + "/?indicator=exposure_china_share_imports&year=2010")
    _wait_charts(d)
    _check_against_api(_shown_values(d), _api(
        server, "/api/map/exposure_china_share_imports?year=2010")["rows"])
    d.save_screenshot(str(tmp_path / "map-exposure-2010.png"))
    _keep_screenshots(tmp_path)


def test_keyboard_reaches_labelled_controls(server, browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    d = browser
    d.get(server + "/")
    _wait_charts(d)
    # every form control has a label (for=id) or an aria-label
    for el in d.find_elements(By.CSS_SELECTOR, "select, input"):
        el_id = el.get_attribute("id")
        labelled = (el_id and d.find_elements(By.CSS_SELECTOR, f'label[for="{el_id}"]')) or \
            el.get_attribute("aria-label")
        assert labelled, el.get_attribute("outerHTML")
    # Tab from the top of the page reaches the indicator selector
    d.get(server + "/")  # focus starts at the document
    _wait_charts(d)
    visited = []
    for _ in range(30):
        ActionChains(d).send_keys(Keys.TAB).perform()
        active = d.switch_to.active_element
        visited.append(active.get_attribute("id") or active.tag_name)
        if visited[-1] == "indicator":
            break
    assert visited[-1] == "indicator", f"Tab never reached the indicator selector: {visited}"
    label = d.find_element(By.CSS_SELECTOR, 'label[for="indicator"]').text
    assert label == "Indicator"
    before = Select(d.find_element(By.ID, "indicator")).first_selected_option.get_attribute("value")
    ActionChains(d).send_keys(Keys.ARROW_DOWN).perform()  # changes the layer: the form submits
    WebDriverWait(d, 30).until(lambda d: "indicator=" in d.current_url)
    after = d.current_url.split("indicator=")[1].split("&")[0]
    assert after != before
    _wait_charts(d)

    # the country page shows the country's recommendations and architecture as the API does
    d.get(server + "/country/VNM")
    _wait_charts(d)
    recs = _api(server, "/api/country/VNM/capability/recommendations")["result"]
    shown = [r.get_attribute("data-id")
             for r in d.find_elements(By.CSS_SELECTOR, "#recommendations tbody tr")]
    assert shown == [r["id"] for r in recs] and shown
    arch = _api(server, "/api/country/VNM/capability/architecture")["result"]
    rows = {r.get_attribute("data-actor"): r.get_attribute("data-class")
            for r in d.find_elements(By.CSS_SELECTOR, "#architecture tbody tr")}
    assert rows == {a["actor"]: a["class"] for a in arch}
    d.find_element(By.ID, "recs-heading").location_once_scrolled_into_view  # noqa: B018
    d.save_screenshot(str(tmp_path / "country-vnm-recs.png"))
    _keep_screenshots(tmp_path)
