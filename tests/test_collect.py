"""Collection: which files, node ids, slugs, documents, tags, parametrize, locations, -k."""

from __future__ import annotations

ONE_STEP = """
    steps:
      - name: ping
        request: {method: GET, url: /ping}
"""


def test_orbit_yaml_and_orbit_yml_files_are_collected_and_other_yaml_is_not(orbit):
    orbit.case("a.orbit.yaml", ONE_STEP)
    orbit.case("b.orbit.yml", ONE_STEP)
    orbit.case("c.yaml", ONE_STEP)
    result = orbit.run("--collect-only", "-q")
    result.stdout.fnmatch_lines(
        ["a.orbit.yaml::a::ping", "b.orbit.yml::b::ping", "2 tests collected*"]
    )
    assert "c.yaml" not in orbit.text(result)


def test_node_ids_are_file_group_and_step_slug(orbit):
    orbit.case(
        "orders/checkout.orbit.yaml",
        """
        name: Check Out
        steps:
          - name: Log In
            request: {method: GET, url: /a}
          - name: create order!
            request: {method: GET, url: /b}
          - name: whatever
            id: fetch_order
            request: {method: GET, url: /c}
        """,
    )
    result = orbit.run("--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "orders/checkout.orbit.yaml::check-out::log-in",
            "orders/checkout.orbit.yaml::check-out::create-order",
            "orders/checkout.orbit.yaml::check-out::fetch_order",
        ]
    )


def test_the_group_id_defaults_to_the_file_name(orbit):
    orbit.case("Place Order.orbit.yaml", ONE_STEP)
    result = orbit.run("--collect-only", "-q")
    result.stdout.fnmatch_lines(["Place Order.orbit.yaml::place-order::ping"])


def test_unicode_names_keep_their_letters_in_the_slug(orbit):
    orbit.case(
        "用户.orbit.yaml",
        """
        name: 用户 管理
        steps:
          - name: 登录
            request: {method: GET, url: /login}
        """,
    )
    result = orbit.run("--collect-only", "-q")
    result.stdout.fnmatch_lines(["用户.orbit.yaml::用户-管理::登录"])


def test_a_unicode_step_runs_and_passes(orbit):
    orbit.httpserver.expect_request("/login").respond_with_json({})
    orbit.case(
        "u.orbit.yaml",
        """
        steps:
          - name: 登录
            request: {method: GET, url: /login}
        """,
    )
    result = orbit.run("-v")
    result.stdout.fnmatch_lines(["u.orbit.yaml::u::登录 PASSED*"])
    result.assert_outcomes(passed=1)


def test_each_yaml_document_is_a_group(orbit):
    orbit.case(
        "multi.orbit.yaml",
        """
        name: first
        steps:
          - name: one
            request: {method: GET, url: /one}
        ---
        name: second
        steps:
          - name: two
            request: {method: GET, url: /two}
        """,
    )
    result = orbit.run("--collect-only", "-q")
    result.stdout.fnmatch_lines(["multi.orbit.yaml::first::one", "multi.orbit.yaml::second::two"])


def test_tags_become_marks_that_select_groups(orbit):
    orbit.httpserver.expect_request("/one").respond_with_json({})
    orbit.case(
        "tagged.orbit.yaml",
        """
        tags: [smoke]
        steps:
          - name: one
            request: {method: GET, url: /one}
        """,
    )
    orbit.case("untagged.orbit.yaml", ONE_STEP)
    result = orbit.run("-m", "smoke", "-v", "--strict-markers")
    result.stdout.fnmatch_lines(["tagged.orbit.yaml::tagged::one PASSED*"])
    result.assert_outcomes(passed=1, deselected=1)
    assert orbit.paths == ["/one"]


def test_parametrize_as_a_list_gives_numbered_group_instances(orbit):
    orbit.httpserver.expect_request("/items/ABC").respond_with_json({})
    orbit.httpserver.expect_request("/items/XYZ").respond_with_json({})
    orbit.case(
        "p.orbit.yaml",
        """
        parametrize:
          - {sku: ABC}
          - {sku: XYZ}
        steps:
          - name: get
            request: {method: GET, url: "/items/{{ sku }}"}
        """,
    )
    result = orbit.run("-v")
    result.stdout.fnmatch_lines(
        ["p.orbit.yaml::p[[]0[]]::get PASSED*", "p.orbit.yaml::p[[]1[]]::get PASSED*"]
    )
    result.assert_outcomes(passed=2)
    assert orbit.paths == ["/items/ABC", "/items/XYZ"]


def test_parametrize_with_ids_names_the_instances(orbit):
    orbit.case(
        "p.orbit.yaml",
        """
        parametrize:
          ids: [abc, xyz]
          rows:
            - {sku: ABC}
            - {sku: XYZ}
        steps:
          - name: get
            request: {method: GET, url: "/items/{{ sku }}"}
        """,
    )
    result = orbit.run("--collect-only", "-q")
    result.stdout.fnmatch_lines(["p.orbit.yaml::p[[]abc[]]::get", "p.orbit.yaml::p[[]xyz[]]::get"])


def test_a_parametrized_instance_can_be_selected_by_node_id(orbit):
    orbit.httpserver.expect_request("/items/XYZ").respond_with_json({})
    orbit.case(
        "p.orbit.yaml",
        """
        parametrize: {ids: [abc, xyz], rows: [{sku: ABC}, {sku: XYZ}]}
        steps:
          - name: get
            request: {method: GET, url: "/items/{{ sku }}"}
        """,
    )
    result = orbit.run("p.orbit.yaml::p[xyz]::get")
    result.assert_outcomes(passed=1)
    assert orbit.paths == ["/items/XYZ"]


def test_k_selects_one_step(orbit):
    orbit.httpserver.expect_request("/two").respond_with_json({})
    orbit.case(
        "g.orbit.yaml",
        """
        steps:
          - name: one
            request: {method: GET, url: /one}
          - name: two
            request: {method: GET, url: /two}
        """,
    )
    result = orbit.run("-k", "two", "--orbit-replay", "skip", "-v")
    result.stdout.fnmatch_lines(["g.orbit.yaml::g::two PASSED*"])
    result.assert_outcomes(passed=1, deselected=1)
    assert orbit.paths == ["/two"]


def test_a_failed_step_is_located_at_its_yaml_line(orbit):
    orbit.httpserver.expect_request("/x").respond_with_json({}, status=500)
    orbit.case(
        "loc.orbit.yaml",
        """
        steps:
          - name: first
            request: {method: GET, url: /x}
        """,
    )
    result = orbit.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*step 'first' failed (loc.orbit.yaml:3)*"])


def test_a_skipped_step_line_points_at_its_yaml_line(orbit):
    orbit.case(
        "loc.orbit.yaml",
        """
        steps:
          - name: first
            skip_if: "{{ true }}"
            request: {method: GET, url: /x}
        """,
    )
    result = orbit.run("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] loc.orbit.yaml:3: skip_if: {{ true }}"])


def test_the_item_location_is_the_step_line(orbit, pytester):
    orbit.case(
        "loc.orbit.yaml",
        """
        name: g
        steps:
          - name: first
            request: {method: GET, url: /x}

          - name: second
            request: {method: GET, url: /y}
        """,
    )
    items, _ = pytester.inline_genitems("--orbit-no-db", "-p", "no:cacheprovider")
    assert [item.location for item in items] == [
        ("loc.orbit.yaml", 3, "g::first"),
        ("loc.orbit.yaml", 6, "g::second"),
    ]


def test_collection_order_follows_sorted_files_and_file_order(orbit):
    orbit.case(
        "b.orbit.yaml",
        "steps: [{name: z, request: {method: GET, url: /}}, {name: a, request: {method: GET, url: /}}]",
    )
    orbit.case("a.orbit.yaml", ONE_STEP)
    result = orbit.run("--collect-only", "-q")
    result.stdout.fnmatch_lines(
        ["a.orbit.yaml::a::ping", "b.orbit.yaml::b::z", "b.orbit.yaml::b::a"]
    )


def test_tags_of_every_file_need_no_marker_line_and_strict_markers_still_catches_typos(orbit):
    orbit.httpserver.expect_request("/one").respond_with_json({})
    orbit.write("pytest.ini", "[pytest]\nmarkers =\n    orders: declared by hand\n")
    orbit.case(
        "a.orbit.yaml",
        """
        tags: [smoke, orders]
        steps:
          - name: one
            request: {method: GET, url: /one}
        """,
    )
    orbit.case(
        "b.orbit.yaml",
        """
        tags: smoke
        steps:
          - name: one
            request: {method: GET, url: /one}
        """,
    )
    result = orbit.run("-m", "smoke and not orders", "--strict-markers", "-v")
    result.stdout.fnmatch_lines(["b.orbit.yaml::b::one PASSED*"])
    result.assert_outcomes(passed=1, deselected=1)
    orbit.write("test_typo.py", "import pytest\n\n\n@pytest.mark.smok\ndef test_x():\n    pass\n")
    result = orbit.run("--strict-markers", "--collect-only")
    result.stdout.fnmatch_lines(["*'smok' not found in `markers` configuration option*"])
