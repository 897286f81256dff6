"""The generated JSON Schemas, the loaders and the docs agree with one another.

The schemas (for editors) are built from the loaders' tables (``cases/schemagen.py``), so the
keys cannot drift; these tests hold the values together: every example in the docs passes
both, a set of broken snippets fails both. ``test_schema_parity.py`` probes every key of
every table with values of every type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from pytest_testorbit import cli
from pytest_testorbit.cases import keys as casekeys
from pytest_testorbit.cases import limits, project, project_file
from pytest_testorbit.cases.loader import CaseLoader
from pytest_testorbit.cases.schemagen import schema as load_schema
from pytest_testorbit.errors import OrbitError
from pytest_testorbit.expr import matchers
from pytest_testorbit.expr.templating import Templates
from pytest_testorbit.store import url as store_url

ROOT = Path(__file__).resolve().parents[1]
NO_CHECK = "# orbit: no-check"  # first line of a docs example that is shown, not checked
_FENCE = re.compile(r"^```yaml[ \t]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_ENV_READ = re.compile(r"env\.([A-Za-z_]\w*)")


# -- the examples in the docs ----------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    where: str  # docs/reference/case-files.md:42, for the test id and messages
    kind: str  # case, project, fragment, no-check, or broken (not YAML at all)
    text: str


def _kind(text: str) -> str:
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if first.startswith(NO_CHECK):
        return "no-check"
    for kind in ("case", "project"):  # an explicit marker wins over guessing
        if first.startswith(f"# orbit: {kind}"):
            return kind
    try:
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError:
        return "broken"
    if any(isinstance(d, dict) and "steps" in d for d in documents):
        return "case"
    if any(isinstance(d, dict) and ("environments" in d or "project" in d) for d in documents):
        return "project"
    return "fragment"  # a few keys shown on their own, like `retry: {times: 3}`


def _doc_files() -> list[Path]:
    return sorted(p for p in [*ROOT.glob("docs/**/*.md"), ROOT / "README.md"] if p.is_file())


def _examples() -> Iterator[Example]:
    for path in _doc_files():
        source = path.read_text(encoding="utf-8")
        for match in _FENCE.finditer(source):
            line = source.count("\n", 0, match.start(1)) + 1
            text = match.group(1)
            yield Example(f"{path.relative_to(ROOT).as_posix()}:{line}", _kind(text), text)


EXAMPLES = list(_examples())
CASE_EXAMPLES = [e for e in EXAMPLES if e.kind in ("case", "broken")]
PROJECT_EXAMPLES = [e for e in EXAMPLES if e.kind == "project"]


def _schema_errors(kind: str, text: str) -> list[str]:
    validator = jsonschema.Draft7Validator(load_schema(kind))
    problems = []
    for document in yaml.safe_load_all(text):
        if document is None:
            continue
        for error in validator.iter_errors(document):
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            problems.append(f"{where}: {error.message}")
    return problems


def _placeholders(node: Any, folder: Path) -> None:
    """Create the files an example points at (used groups, schema files, uploads)."""
    if isinstance(node, list):
        for item in node:
            _placeholders(item, folder)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        targets: list[tuple[Any, str]] = []
        if key == "use":
            targets = [
                (value, "steps:\n  - name: placeholder\n    request: {method: GET, url: /}\n")
            ]
        elif key == "schema" and isinstance(value, str):
            targets = [(value, '{"type": "object"}\n')]
        elif key == "files" and isinstance(value, dict):
            targets = [
                (v.get("path") if isinstance(v, dict) else v, "placeholder") for v in value.values()
            ]
        for target, content in targets:
            if isinstance(target, str) and "{{" not in target and not (folder / target).exists():
                (folder / target).parent.mkdir(parents=True, exist_ok=True)
                (folder / target).write_text(content, encoding="utf-8")
        _placeholders(value, folder)


def _load_case(text: str, tmp_path: Path) -> None:
    folder = tmp_path / "suite" / "cases"  # room for ../common/login.orbit.yaml
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "example.orbit.yaml"
    path.write_text(text, encoding="utf-8")
    _placeholders(list(yaml.safe_load_all(text)), folder)
    CaseLoader(Templates()).load(path)


def _load_project(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """load_project checks keys; values are checked as they are used, so use them all."""
    for name in _ENV_READ.findall(text):
        monkeypatch.setenv(name, "1")
    path = tmp_path / "orbit.yaml"
    path.write_text(text, encoding="utf-8")
    for bundle in re.findall(r"verify: ([\w./-]+\.pem)", text):  # a CA bundle must exist
        (tmp_path / bundle).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / bundle).write_text("", encoding="utf-8")
    loaded = project.load_project(path)
    for name in loaded.environment_names:
        loaded.environment(name)
    assert isinstance(loaded.notify, dict)
    assert store_url.choose(
        None, database=loaded.database, root=loaded.root, cwd=tmp_path, environ={}
    ).url


def test_the_docs_hold_checked_examples_of_both_files() -> None:
    assert len([e for e in EXAMPLES if e.kind == "case"]) >= 10
    assert PROJECT_EXAMPLES


def test_examples_left_unchecked_are_rare() -> None:
    skipped = [e.where for e in EXAMPLES if e.kind == "no-check"]
    assert len(skipped) <= 3, f"too many '{NO_CHECK}' examples: {skipped}"


@pytest.mark.parametrize("example", CASE_EXAMPLES, ids=[e.where for e in CASE_EXAMPLES])
def test_a_case_file_example_in_the_docs_passes_the_schema_and_the_loader(
    example: Example, tmp_path: Path
) -> None:
    assert example.kind != "broken", f"{example.where}: the example is not valid YAML"
    assert _schema_errors("case", example.text) == []
    _load_case(example.text, tmp_path)


@pytest.mark.parametrize("example", PROJECT_EXAMPLES, ids=[e.where for e in PROJECT_EXAMPLES])
def test_a_project_file_example_in_the_docs_passes_the_schema_and_the_loader(
    example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _schema_errors("project", example.text) == []
    _load_project(example.text, tmp_path, monkeypatch)


EXAMPLE_SUITE = sorted((ROOT / "example_suite").glob("**/*orbit.yaml"))


@pytest.mark.parametrize(
    "path", EXAMPLE_SUITE, ids=[p.relative_to(ROOT).as_posix() for p in EXAMPLE_SUITE]
)
def test_a_file_of_the_example_suite_passes_the_schema(path: Path) -> None:
    # The example suite is collected by its own tests; here only the editor's view of it.
    kind = "project" if path.name == "orbit.yaml" else "case"
    assert _schema_errors(kind, path.read_text(encoding="utf-8")) == []


# -- the schemas themselves ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["case", "project"])
def test_each_schema_is_valid_draft_07(kind: str) -> None:
    schema = load_schema(kind)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


def _properties(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("properties", "definitions") and isinstance(value, dict):
                for name, sub in value.items():
                    yield f"{where}/{name}", sub
                    yield from _properties(sub, f"{where}/{name}")
            else:
                yield from _properties(value, where)
    elif isinstance(node, list):
        for item in node:
            yield from _properties(item, where)


@pytest.mark.parametrize("kind", ["case", "project"])
def test_every_property_has_a_description_for_editors_to_show(kind: str) -> None:
    missing = [where for where, sub in _properties(load_schema(kind)) if "description" not in sub]
    assert missing == []


def _keys(node: dict[str, Any]) -> set[str]:
    return set(node["properties"])


def test_the_schema_offers_exactly_the_keys_the_loader_checks() -> None:
    # True by construction (both read keys.py); kept so that a hand edit of the generator,
    # or a table the loader stops reading, shows here.
    schema = load_schema("case")
    definitions = schema["definitions"]
    assert _keys(schema) == set(casekeys.GROUP_KEYS)
    assert _keys(definitions["step"]) == set(casekeys.STEP_KEYS)
    assert _keys(definitions["request"]) == set(casekeys.REQUEST_KEYS)
    assert _keys(definitions["expect"]) == set(casekeys.EXPECT_KEYS)
    assert _keys(definitions["retry"]) == set(casekeys.RETRY_KEYS)
    assert _keys(definitions["extraction"]["anyOf"][1]) == {
        *casekeys.EXTRACT_KINDS,
        *casekeys.EXTRACT_OPTIONS,
    }
    assert _keys(definitions["matcher"]) == set(matchers.NAMES)
    assert set(definitions["matcher"]["properties"]["type"]["anyOf"][0]["enum"]) == set(
        matchers.TYPES
    )
    methods = definitions["request"]["properties"]["method"]["anyOf"][0]["enum"]
    assert {m.upper() for m in methods} == set(casekeys.METHODS)
    assert set(schema["properties"]["on_failure"]["enum"]) == set(casekeys.ON_FAILURE)
    project_schema = load_schema("project")
    notify = project_schema["properties"]["notify"]
    webhook = notify["properties"]["webhooks"]["items"]
    assert _keys(project_schema) == set(project_file.PROJECT_KEYS)
    assert _keys(project_schema["definitions"]["environment"]) == set(project_file.ENV_KEYS)
    assert _keys(notify) == set(project_file.NOTIFY_KEYS)
    assert _keys(notify["properties"]["email"]) == set(project_file.EMAIL_KEYS)
    assert _keys(webhook) == set(project_file.WEBHOOK_KEYS)
    assert set(webhook["properties"]["kind"]["enum"]) == set(project_file.WEBHOOK_KINDS)


def test_the_limits_the_loader_enforces_are_the_schemas_bounds() -> None:
    definitions = load_schema("case")["definitions"]
    retry = definitions["retry"]["properties"]
    assert retry["times"]["maximum"] == limits.MAX_RETRY_TIMES
    assert retry["delay"]["maximum"] == limits.MAX_RETRY_DELAY
    timeout = definitions["request"]["properties"]["timeout"]["anyOf"][0]
    assert timeout["maximum"] == limits.MAX_TIMEOUT
    status = definitions["status"]
    assert (status["minimum"], status["maximum"]) == (casekeys.STATUS_MIN, casekeys.STATUS_MAX)


def test_the_reference_names_every_key_and_matcher() -> None:
    reference = (ROOT / "docs" / "reference" / "case-files.md").read_text(encoding="utf-8")
    names = {
        *casekeys.GROUP_KEYS,
        *casekeys.STEP_KEYS,
        *casekeys.REQUEST_KEYS,
        *casekeys.EXPECT_KEYS,
        *casekeys.RETRY_KEYS,
        *casekeys.EXTRACT_KINDS,
        *casekeys.EXTRACT_OPTIONS,
        *matchers.NAMES,
    }
    assert sorted(n for n in names if f"`{n}`" not in reference) == []
    project_reference = (ROOT / "docs" / "reference" / "orbit-yaml.md").read_text(encoding="utf-8")
    keys = {
        *project_file.PROJECT_KEYS,
        *project_file.ENV_KEYS,
        *project_file.EMAIL_KEYS,
        *project_file.WEBHOOK_KEYS,
        *project_file.WEBHOOK_KINDS,
    }
    assert sorted(k for k in keys if f"`{k}`" not in project_reference) == []


# -- the schema and the loaders agree --------------------------------------------------------


def _group(step: str) -> str:
    """A one-step group around ``step`` (YAML for one list item, indented by four)."""
    return "steps:\n  - " + step.strip().replace("\n", "\n    ") + "\n"


GOOD = "name: ok\nrequest: {method: GET, url: /}\n"

# (test id, case file, what the loader's message says)
INVALID_CASES = [
    ("unknown-group-key", "owner: a@x.com\n" + _group(GOOD), "unknown key 'owner' in a case group"),
    (
        "unknown-step-key",
        _group(GOOD + "expected: {status: 200}"),
        "unknown key 'expected' in a step",
    ),
    (
        "unknown-request-key",
        _group("name: a\nrequest: {method: GET, url: /, body: x}"),
        "unknown key 'body' in request",
    ),
    ("unknown-expect-key", _group(GOOD + "expect: {code: 200}"), "unknown key 'code' in expect"),
    (
        "unknown-matcher",
        _group(GOOD + "expect: {json: {$.id: {equals: 1}}}"),
        "unknown matcher 'equals'",
    ),
    ("empty-matcher", _group(GOOD + "expect: {json: {$.id: {}}}"), "an empty matcher"),
    ("unknown-type", _group(GOOD + "expect: {json: {$.id: {type: str}}}"), "unknown type 'str'"),
    (
        "exists-not-boolean",
        _group(GOOD + "expect: {json: {$.id: {exists: yes please}}}"),
        "exists takes true or false",
    ),
    (
        "negative-len",
        _group(GOOD + "expect: {json: {$.id: {len: -1}}}"),
        "len takes a whole number",
    ),
    (
        "one-of-not-a-list",
        _group(GOOD + "expect: {json: {$.id: {one_of: new}}}"),
        "one_of takes a list",
    ),
    (
        "approx-not-a-number",
        _group(GOOD + "expect: {json: {$.id: {approx: close}}}"),
        "approx takes a number",
    ),
    (
        "gt-a-list",
        _group(GOOD + "expect: {json: {$.id: {gt: [1]}}}"),
        "gt takes a number or a string",
    ),
    (
        "regex-not-a-string",
        _group(GOOD + "expect: {body: {regex: 5}}"),
        "regex takes a string pattern",
    ),
    ("json-key-not-a-path", _group(GOOD + "expect: {json: {id: 1}}"), "is not a JSONPath"),
    (
        "status-out-of-range",
        _group(GOOD + "expect: {status: 700}"),
        "status must be an HTTP status code",
    ),
    ("status-a-word", _group(GOOD + "expect: {status: ok}"), "status must be an HTTP status code"),
    (
        "status-a-template",
        _group(GOOD + 'expect: {status: "{{ code }}"}'),
        "status must be an HTTP status code",
    ),
    (
        "status-list-with-text",
        _group(GOOD + "expect: {status: [200, created]}"),
        "status must be an HTTP status code",
    ),
    ("max-ms-zero", _group(GOOD + "expect: {max_ms: 0}"), "max_ms must be a positive number"),
    (
        "bad-method",
        _group("name: a\nrequest: {method: FETCH, url: /}"),
        "unknown HTTP method 'FETCH'",
    ),
    ("missing-request", _group("name: a\nexpect: {status: 200}"), "has no 'request:'"),
    (
        "request-and-use",
        _group("name: a\nuse: other.orbit.yaml\nrequest: {method: GET, url: /}"),
        "both 'request:' and 'use:'",
    ),
    ("missing-url", _group("name: a\nrequest: {method: GET}"), "request needs 'url:'"),
    ("missing-method", _group("name: a\nrequest: {url: /}"), "request needs 'method:'"),
    ("missing-name", _group("request: {method: GET, url: /}"), "a step needs a 'name:'"),
    (
        "headers-a-list",
        _group("name: a\nrequest: {method: GET, url: /, headers: [a]}"),
        "must be a mapping",
    ),
    (
        "timeout-negative",
        _group("name: a\nrequest: {method: GET, url: /, timeout: -1}"),
        "timeout must be a positive number",
    ),
    (
        "timeout-a-word",
        _group("name: a\nrequest: {method: GET, url: /, timeout: soon}"),
        "timeout must be a positive number",
    ),
    (
        "allow-redirects-a-word",
        _group("name: a\nrequest: {method: GET, url: /, allow_redirects: never}"),
        "must be true or false",
    ),
    (
        "unknown-auth",
        _group("name: a\nrequest: {method: GET, url: /, auth: {digest: [a, b]}}"),
        "auth must be",
    ),
    (
        "basic-auth-of-one",
        _group("name: a\nrequest: {method: GET, url: /, auth: {basic: [a]}}"),
        "auth.basic must be a list of two",
    ),
    (
        "files-a-list",
        _group("name: a\nrequest: {method: POST, url: /, files: [a.txt]}"),
        "files must map",
    ),
    (
        "unknown-extract-kind",
        _group(GOOD + "extract: {token: {body: x}}"),
        "unknown extract kind 'body'",
    ),
    ("extract-not-a-path", _group(GOOD + "extract: {token: token}"), "is not a JSONPath"),
    ("extract-status-false", _group(GOOD + "extract: {code: {status: false}}"), "takes true"),
    ("extract-bad-variable", _group(GOOD + "extract: {my-token: $.token}"), "must be a name"),
    ("retry-without-until", _group(GOOD + "retry: {times: 3}"), "retry needs 'until:'"),
    (
        "retry-zero-times",
        _group(GOOD + "retry: {times: 0, until: {status: 200}}"),
        "retry.times must be",
    ),
    (
        "retry-unknown-key",
        _group(GOOD + "retry: {tries: 3, until: {status: 200}}"),
        "unknown key 'tries' in retry",
    ),
    (
        "use-with-expect",
        _group("use: other.orbit.yaml\nexpect: {status: 200}"),
        "cannot have 'expect:'",
    ),
    ("with-without-use", _group(GOOD + "with: {user: bob}"), "'with:' goes with 'use:'"),
    ("skip-if-a-number", _group(GOOD + "skip_if: 1"), "skip_if must be a template"),
    (
        "step-description-a-list",
        _group(GOOD + "description: [a, b]"),
        "description is text, not a list",
    ),
    (
        "approx-negative-tolerance",
        _group(GOOD + "expect: {json: {$.a: {approx: {value: 1, abs: -0.1}}}}"),
        "approx takes a number, or {value: N, rel: R, abs: A}",
    ),
    (
        "id-with-a-dot",
        _group("id: log.in\nrequest: {method: GET, url: /}"),
        "may hold only letters",
    ),
    ("name-with-colons", "name: a::b\n" + _group(GOOD), "may not contain '::'"),
    ("missing-steps", "name: a\n", "needs 'steps:'"),
    ("empty-steps", "steps: []\n", "steps must be a non-empty list"),
    (
        "bad-on-failure",
        "on_failure: skip\n" + _group(GOOD),
        "on_failure must be one of stop, continue",
    ),
    ("parallel-a-word", "parallel: yes please\n" + _group(GOOD), "parallel must be true or false"),
    ("tag-with-a-dash", "tags: [smoke-test]\n" + _group(GOOD), "usable as a pytest mark"),
    ("variable-with-a-dash", "variables: {my-var: 1}\n" + _group(GOOD), "must be a name"),
    (
        "parametrize-empty",
        "parametrize: []\n" + _group(GOOD),
        "parametrize must be a non-empty list",
    ),
    ("parametrize-without-rows", "parametrize: {ids: [a]}\n" + _group(GOOD), "needs 'rows:'"),
    (
        "parametrize-row-not-a-mapping",
        "parametrize: [1]\n" + _group(GOOD),
        "must be a mapping of variables",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), [c[1:] for c in INVALID_CASES], ids=[c[0] for c in INVALID_CASES]
)
def test_a_broken_case_file_fails_both_the_schema_and_the_loader(
    text: str, message: str, tmp_path: Path
) -> None:
    assert _schema_errors("case", text), "the schema accepts what the loader rejects"
    with pytest.raises(OrbitError, match=re.escape(message)):
        _load_case(text, tmp_path)


# Where the loader takes a template in place of a number or boolean, the schema must too.
VALID_CASES = [
    ("templated-method", _group('name: a\nrequest: {method: "{{ verb }}", url: /}')),
    ("lowercase-method", _group("name: a\nrequest: {method: post, url: /}")),
    ("templated-timeout", _group('name: a\nrequest: {method: GET, url: /, timeout: "{{ t }}"}')),
    (
        "templated-redirects",
        _group('name: a\nrequest: {method: GET, url: /, allow_redirects: "{{ r }}"}'),
    ),
    ("templated-headers", _group('name: a\nrequest: {method: GET, url: /, headers: "{{ h }}"}')),
    (
        "templated-matchers",
        _group(
            GOOD + 'expect: {json: {$.a: {exists: "{{ e }}", len: "{{ n }}", type: "{{ t }}"}}}'
        ),
    ),
    ("nested-len", _group(GOOD + "expect: {json: {$.a: {len: {ge: 1, lt: 10}}}}")),
    (
        "approx-mapping",
        _group(GOOD + "expect: {json: {$.a: {approx: {value: 1, rel: 0.1, abs: 0.5}}}}"),
    ),
    ("status-list", _group(GOOD + "expect: {status: [200, 204]}")),
    (
        "approx-empty-rel",
        _group(GOOD + 'expect: {json: {$.a: {approx: {value: "{{ v }}", rel: }}}}'),
    ),
    ("numeric-title", "title: 2024\ndescription: 7\n" + _group(GOOD)),
    ("empty-sections", "tags:\nowners:\nvariables:\n" + _group(GOOD)),
    ("header-number", _group(GOOD + "expect: {headers: {Content-Length: 0}}")),
    ("skip-if-boolean", _group(GOOD + "skip_if: false")),
    (
        "unicode-names",
        "variables: {用户: 张三}\n"
        + _group("name: 登录\nrequest: {method: GET, url: /}\nextract: {令牌: $.data.用户}"),
    ),
    ("id-only", _group("id: fetch\nrequest: {method: GET, url: /}")),
    ("owners-a-string", "owners: a@x.com\n" + _group(GOOD)),
    ("parametrize-ids", "parametrize: {ids: [a, b-2], rows: [{x: 1}, {x: 2}]}\n" + _group(GOOD)),
]


@pytest.mark.parametrize("text", [c[1] for c in VALID_CASES], ids=[c[0] for c in VALID_CASES])
def test_a_case_file_the_loader_takes_passes_the_schema(text: str, tmp_path: Path) -> None:
    _load_case(text, tmp_path)
    assert _schema_errors("case", text) == []


_PROJECT = "project: shop\nenvironments:\n  local:\n    base_url: http://127.0.0.1:8000\n"
INVALID_PROJECTS = [
    ("unknown-key", _PROJECT + "environment: local\n", "unknown key 'environment'"),
    ("unknown-environment-key", _PROJECT + "    base-url: http://x\n", "unknown key 'base-url'"),
    ("timeout-zero", _PROJECT + "    timeout: 0\n", "timeout must be a positive number"),
    ("verify-a-number", _PROJECT + "    verify: 1\n", "verify must be true, false or the path"),
    ("secrets-a-string", _PROJECT + "    secrets: password\n", "secrets must be a list"),
    ("variables-a-list", _PROJECT + "    variables: [a]\n", "variables must be a mapping"),
    (
        "unknown-webhook-kind",
        _PROJECT + "notify:\n  webhooks:\n    - {kind: teams, url: http://x}\n",
        "unknown webhook kind 'teams'",
    ),
    (
        "webhook-without-url",
        _PROJECT + "notify:\n  webhooks:\n    - {kind: slack}\n",
        "a webhook needs a url",
    ),
    (
        "webhooks-a-mapping",
        _PROJECT + "notify:\n  webhooks: {kind: slack}\n",
        "notify.webhooks must be a list",
    ),
    (
        "email-without-from",
        _PROJECT + "notify:\n  email: {smtp: 'smtp://h:25'}\n",
        "notify.email needs 'from'",
    ),
    ("unknown-notify-key", _PROJECT + "notify:\n  sms: {}\n", "unknown key 'sms'"),
    ("project-a-list", "project: [shop]\n", "project is a name, not a list"),
    (
        "default-env-a-list",
        _PROJECT + "default_env: [local]\n",
        "default_env is the name of an environment, not a list",
    ),
    (
        "email-smtp-a-number",
        _PROJECT + "notify:\n  email: {smtp: 25, from: a@x.com}\n",
        "notify.email.smtp must be text, not int 25",
    ),
    (
        "webhook-url-a-list",
        _PROJECT + "notify:\n  webhooks:\n    - {kind: slack, url: [http://x]}\n",
        "notify.webhooks[0].url must be text, not a list",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), [c[1:] for c in INVALID_PROJECTS], ids=[c[0] for c in INVALID_PROJECTS]
)
def test_a_broken_project_file_fails_both_the_schema_and_the_loader(
    text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _schema_errors("project", text), "the schema accepts what the loader rejects"
    with pytest.raises(OrbitError, match=re.escape(message)):
        _load_project(text, tmp_path, monkeypatch)


# -- orbit schema ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "kind"),
    [(["schema"], "case"), (["schema", "case"], "case"), (["schema", "project"], "project")],
)
def test_orbit_schema_prints_the_schema_as_json(
    argv: list[str], kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 0
    assert json.loads(capsys.readouterr().out) == load_schema(kind)


def test_orbit_schema_writes_to_a_file_making_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / ".orbit" / "orbit.schema.json"
    assert cli.main(["schema", "project", "-o", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == load_schema("project")
    assert capsys.readouterr().out == f"Wrote the JSON Schema of orbit.yaml to {target}\n"


def test_orbit_schema_says_where_it_wrote_the_case_file_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "case.schema.json"
    assert cli.main(["schema", "-o", str(target)]) == 0
    assert capsys.readouterr().out == f"Wrote the JSON Schema of case files to {target}\n"


def test_orbit_schema_names_the_choices_for_an_unknown_kind(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["schema", "cases"])
    assert capsys.readouterr().err == (
        "orbit: error: argument kind: invalid choice 'cases'; choose from case, project\n"
    )
