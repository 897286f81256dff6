"""The table at the end of a run fits the verbosity and is aligned by display width."""

from __future__ import annotations

import re

import pytest

from pytest_testorbit.tables import display_width, table

RUN = re.compile(r"[0-9a-f-]{36}")


@pytest.fixture
def two_groups(orbit):
    """checkout fails its second step; 健康检查 (a CJK name) passes."""
    orbit.httpserver.expect_request("/ok").respond_with_json({})
    orbit.httpserver.expect_request("/broken").respond_with_data("no", status=500)
    orbit.case(
        "checkout.orbit.yaml",
        "steps:\n  - {name: a, request: {method: GET, url: /ok}}\n"
        "  - {name: b, request: {method: GET, url: /broken}}\n",
    )
    orbit.case(
        "health.orbit.yaml",
        "name: 健康检查\nsteps:\n  - {name: ping, request: {method: GET, url: /ok}}\n",
    )
    return orbit


def summary(orbit, result) -> list[str]:
    """The lines from the orbit results separator on, run ids made RUN."""
    lines = [RUN.sub("RUN", line) for line in result.outlines]
    start = next((i for i, line in enumerate(lines) if "orbit results" in line), None)
    if start is None:
        return [line for line in lines if line.startswith("orbit: ")]
    end = next(i for i, line in enumerate(lines) if line.startswith("run ") or "; run " in line)
    return lines[start + 1 : end + 1]


def test_the_default_table_lists_every_group_aligned_by_display_width(two_groups):
    result = two_groups.run()
    assert summary(two_groups, result) == [
        "group     steps  pass rate  file",
        "checkout    1/2        50%  checkout.orbit.yaml",
        "健康检查    1/1       100%  health.orbit.yaml",
        "run RUN: failed (not stored: --orbit-no-db)",
    ]


def test_verbose_lists_every_group_too(two_groups):
    result = two_groups.run("-v")
    assert summary(two_groups, result)[1:3] == [
        "checkout    1/2        50%  checkout.orbit.yaml",
        "健康检查    1/1       100%  health.orbit.yaml",
    ]


def test_quiet_lists_the_groups_that_did_not_pass_then_a_total(two_groups):
    result = two_groups.run("-q")
    assert summary(two_groups, result) == [
        "group     steps  pass rate  file",
        "checkout    1/2        50%  checkout.orbit.yaml",
        "2 groups, 1 not passed, 2/3 steps passed; run RUN: failed (not stored: --orbit-no-db)",
    ]


def test_very_quiet_prints_the_total_alone(two_groups):
    result = two_groups.run("-qq")
    text = RUN.sub("RUN", "\n".join(result.outlines))
    assert "orbit results" not in text
    assert "group     steps  pass rate  file" not in text
    assert summary(two_groups, result) == [
        "orbit: 2 groups, 1 not passed, 2/3 steps passed; "
        "run RUN: failed (not stored: --orbit-no-db)"
    ]


def test_quiet_with_every_group_passing_prints_only_the_total(orbit):
    orbit.httpserver.expect_request("/ok").respond_with_json({})
    orbit.case("a.orbit.yaml", "steps:\n  - {name: a, request: {method: GET, url: /ok}}\n")
    result = orbit.run("-q")
    assert summary(orbit, result) == [
        "1 group, 0 not passed, 1/1 steps passed; run RUN: passed (not stored: --orbit-no-db)"
    ]


def test_a_big_suite_lists_only_the_groups_that_did_not_pass_unless_verbose(orbit):
    orbit.httpserver.expect_request("/ok").respond_with_json({})
    orbit.httpserver.expect_request("/broken").respond_with_data("no", status=500)
    for index in range(51):
        url = "/broken" if index == 7 else "/ok"
        orbit.case(
            f"g{index:02d}.orbit.yaml",
            f"steps:\n  - {{name: a, request: {{method: GET, url: {url}}}}}\n",
        )
    result = orbit.run()
    assert summary(orbit, result) == [
        "group  steps  pass rate  file",
        "g07      0/1         0%  g07.orbit.yaml",
        "(50 passing groups not listed; -v lists every group)",
        "run RUN: failed (not stored: --orbit-no-db)",
    ]
    assert len(summary(orbit, orbit.run("-v"))) == 53


def test_display_width_counts_wide_characters_twice_and_marks_not_at_all():
    assert display_width("健康检查") == 8
    assert display_width("cafe\u0301") == 4
    assert display_width("ｈｉ") == 4  # fullwidth forms
    assert table([["登录", "1"], ["login-x", "22"]], right=(1,)) == [
        "登录      1",
        "login-x  22",
    ]
