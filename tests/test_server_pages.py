"""The pages over HTTP (the browser tests are in test_server_browser.py): logging in with the
form and its cookie, what each page shows, escaping, and the no-JavaScript filters.

One SQLite store of 12 groups x 25 runs (tests/server_store.py); the pages need a user
unless the server runs with anonymous read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")

import requests
from sqlalchemy import update

from pytest_testorbit.server.settings import ServerSettings
from pytest_testorbit.store import open_store
from pytest_testorbit.store.models import StepResult
from server_fixtures import Served, serve
from server_store import Shape, store_with_reader

SHAPE = Shape(groups=12, runs=25)
PASSWORD = "correct horse battery"
HOSTILE = "<script>alert('x')</script> & more"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'results.db'}"
    store_with_reader(url, SHAPE, "rita", PASSWORD)
    store = open_store(url)
    with store.begin() as session:
        # Group 3's failed step in run 23 says something a page must not run as markup.
        session.execute(
            update(StepResult)
            .where(StepResult.group_result_id == 23 * 12 + 4, StepResult.step_id == "read-order")
            .values(message=HOSTILE)
        )
    store.close()
    with serve(ServerSettings(db_url=url)) as server:
        yield server


@pytest.fixture
def browser(served: Served) -> requests.Session:
    """A requests session logged in through the form (the cookie kept)."""
    session = requests.Session()
    answer = session.post(
        served.url + "/login",
        data={"name": "rita", "password": PASSWORD, "next": "/flaky"},
        allow_redirects=False,
        timeout=30,
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/flaky")
    return session


def test_a_page_without_a_user_redirects_to_the_login_form_and_back(served):
    answer = requests.get(served.url + "/runs/run-00003?status=failed", allow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/runs/run-00003%3Fstatus%3Dfailed"
    form = requests.get(served.url + answer.headers["location"]).text
    assert 'name="next" value="/runs/run-00003?status=failed"' in form


def test_logging_in_sets_an_httponly_cookie_and_a_wrong_password_says_so(served):
    answer = requests.post(
        served.url + "/login", data={"name": "rita", "password": PASSWORD}, allow_redirects=False
    )
    wrong = requests.post(served.url + "/login", data={"name": "rita", "password": "nope"})

    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("orbit_token=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert answer.headers["location"] == "/runs"
    assert wrong.status_code == 401
    assert "Wrong user name or password." in wrong.text


def test_the_login_form_never_redirects_to_another_site(served):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        answer = requests.post(
            served.url + "/login",
            data={"name": "rita", "password": PASSWORD, "next": target},
            allow_redirects=False,
        )
        assert answer.headers["location"] == "/runs", target


def test_the_cookie_reads_pages_but_not_the_json_api(served, browser):
    assert browser.get(served.url + "/runs").status_code == 200
    assert browser.get(served.url + "/api/runs").status_code == 401


def test_logging_out_forgets_the_cookie(served, browser):
    browser.post(served.url + "/logout", timeout=30)

    assert browser.get(served.url + "/runs", allow_redirects=False).status_code == 303


def test_the_runs_page_lists_runs_marks_partial_ones_and_pages(served, browser):
    page = browser.get(served.url + "/runs").text
    prod = browser.get(served.url + "/runs?environment=prod&project=").text

    assert page.count('<a href="/runs/run-') == 25
    assert 'title="-k group-000">partial</span>' in page
    assert prod.count('<a href="/runs/run-') == 5
    assert "5 runs." in prod


def test_the_run_page_shows_failures_first_open_with_the_masked_failure(served, browser):
    page = browser.get(served.url + "/runs/run-00021").text

    failing = [g for g in range(12) if SHAPE.fails(g, 21)]
    opened = re.findall(r'<details class="group failed" id="group-(\d+)"[^>]* open>', page)
    assert [int(i) - 1 for i in opened] == failing
    assert page.index("group-0003") < page.index("group-0000")
    assert "api_key=***" in page
    assert "<h2>Failures on this page</h2>" in page
    assert '<a href="#step-4-read-order">group-0003 › read-order</a>' in page


def test_a_failure_message_is_escaped_never_markup(served, browser):
    page = browser.get(served.url + "/runs/run-00023").text

    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in page


def test_the_run_page_filters_by_status_and_name_without_javascript(served, browser):
    page = browser.get(served.url + "/runs/run-00021?status=passed&name=group-001").text

    shown = re.findall(r'<details class="group (\w+)" id="group-(\d+)"', page)
    assert shown == [("passed", "11"), ("passed", "12")]
    assert '<option value="passed" selected>' in page


def test_the_group_page_draws_its_pass_rate_and_duration_trends(served, browser):
    page = browser.get(served.url + "/groups/4").text

    assert page.count('<figure class="chart">') == 2
    assert 'aria-label="Pass rate per run, oldest first"' in page
    assert page.count('<circle class="bad"') == 2 * sum(SHAPE.fails(3, r) for r in range(24))
    assert "partial runs left out" in page


def test_the_flaky_and_project_pages_show_the_flipping_groups_and_sparklines(served, browser):
    flaky = browser.get(served.url + "/flaky").text
    project = browser.get(served.url + "/projects/shop").text

    assert re.search(r'<a href="/groups/4">group-0003</a>.*?19 in 20 runs', flaky, re.S)
    assert project.count('<svg class="spark"') == 12
    assert '<img src="/badge/shop.svg"' in project


def test_anonymous_read_opens_the_pages_without_logging_in(served):
    with serve(ServerSettings(db_url=served.settings.db_url, anonymous_read=True)) as open_:
        answer = requests.get(open_.url + "/projects/shop", allow_redirects=False)

    assert answer.status_code == 200
    assert "Log in</a>" in answer.text


def test_counts_of_one_read_in_the_singular(tmp_path):
    # One run of one group: every page that counts runs or groups says it in the singular.
    url = f"sqlite:///{tmp_path / 'results.db'}"
    store_with_reader(url, Shape(groups=1, runs=1), "rita", PASSWORD)
    with serve(ServerSettings(db_url=url, anonymous_read=True)) as one:
        pages = {
            path: re.sub(r"\s+", " ", requests.get(one.url + path, timeout=30).text)
            for path in ("/groups/1", "/projects/shop", "/runs/run-00000")
        }
    assert "· last run," in pages["/groups/1"]
    assert "1 group over the last run" in pages["/projects/shop"]
    assert "<th>Last run</th>" in pages["/projects/shop"]
    assert re.search(r"\b1 group, \d+ steps\b", pages["/runs/run-00000"])
    for text in pages.values():
        assert not re.search(r"\b1 (runs|groups|steps)\b|last 1 runs", text)
