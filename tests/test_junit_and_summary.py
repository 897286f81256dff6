"""What CI systems show: the short test summary line and the JUnit XML file."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema

SCHEMA = Path(__file__).with_name("junit-10.xsd")

CHECKOUT = """
    name: checkout
    steps:
      - name: log in
        request: {method: POST, url: /login}
      - name: pay order
        request: {method: POST, url: /pay}
        expect:
          status: 200
          json:
            $.status: shipped
            $.total: 12
      - name: ship
        request: {method: POST, url: /ship}
"""

LIFECYCLE = """
    name: lifecycle
    parametrize: {ids: [small], rows: [{size: 1}]}
    steps:
      - name: login
        request: {method: POST, url: /login}
      - name: audit
        skip_if: "{{ size == 1 }}"
        request: {method: GET, url: /audit}
"""

SUMMARY = "FAILED orders/checkout.orbit.yaml::checkout::pay-order - $.status: expected 'shipped', got 'paid'"


@pytest.fixture
def shop(orbit, monkeypatch):
    # Wide enough that pytest prints the summary line whole rather than cut to the terminal.
    monkeypatch.setenv("COLUMNS", "200")
    orbit.httpserver.expect_request("/login").respond_with_json({"token": "t"})
    orbit.httpserver.expect_request("/pay").respond_with_json({"status": "paid", "total": 10})
    orbit.case("orders/checkout.orbit.yaml", CHECKOUT)
    orbit.case("lifecycle.orbit.yaml", LIFECYCLE)
    return orbit


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one process", "xdist"])
def test_the_short_summary_names_the_first_failed_expectation(shop, workers):
    result = shop.run("-rA", *workers)
    result.assert_outcomes(passed=2, failed=1, skipped=2)
    result.stdout.fnmatch_lines([SUMMARY])


def test_the_failure_itself_is_shown_whole_with_every_expectation(shop):
    result = shop.run("-n", "2")
    result.stdout.fnmatch_lines(
        [
            "step 'pay order' failed (orders/checkout.orbit.yaml:6)",
            "  ✗ $.status: expected 'shipped', got 'paid'",
            "  ✗ $.total: expected 12, got 10",
        ]
    )


def junit(orbit, *args: str) -> ElementTree.Element:
    path = orbit.pytester.path / "junit.xml"
    orbit.run(f"--junitxml={path}", *args)
    xmlschema.XMLSchema(SCHEMA).validate(path)  # raises with the first invalid element
    return ElementTree.parse(path).getroot()


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one process", "xdist"])
def test_junit_xml_is_valid_with_passed_failed_blocked_skipped_and_parametrized_steps(
    shop, workers
):
    root = junit(shop, *workers)
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    assert sorted(cases) == [
        ("lifecycle.orbit.yaml.lifecycle[small]", "audit"),
        ("lifecycle.orbit.yaml.lifecycle[small]", "login"),
        ("orders.checkout.orbit.yaml.checkout", "log-in"),
        ("orders.checkout.orbit.yaml.checkout", "pay-order"),
        ("orders.checkout.orbit.yaml.checkout", "ship"),
    ]
    failure = cases["orders.checkout.orbit.yaml.checkout", "pay-order"].find("failure")
    assert failure is not None
    assert failure.get("message") == "$.status: expected 'shipped', got 'paid'"
    assert "  ✗ $.total: expected 12, got 10" in (failure.text or "")
    blocked = cases["orders.checkout.orbit.yaml.checkout", "ship"].find("skipped")
    assert blocked is not None and blocked.get("message") == "blocked by pay-order"
    skipped = cases["lifecycle.orbit.yaml.lifecycle[small]", "audit"].find("skipped")
    assert skipped is not None and skipped.get("message") == "skip_if: {{ size == 1 }}"


def test_junit_xml_carries_no_internal_report_data(shop):
    root = junit(shop)
    assert list(root.iter("property")) == []
    assert list(root.iter("properties")) == []


def test_a_step_whose_replay_fails_says_why_in_the_short_summary(shop):
    result = shop.run("-rA", "orders/checkout.orbit.yaml::checkout::ship")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "ERROR orders/checkout.orbit.yaml::checkout::ship - step 'ship' could not run: "
            "replaying the earlier step 'pay-order' (orders/checkout.orbit.yaml:6) failed"
        ]
    )
