"""Secrets are masked by value in every output: terminal, JUnit XML, the store, the spool,
the reports and the notifications.

The token below is never named in ``secrets:``: it becomes a secret because it is sent in an
``Authorization`` header, as a user's login flow does. Its base64 and URL-encoded forms must
go too.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

import store_servers
from pytest_testorbit import plugin
from pytest_testorbit.cli import main
from pytest_testorbit.expr.secrets import MIN_LENGTH, Secrets
from pytest_testorbit.notify import message
from pytest_testorbit.notify.message import RunSummary
from pytest_testorbit.schedule.results import group_outcome
from pytest_testorbit.store import open_store, queries

TOKEN = "tok-3f9a-Secret+/77"
HIDDEN = "k-7781-hidden"  # extracted with secret: true, only ever seen in bodies
FORMS = {
    "plain": TOKEN,
    "base64": base64.b64encode(TOKEN.encode()).decode(),
    "base64 unpadded": base64.b64encode(TOKEN.encode()).decode().rstrip("="),
    "url-encoded": quote(TOKEN, safe=""),
    "secret: true": HIDDEN,
}
# pytester's in-process runs drop modules they import; store_servers imports the store's
# database drivers once, for good (a second import of a dialect is a warning, an error here).
_PRELOADED = store_servers
CLOSED = "postgresql+psycopg://orbit:store-pass-1@127.0.0.1:9/results"
# The store writer is registered by the hub; by hand until then, as test_store_plugin does.
RESULTS = [
    *(
        []
        if any(name == "orbit-results" for name, _ in plugin._FEATURES)
        else ["-p", "pytest_testorbit.plugin.results"]
    ),
    "-p",
    "no:randomly",
    "-p",
    "no:cacheprovider",
]

LOGIN = """
steps:
  - name: log in
    request: {method: POST, url: /login}
    extract:
      token: $.token
      key: {path: $.key, secret: true}
  - name: me
    request:
      method: GET
      url: "/me?t={{ token }}"
      headers: {Authorization: "Bearer {{ token }}"}
"""


def assert_masked(text: str, *, stars: bool = True) -> None:
    leaked = [name for name, form in FORMS.items() if form in text]
    assert leaked == []
    if stars:
        assert "***" in text


@pytest.fixture(autouse=True)
def _no_store_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORBIT_DB_URL", raising=False)


@pytest.fixture
def login(orbit: Any) -> Any:
    orbit.httpserver.expect_request("/login").respond_with_json(
        {"token": TOKEN, "key": HIDDEN}, headers={"Set-Cookie": "sid=cookie-value-123"}
    )
    orbit.httpserver.expect_request("/me").respond_with_json(
        {"echo": TOKEN, "again": HIDDEN, **{name: form for name, form in FORMS.items()}},
        status=403,
    )
    orbit.case("auth.orbit.yaml", LOGIN)
    return orbit


def run_with_store(orbit: Any, url: str, *args: str) -> pytest.RunResult:
    return orbit.pytester.runpytest(*RESULTS, "--orbit-db", url, *args)


def test_a_token_sent_as_a_bearer_header_is_masked_in_the_whole_failure_report(login):
    result = login.run()
    result.assert_outcomes(passed=1, failed=1)
    text = login.text(result)
    assert_masked(text)
    assert "cookie-value-123" not in text
    result.stdout.fnmatch_lines(
        [
            "  request:  GET http://*/me?t=***",
            "    Authorization: Bearer ***",
            '        "echo": "***",',
            '        "again": "***",',
        ]
    )
    result.stdout.fnmatch_lines(["  variables: token='***', key='***'"])


def test_the_junit_xml_holds_no_secret(login):
    result = login.run("--junitxml=junit.xml")
    result.assert_outcomes(passed=1, failed=1)
    xml = (login.pytester.path / "junit.xml").read_text(encoding="utf-8")
    assert_masked(xml)
    assert "Bearer ***" in xml


def test_under_xdist_the_controller_receives_only_masked_reports(login):
    result = login.run_subprocess("-n", "2", "--junitxml=junit.xml", "-rA")
    result.assert_outcomes(passed=1, failed=1)
    assert_masked(login.text(result))
    assert_masked((login.pytester.path / "junit.xml").read_text(encoding="utf-8"))


def _stored_steps(url: str) -> list[Any]:
    store = open_store(url)
    try:
        with store.session() as session:
            (run, *_) = queries.runs(session)
            rows = queries.group_results(session, [run.id])[run.id]
    finally:
        store.close()
    return [step for row in rows for step in group_outcome(row).steps]


def test_the_store_keeps_the_step_message_and_url_masked(login, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'results.db'}"
    run_with_store(login, url).assert_outcomes(passed=1, failed=1)
    _, me = _stored_steps(url)
    assert me.url is not None and me.message is not None
    assert me.url.endswith("/me?t=***")
    assert_masked(me.message)
    assert "Authorization: Bearer ***" in me.message
    assert "variables: token='***', key='***'" in me.message


def test_the_spool_keeps_only_masked_text(login):
    result = run_with_store(login, CLOSED)
    result.assert_outcomes(passed=1, failed=1)
    spool = (login.pytester.path / ".orbit" / "spool.jsonl").read_text(encoding="utf-8")
    assert_masked(spool)
    assert "store-pass-1" not in spool
    assert "me?t=***" in spool


@pytest.fixture
def stored_run(login, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'results.db'}"
    run_with_store(login, url).assert_outcomes(passed=1, failed=1)
    return url


@pytest.mark.parametrize("kind", ["html", "json", "csv", "table"])
def test_orbit_report_in_every_format_shows_no_secret(
    stored_run: str, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--db", stored_run, "--format", kind]) == 0
    text = capsys.readouterr().out
    assert "auth" in text  # the group is there
    assert_masked(text, stars=kind == "html")  # only the HTML report shows step messages


def test_a_notification_of_the_stored_run_shows_no_secret(stored_run: str) -> None:
    store = open_store(stored_run)
    try:
        with store.session() as session:
            (run, *_) = queries.runs(session)
            rows = queries.group_results(session, [run.id])[run.id]
    finally:
        store.close()
    summary = RunSummary(run_id=run.id, project="test", groups=[group_outcome(r) for r in rows])
    bodies = [
        message.text_body(summary, summary.groups),
        message.markdown_body(summary, summary.groups),
        message.html_body(summary, summary.groups),
        json.dumps(summary.to_dict()),
    ]
    for body in bodies:
        assert "auth" in body
        assert_masked(body, stars=False)


def test_a_value_extracted_as_secret_is_masked_though_no_header_carries_it(orbit):
    orbit.httpserver.expect_request("/login").respond_with_json({"key": HIDDEN})
    orbit.httpserver.expect_request("/profile").respond_with_json({"key": HIDDEN}, status=500)
    orbit.case(
        "k.orbit.yaml",
        """
        steps:
          - name: log in
            request: {method: POST, url: /login}
            extract: {key: {json: $.key, secret: true}}
          - name: profile
            request: {method: GET, url: /profile}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(passed=1, failed=1)
    assert HIDDEN not in orbit.text(result)
    result.stdout.fnmatch_lines(['        "key": "***"', "  variables: key='***'"])


def test_basic_auth_and_url_userinfo_are_masked_from_when_they_are_sent(orbit):
    orbit.httpserver.expect_request("/a").respond_with_data(
        "user pw-basic-9 / pw-url-8 " + base64.b64encode(b"bob:pw-basic-9").decode(), status=500
    )
    host = orbit.base_url.split("://", 1)[1]
    orbit.case(
        "b.orbit.yaml",
        f"""
        on_failure: continue
        steps:
          - name: basic
            request: {{method: GET, url: /a, auth: {{basic: [bob, pw-basic-9]}}}}
          - name: userinfo
            request: {{method: GET, url: "http://carol:pw-url-8@{host}/a"}}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=2)
    text = orbit.text(result)
    assert "pw-basic-9" not in text
    assert base64.b64encode(b"bob:pw-basic-9").decode() not in text
    result.stdout.fnmatch_lines(
        [
            "    Authorization: Basic ***",
            "    user *** / pw-url-8 ***",  # the URL's password is not known yet
            "  request:  GET http://***@*/a",  # carol:pw-url-8, masked whole
            "    Authorization: Basic ***",
            "    user *** / *** ***",
        ]
    )


def test_a_secret_that_is_not_true_or_false_is_a_collection_error(orbit):
    orbit.case(
        "s.orbit.yaml",
        """
        steps:
          - name: a
            request: {method: GET, url: /a}
            extract: {token: {json: $.token, secret: yes please}}
        """,
    )
    result = orbit.run()
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        [
            "s.orbit.yaml:5: extract secret must be true or false",
            "  at: steps[0].extract.token.secret",
        ]
    )
    assert orbit.paths == []


def test_values_shorter_than_the_minimum_are_masked_only_where_their_place_is_known() -> None:
    secrets = Secrets()
    secrets.add("x" * (MIN_LENGTH - 1))
    secrets.add_url("https://ann:pw@example.com/")
    assert secrets.mask("status xxx, https://ann:pw@example.com/") == (
        "status xxx, https://ann:***@example.com/"
    )


def test_a_group_secret_is_masked_with_its_session_secrets_longest_first() -> None:
    session = Secrets()
    session.add("abcd")
    group = Secrets(parent=session)
    group.add("abcd-efgh")
    assert group.mask("abcd-efgh and abcd") == "*** and ***"
    assert session.mask("abcd-efgh") == "***-efgh"  # the group's token is not the session's
    session.add("later-1")
    assert group.mask("later-1") == "***"


TEARDOWN_CONFTEST = f"""
import pytest

@pytest.hookimpl(trylast=True)  # after pytest tore the group down with its last step
def pytest_runtest_teardown(item):
    if item.name == "profile":
        raise RuntimeError("cleanup failed for {HIDDEN}")
"""


def test_a_failing_teardown_of_a_groups_last_step_is_masked_with_the_groups_secrets(orbit):
    orbit.httpserver.expect_request("/login").respond_with_json({"key": HIDDEN})
    orbit.httpserver.expect_request("/profile").respond_with_json({"ok": True})
    orbit.pytester.makeconftest(TEARDOWN_CONFTEST)
    orbit.case(
        "k.orbit.yaml",
        """
        steps:
          - name: log in
            request: {method: POST, url: /login}
            extract: {key: {json: $.key, secret: true}}
          - name: profile
            request: {method: GET, url: /profile}
        """,
    )
    result = orbit.run("-rE")
    result.assert_outcomes(passed=2, errors=1)
    assert HIDDEN not in orbit.text(result)
    result.stdout.fnmatch_lines(
        [
            "E *RuntimeError: cleanup failed for ***",
            "ERROR k.orbit.yaml::k::profile - RuntimeError: cleanup failed for ***",
        ]
    )
