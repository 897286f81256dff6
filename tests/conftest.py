"""Shared fixtures: a pytester project whose orbit.yaml points at a real pytest-httpserver.

``orbit`` writes ``orbit.yaml`` (one environment, ``local``, with ``base_url`` at the
httpserver) and case files into ``pytester.path``, and runs pytest there in-process with
the results store switched off (the store has its own tests).
"""

from __future__ import annotations

import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import jsonpath_ng.ext
import jsonschema
import pytest
import requests
import yaml
from werkzeug import Response

pytest_plugins = ["pytester"]

# pytester's in-process runs drop every module first imported during the run. The plugin
# imports these lazily; a second import of requests makes its CookieJar checks fail
# ("You can only merge into CookieJar"), so they are imported here, once, for good.
_PRELOADED = (jsonpath_ng.ext, jsonschema, requests)


class Orbit:
    """A test project in ``pytester.path``, talking to ``httpserver``."""

    # No store, no cache files, no pytest-randomly (its shuffling would reorder steps), and no
    # log capture (in-process, it would show the httpserver's own request log).
    ARGS = ("--orbit-no-db", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:logging")

    def __init__(self, pytester: pytest.Pytester, httpserver: Any) -> None:
        self.pytester = pytester
        self.httpserver = httpserver
        self.base_url = httpserver.url_for("").rstrip("/")

    def config(self, text: str | None = None, **local: Any) -> Path:
        """Write orbit.yaml: ``text`` as given, or one ``local`` environment with ``local`` keys."""
        if text is None:
            environment = {"base_url": self.base_url, **local}
            text = yaml.safe_dump(
                {"project": "test", "default_env": "local", "environments": {"local": environment}},
                allow_unicode=True,
                sort_keys=False,
            )
        else:
            text = textwrap.dedent(text).replace("BASE_URL", self.base_url)
        return self.write("orbit.yaml", text)

    def case(self, name: str, text: str) -> Path:
        """Write a case file (``BASE_URL`` in the text becomes the server's URL)."""
        if not (self.pytester.path / "orbit.yaml").exists():
            self.config()
        return self.write(name, textwrap.dedent(text).replace("BASE_URL", self.base_url))

    def write(self, name: str, text: str) -> Path:
        path = self.pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest(*self.ARGS, *args)

    def run_subprocess(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest_subprocess(*self.ARGS, *args)

    @staticmethod
    def text(result: pytest.RunResult) -> str:
        """Everything the run printed."""
        return "\n".join(result.outlines + result.errlines)

    def assert_no_plugin_traceback(self, result: pytest.RunResult) -> None:
        text = self.text(result)
        assert "Traceback" not in text
        assert "pytest_testorbit" not in text

    @property
    def requests(self) -> list[Any]:
        """The requests the server received, in order."""
        return [request for request, _ in self.httpserver.log]

    @property
    def paths(self) -> list[str]:
        return [request.path for request in self.requests]


@pytest.fixture
def clean_orbit_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No store URL, CI flag or scheduler variable of the machine's reaches the inner runs."""
    for name in ("ORBIT_DB_URL", "CI", "ORBIT_TRIGGER", "ORBIT_RUN_ID", "ORBIT_SCHEDULE_ID"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def orbit(pytester: pytest.Pytester, httpserver: Any) -> Orbit:
    return Orbit(pytester, httpserver)


@pytest.fixture
def slow(httpserver: Any) -> Any:
    """``/slow`` answers only when the test is over (or after 5 s)."""
    release = threading.Event()

    def handler(request: Any) -> Response:
        release.wait(5)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(handler)
    yield
    release.set()
    # The server logs a request once it is answered: wait for that before the next test.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "/slow" not in [r.path for r, _ in httpserver.log]:
        time.sleep(0.01)
