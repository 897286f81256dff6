"""The pages in a real browser: headless Chromium from Debian's packages, driven by Selenium.

Log in through the form, click from the runs list to a failed run and on to its failed
step, read the masked failure text, filter the groups by status and name (live, with the
page's script, and through the form), and take screenshots (kept in the test's tmp_path;
``ORBIT_SCREENSHOTS=DIR`` copies them there to look at). Skipped, with the reason, when
Chromium or chromedriver is not installed (``.ci/run`` installs them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

from pytest_testorbit.server.settings import ServerSettings  # noqa: E402
from server_fixtures import Served, serve  # noqa: E402
from server_store import Shape, store_with_reader  # noqa: E402

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SHAPE = Shape(groups=60, runs=30)
PASSWORD = "correct horse battery"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
)

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="Chromium is not installed: apt-get install -y chromium chromium-driver",
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'results.db'}"
    store_with_reader(url, SHAPE, "rita", PASSWORD)
    with serve(ServerSettings(db_url=url)) as server:
        yield server


@pytest.fixture
def chrome(tmp_path: Path) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    assert driver.save_screenshot(str(path))
    keep = os.environ.get("ORBIT_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / name)
    return path


def log_in(driver: Any, served: Served, path: str) -> None:
    driver.get(served.url + path)
    WebDriverWait(driver, 10).until(expected_conditions.url_contains("/login"))
    driver.find_element(By.NAME, "name").send_keys("rita")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.login button").click()
    WebDriverWait(driver, 10).until(expected_conditions.url_contains(path))


def visible_groups(driver: Any) -> list[str]:
    found = driver.find_elements(By.CSS_SELECTOR, "#groups details.group")
    return [group.get_attribute("id") for group in found if group.is_displayed()]


def test_from_the_runs_list_to_a_failed_step_and_its_masked_failure(served, chrome, tmp_path):
    log_in(chrome, served, "/runs")
    screenshot(chrome, tmp_path, "runs.png")

    chrome.find_element(By.CSS_SELECTOR, "table.runs tr.failed td a").click()
    WebDriverWait(chrome, 10).until(expected_conditions.url_contains("/runs/run-"))
    run = int(chrome.current_url.rsplit("-", 1)[1])
    failing = [g for g in range(SHAPE.groups) if SHAPE.fails(g, run)]
    first = chrome.find_element(By.CSS_SELECTOR, "section.failures li a")
    assert first.text == f"{SHAPE.group_key(failing[0])} › read-order"
    first.click()

    step = chrome.find_element(By.ID, f"step-{failing[0] + 1}-read-order")
    failure = step.find_element(By.XPATH, "following-sibling::tr[1]//pre")
    assert chrome.current_url.endswith(f"#step-{failing[0] + 1}-read-order")
    assert step.is_displayed() and failure.is_displayed()
    assert "status: expected 200, got 503" in failure.text
    assert "api_key=***" in failure.text
    screenshot(chrome, tmp_path, "failed-step.png")


def test_filtering_a_runs_groups_by_status_and_name(served, chrome, tmp_path):
    run = 29
    log_in(chrome, served, f"/runs/{SHAPE.run_id(run)}")
    failing = {f"group-{g + 1}" for g in range(SHAPE.groups) if SHAPE.fails(g, run)}
    # group-0010 ... group-0019 that passed: their element ids are group-<case group id>
    named = [f"group-{g + 1}" for g in range(10, 20) if not SHAPE.fails(g, run)]
    assert len(visible_groups(chrome)) == 50  # a page of groups

    Select(chrome.find_element(By.NAME, "status")).select_by_value("failed")
    assert set(visible_groups(chrome)) == failing
    Select(chrome.find_element(By.NAME, "status")).select_by_value("passed")
    chrome.find_element(By.NAME, "name").send_keys("group-001")
    assert visible_groups(chrome) == named
    assert not chrome.find_element(By.CSS_SELECTOR, "section.failures").is_displayed()
    shown = chrome.find_element(By.ID, "shown").text
    assert shown == f"{len(named)} of 50 groups on this page match."
    screenshot(chrome, tmp_path, "filtered.png")

    chrome.find_element(By.CSS_SELECTOR, "#group-filter button").click()  # the server's filter
    WebDriverWait(chrome, 10).until(expected_conditions.url_contains("status=passed"))
    assert visible_groups(chrome) == named


def test_the_group_and_project_pages_draw_their_charts(served, chrome, tmp_path):
    log_in(chrome, served, "/groups/4")
    charts = chrome.find_elements(By.CSS_SELECTOR, "figure.chart svg")
    assert [chart.size["height"] > 50 for chart in charts] == [True, True]
    screenshot(chrome, tmp_path, "group.png")

    chrome.get(served.url + "/projects/shop")
    sparks = chrome.find_elements(By.CSS_SELECTOR, "svg.spark")
    assert len(sparks) == SHAPE.groups
    assert chrome.find_element(By.CSS_SELECTOR, "h1 img").get_attribute("naturalWidth") != "0"
    screenshot(chrome, tmp_path, "project.png")


def test_a_runs_groups_are_paged_fifty_at_a_time(served, chrome):
    log_in(chrome, served, f"/runs/{SHAPE.run_id(29)}")
    assert chrome.find_element(By.CSS_SELECTOR, ".pager span").text == "1–50 of 60"

    chrome.find_element(By.CSS_SELECTOR, ".pager a[rel=next]").click()
    WebDriverWait(chrome, 10).until(expected_conditions.url_contains("offset=50"))
    assert len(visible_groups(chrome)) == SHAPE.groups - 50
    assert chrome.find_element(By.CSS_SELECTOR, ".pager a[rel=prev]").text == "← Previous"
