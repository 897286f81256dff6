"""``orbit import har`` and ``orbit import curl``: a browser's recording and a pasted command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_testorbit.cli import main
from shop_api import install_shop
from test_import_postman import ARGS, check_generated

DATA = Path(__file__).parent / "importdata"


def test_a_har_recording_becomes_one_group_without_static_assets_and_runs(
    pytester: pytest.Pytester, httpserver: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    install_shop(httpserver)
    har = pytester.path / "shop.har"
    shutil.copy(DATA / "shop.har", har)
    out = pytester.path / "suite"
    assert main(["import", "har", str(har), "--host", "127.0.0.1", "-o", str(out)]) == 0
    summary = capsys.readouterr().out.splitlines()
    assert summary[0] == f"Imported HAR recording shop.har: 1 case file(s), 2 request(s) into {out}"
    assert "  - 6 request(s) left out (static assets or other hosts)" in summary
    check_generated(out)
    group = yaml.safe_load((out / "shop.orbit.yaml").read_text(encoding="utf-8"))
    assert group["steps"] == [
        {
            "name": "POST /auth/login",
            "request": {
                "method": "POST",
                "url": "/auth/login",
                "headers": {"X-API-Key": "k-123"},
                "json": {"username": "alice", "password": "s3cret"},
            },
            "expect": {"status": 200},
        },
        {
            "name": "GET /health",
            "request": {
                "method": "GET",
                "url": "/health",
                "params": {"verbose": "1"},
                "headers": {"Accept": "text/plain"},
            },
            "expect": {"status": 200},
        },
    ]
    project = yaml.safe_load((out / "orbit.yaml").read_text(encoding="utf-8"))
    project["environments"]["recorded"]["base_url"] = httpserver.url_for("").rstrip("/")
    (out / "orbit.yaml").write_text(yaml.safe_dump(project), encoding="utf-8")
    shutil.move(out / "orbit.yaml", pytester.path / "orbit.yaml")
    pytester.runpytest(*ARGS, str(out)).assert_outcomes(passed=2)


def test_without_host_filter_other_hosts_stay_as_full_urls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "har", str(DATA / "shop.har"), "-o", str(tmp_path)]) == 0
    group = yaml.safe_load((tmp_path / "shop.orbit.yaml").read_text(encoding="utf-8"))
    urls = [step["request"]["url"] for step in group["steps"]]
    assert urls == ["/auth/login", "/health", "https://analytics.example.com/collect"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[]", "/: expected a HAR file: an object with 'log'"),
        ('{"log": {"entries": {}}}', "/log/entries: must be a list of requests"),
        ('{"log": {"entries": [{}]}}', "/log/entries/0/request: missing"),
        (
            '{"log": {"entries": [{"request": {"url": "/x"}}]}}',
            "/log/entries/0/request/url: must be a full URL",
        ),
        (
            '{"log": {"entries": []}}',
            "/log/entries: no requests left to import (0 left out as static or other hosts)",
        ),
    ],
)
def test_a_bad_har_file_is_one_line_naming_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    har = tmp_path / "bad.har"
    har.write_text(content, encoding="utf-8")
    assert main(["import", "har", str(har), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"orbit: error: {har}: {message}\n"


CURL = """curl 'https://api.example.com/orders?expand=items' \\
  -X POST -H 'Content-Type: application/json' -H 'Authorization: Bearer t0k3n' \\
  --data-raw '{"sku": "ABC-1", "qty": 2}' --compressed -s"""


def test_a_curl_line_is_printed_as_a_group_with_one_step(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", "curl", CURL]) == 0
    assert capsys.readouterr().out == (
        "name: imported\n"
        "steps:\n"
        "- name: POST /orders\n"
        "  request:\n"
        "    method: POST\n"
        "    url: https://api.example.com/orders\n"
        "    params: {expand: items}\n"
        "    json: {sku: ABC-1, qty: 2}\n"
        "    auth: {bearer: t0k3n}\n"
    )


def test_a_curl_step_is_appended_to_a_case_file_and_runs(
    pytester: pytest.Pytester, httpserver: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    install_shop(httpserver)
    case = pytester.path / "shop.orbit.yaml"
    case.write_text(
        "# my checks\nname: shop\nsteps:\n  - name: health\n    request: {method: GET, url: /health}\n",
        encoding="utf-8",
    )
    line = f"curl -u admin:adm1n '{httpserver.url_for('/admin/orders')}?page=1'"
    assert main(["import", "curl", line, "-o", str(case), "--name", "list orders"]) == 0
    assert capsys.readouterr().out == f"Appended the step 'list orders' to {case}\n"
    assert case.read_text(encoding="utf-8").startswith("# my checks\nname: shop\n")
    (pytester.path / "orbit.yaml").write_text(
        json.dumps({"environments": {"local": {"base_url": httpserver.url_for("").rstrip("/")}}}),
        encoding="utf-8",
    )
    pytester.runpytest(*ARGS).assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("wget http://x", "curl: the command must start with 'curl'"),
        ("curl 'http://x", "curl: cannot split the command line: No closing quotation"),
        (
            "curl --proxy http://p http://x",
            "curl: curl option --proxy is not supported; remove it or write the step by hand",
        ),
        ("curl -H", "curl: option -H needs a value"),
        ("curl -H nocolon http://x", "curl: header 'nocolon' must be 'Name: value'"),
        ("curl", "curl: expected one URL, found 0: none"),
    ],
)
def test_a_curl_line_that_cannot_be_read_says_why(
    capsys: pytest.CaptureFixture[str], line: str, message: str
) -> None:
    assert main(["import", "curl", line]) == 2
    assert capsys.readouterr().err == f"orbit: error: {message}\n"


def curl_step(line: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["import", "curl", line]) == 0
    step: dict[str, Any] = yaml.safe_load(capsys.readouterr().out)["steps"][0]
    return step


@pytest.mark.parametrize(
    ("line", "sent"),
    [
        (
            "curl -XPUT http://x/a -HAccept:text/plain -k -m 5",
            {
                "method": "PUT",
                "url": "http://x/a",
                "headers": {"Accept": "text/plain"},
                "timeout": 5.0,
                "verify": False,
            },
        ),
        (
            "curl -G http://x/search -d q=shoes -d tag=red -d tag=blue",
            {
                "method": "GET",
                "url": "http://x/search",
                "params": {"q": "shoes", "tag": ["red", "blue"]},
            },
        ),
        (
            "curl http://x/login -d user=bob -d 'password=p w'",
            {"method": "POST", "url": "http://x/login", "data": {"user": "bob", "password": "p w"}},
        ),
        (
            "curl http://x/up -F name=cv -F file=@cv.pdf",
            {
                "method": "POST",
                "url": "http://x/up",
                "data": {"name": "cv"},
                "files": {"file": "cv.pdf"},
            },
        ),
        (
            "curl --json '{\"a\": [1]}' http://x/j",
            {
                "method": "POST",
                "url": "http://x/j",
                "headers": {"Accept": "application/json"},
                "json": {"a": [1]},
            },
        ),
        (
            "curl http://x/me -H 'Authorization: Basic Ym9iOnB3' -b 'sid=1; theme=dark'",
            {
                "method": "GET",
                "url": "http://x/me",
                "cookies": {"sid": "1", "theme": "dark"},
                "auth": {"basic": ["bob", "pw"]},
            },
        ),
        (
            "curl http://x/t -H 'Content-Type: text/plain' -d 'Hello {{ name }}'",
            {
                "method": "POST",
                "url": "http://x/t",
                "headers": {"Content-Type": "text/plain"},
                "data": "{% raw %}Hello {{ name }}{% endraw %}",
            },
        ),
        ("curl -I example.com/", {"method": "HEAD", "url": "http://example.com/"}),
    ],
)
def test_curl_options_become_the_request_they_send(
    capsys: pytest.CaptureFixture[str], line: str, sent: dict[str, Any]
) -> None:
    assert curl_step(line, capsys)["request"] == sent


def test_appending_refuses_a_file_it_would_have_to_rewrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "a.orbit.yaml"
    case.write_text(
        "steps:\n  - name: a\n    request: {method: GET, url: /a}\ntags: [x]\n", encoding="utf-8"
    )
    assert main(["import", "curl", "curl http://x/b", "-o", str(case)]) == 2
    assert capsys.readouterr().err == (
        f"orbit: error: {case}: 'steps:' is not the last top-level key, so the step cannot be "
        "appended without rewriting the file; add it by hand\n"
    )
    case.write_text(
        "name: a\nsteps:\n  - name: GET /b\n    request: {method: GET, url: /b}\n", encoding="utf-8"
    )
    assert main(["import", "curl", "curl http://x/b", "-o", str(case)]) == 2
    assert capsys.readouterr().err.startswith(
        f"orbit: error: {case} was left as it was: with the step it would not load: "
    )
    assert case.read_text(encoding="utf-8").count("GET /b") == 1
    assert main(["import", "curl", "curl http://x/b", "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"orbit: error: {tmp_path} is a folder; -o takes a case file to append the step to\n"
    )


def test_appending_to_a_new_file_makes_a_group_named_after_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "smoke.orbit.yaml"
    assert main(["import", "curl", "curl http://x/b", "-o", str(case)]) == 0
    assert capsys.readouterr().out == f"Wrote {case} with the step 'GET /b'\n"
    assert yaml.safe_load(case.read_text(encoding="utf-8"))["name"] == "smoke"


def test_a_curl_body_read_from_a_file_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "curl", "curl -d @order.json http://x/orders"]) == 2
    assert capsys.readouterr().err == (
        "orbit: error: curl: -d @order.json reads a file when curl runs; put the file's "
        "content in the line\n"
    )


def test_keep_static_keeps_what_the_page_loaded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["import", "har", str(DATA / "shop.har"), "--keep-static", "-o", str(tmp_path)]) == 0
    )
    assert (
        capsys.readouterr()
        .out.splitlines()[0]
        .endswith("1 case file(s), 8 request(s) into " + str(tmp_path))
    )


def test_the_same_input_gives_the_same_files_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = [
        ["har", str(DATA / "shop.har")],
        ["postman", str(DATA / "shop.postman_collection.json")],
        ["openapi", str(DATA / "petstore-3.0.yaml")],
    ]
    for number, source in enumerate(sources):
        first, second = tmp_path / f"{number}a", tmp_path / f"{number}b"
        assert main(["import", *source, "-o", str(first)]) == 0
        assert main(["import", *source, "-o", str(second)]) == 0
        files = sorted(p.name for p in first.iterdir())
        assert files == sorted(p.name for p in second.iterdir())
        for name in files:
            assert (first / name).read_bytes() == (second / name).read_bytes()
