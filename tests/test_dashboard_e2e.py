"""The dashboard in a real headless Chromium, as a reader meets it: every page at 1400 px and at
a 390 px phone width (screenshots kept as test artefacts), no page wider than the phone (wide
tables scroll inside their own region), no serious or critical accessibility violation found by
axe-core, and the compare picker used with the keyboard alone.

Screenshots go to ``$ARTICLE2_TEST_ARTEFACTS`` (default: ``test-artefacts/`` at the repository
root, which git ignores), one PNG per page and width, the whole page long.

axe-core 4.10.2 is vendored in ``tests/vendor/axe-core/`` (MPL-2.0, see its README); it runs the
WCAG 2.0/2.1 A and AA rules. Violations of impact "serious" or "critical" fail the test; the
others are printed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytest.importorskip("selenium")
pytest.importorskip("uvicorn")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from tests.fixtures.live_server import serving  # noqa: E402

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.snapshot,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="Debian's chromium and chromium-driver are not installed"),
]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
ARTEFACTS = Path(os.environ.get("ARTICLE2_TEST_ARTEFACTS")
                 or Path(__file__).resolve().parents[1] / "test-artefacts")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,1000")

#: every dashboard page: file name -> URL
PAGES = {
    "map": "/",
    "map-balance": "/?indicator=balance_usajpn_chn&year=2014",
    "map-agreements-usa": "/?indicator=agreement_usa&at=2019-01-01",
    "map-us-aid": "/?indicator=us_aid_pct_gdp",
    "country-VNM": "/country/VNM",
    "ranking": "/ranking",
    "compare": "/compare?iso3=VNM,MMR,PHL&indicator=trade_share_chn",
    "sources": "/sources",
    "error-404": "/country/XXX",
}
WIDTHS = (1400, 390)


@pytest.fixture(scope="module")
def server(real_warehouse):
    from article2.web import create_app
    from article2.web.limits import Limits

    app = create_app(real_warehouse, limits=Limits(rate=0, time_limit=600))
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def _width(driver, width: int, height: int = 1000) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def _load(driver, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, 120).until(lambda d: d.execute_script(
        "const c = window.article2Charts; return document.readyState === 'complete' && "
        "(!c || c.rendered + c.failed === c.total)"))


def _screenshot(driver, path: Path, width: int) -> None:
    """The whole page, ``width`` wide."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    _width(driver, width, min(int(height), 12000))
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png",
                                                             "captureBeyondViewport": True})
    import base64

    path.write_bytes(base64.b64decode(shot["data"]))


def test_every_page_at_desktop_and_phone_width(server, browser):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    too_wide = {}
    for name, url in PAGES.items():
        for width in WIDTHS:
            _width(browser, width)
            _load(browser, server + url)
            state = browser.execute_script("return window.article2Charts")
            assert not state or state["failed"] == 0, (name, width)
            # the page itself never scrolls sideways: wide tables scroll in their own region
            scroll = browser.execute_script("return document.documentElement.scrollWidth")
            if scroll > width + 1:
                too_wide[f"{name}@{width}"] = scroll
            _screenshot(browser, ARTEFACTS / f"{name}-{width}.png", width)
            assert (ARTEFACTS / f"{name}-{width}.png").stat().st_size > 5000
    assert not too_wide, f"pages wider than the screen (px): {too_wide}"


def _axe(driver) -> list[dict]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
        "'wcag21aa']}}).then(r => done(JSON.stringify(r.violations)))"
        ".catch(e => done(JSON.stringify([{id: 'axe-error', impact: 'critical', "
        "description: String(e), nodes: []}])));")
    return json.loads(result)


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(server, browser, name):
    browser.set_script_timeout(120)
    for width in WIDTHS:
        _width(browser, width)
        _load(browser, server + PAGES[name])
        violations = _axe(browser)
        for v in violations:
            print(name, width, v["impact"], v["id"], v.get("help", ""), len(v["nodes"]))
        bad = [(v["id"], v["impact"], [n.get("target") for n in v["nodes"][:3]])
               for v in violations if v["impact"] in ("serious", "critical")]
        assert not bad, f"{name} at {width} px: {bad}"


def test_keyboard_only_skip_link_picker_and_compare(server, browser):
    _width(browser, 1400)
    _load(browser, server + "/compare?iso3=VNM")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    skip = browser.switch_to.active_element
    assert skip.text == "Skip to content"
    # the focused element is visible and outlined
    assert skip.is_displayed()
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", skip)
    assert outline not in ("none", ""), outline
    # Tab reaches the compare picker; typing a name and Enter adds the country
    for _ in range(40):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if browser.switch_to.active_element.get_attribute("id") == "cmp-add":
            break
    picker = browser.switch_to.active_element
    assert picker.get_attribute("id") == "cmp-add"
    picker.send_keys("Philippines")
    picker.send_keys(Keys.ENTER)
    chosen = [e.get_attribute("value") for e in
              browser.find_elements(By.CSS_SELECTOR, "#cmp-chosen input[name=iso3]")]
    assert chosen == ["VNM", "PHL"]
    assert "Philippines (PHL) added" in browser.find_element(By.ID, "cmp-status").text
    # an ISO3 key works too, in any case
    picker.send_keys("mmr")
    picker.send_keys(Keys.ENTER)
    # remove Vietnam with the keyboard: Tab to its remove button, Enter
    remove = browser.find_element(By.CSS_SELECTOR,
                                  '#cmp-chosen button[aria-label="Remove Vietnam (VNM)"]')
    remove.send_keys(Keys.ENTER)
    chosen = [e.get_attribute("value") for e in
              browser.find_elements(By.CSS_SELECTOR, "#cmp-chosen input[name=iso3]")]
    assert chosen == ["PHL", "MMR"]
    # submit from the picker with Enter on an empty field: the form goes
    picker = browser.find_element(By.ID, "cmp-add")
    picker.send_keys(Keys.ENTER)
    WebDriverWait(browser, 60).until(lambda d: "iso3=PHL" in d.current_url)
    assert "iso3=MMR" in browser.current_url and "iso3=VNM" not in browser.current_url
    # the header's picker opens a country by name
    _load(browser, server + "/")
    jump = browser.find_element(By.ID, "jump-iso3")
    jump.send_keys("Vietnam (VNM)")
    jump.send_keys(Keys.ENTER)
    WebDriverWait(browser, 120).until(lambda d: d.current_url.endswith("/country/VNM"))
