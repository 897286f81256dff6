"""Case files → the case model, with every check done here, at collection.

A malformed file is one ``CaseFileError`` naming the file, the line, the key path, what is
wrong, and the fix ("did you mean", the valid choices). Nothing is sent before all of this
has passed. Templates are compiled and JSONPaths parsed once, here, never per request.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError

from . import matchers
from .errors import CaseFileError, did_you_mean
from .jsonpaths import TemplatedPath, compile_path
from .project import CASE_SUFFIXES
from .model import Expect, Extraction, Group, PathCheck, RequestSpec, Retry, Step, Use, Value, ValueCheck
from .slugs import FORBIDDEN, is_valid_id, slugify
from .templating import Templates
from .yamlsrc import LineDict, load_documents, plain

GROUP_KEYS = ("name", "title", "description", "owners", "tags", "parallel", "variables",
              "parametrize", "on_failure", "steps")
STEP_KEYS = ("name", "id", "description", "request", "expect", "extract", "retry", "skip_if",
             "use", "with")
REQUEST_KEYS = ("method", "url", "params", "headers", "cookies", "json", "data", "files",
                "auth", "timeout", "allow_redirects", "verify")
EXPECT_KEYS = ("status", "headers", "json", "body", "schema", "max_ms")
EXTRACT_KINDS = ("json", "header", "cookie", "regex", "status")
RETRY_KEYS = ("times", "delay", "until")
FILE_KEYS = ("path", "filename", "content_type")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
ON_FAILURE = ("stop", "continue")

Keys = tuple[Any, ...]


def group_id_from_path(path: Path) -> str:
    name = path.name
    for suffix in CASE_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return slugify(name)


class CaseLoader:
    """Loads case files for one session; files pulled in by ``use:`` are read once."""

    def __init__(self, templates: Templates, display: Callable[[Path], str] = str) -> None:
        self.templates = templates
        self.display = display  # how error messages name a file (pytest: rootdir-relative)
        self._used: dict[Path, list[Step]] = {}

    def load(self, path: Path) -> list[Group]:
        return _FileReader(self, path.resolve(), display=self.display(path)).groups()

    def used_steps(self, path: Path, chain: tuple[Path, ...], error: Any) -> list[Step]:
        if path in chain:
            cycle = " → ".join(p.name for p in (*chain[chain.index(path):], path))
            raise error(f"use: makes a cycle: {cycle}")
        if path not in self._used:
            if not path.is_file():
                raise error(f"use: {path} does not exist")
            reader = _FileReader(self, path, display=self.display(path), chain=chain)
            groups = reader.groups()
            if len(groups) != 1:
                raise error(f"use: {path.name} must hold exactly one group, it holds {len(groups)}")
            self._used[path] = groups[0].steps
        return self._used[path]


class _FileReader:
    def __init__(self, loader: CaseLoader, path: Path, *, display: str, chain: tuple[Path, ...] = ()) -> None:
        self.loader = loader
        self.templates = loader.templates
        self.path = path
        self.display = display
        self.chain = (*chain, path)
        self.text = ""

    # -- errors ----------------------------------------------------------------------------

    def error(self, message: str, container: Any, key: Any, keys: Keys, **extra: Any) -> CaseFileError:
        line = container.line_of(key) if hasattr(container, "line_of") else None
        lines = self.text.splitlines()
        snippet = lines[line - 1] if line and line <= len(lines) else None
        return CaseFileError(message, path=self.display, line=line, key_path=keys, snippet=snippet, **extra)

    def check_keys(self, data: LineDict, allowed: tuple[str, ...], keys: Keys, what: str) -> None:
        for key in data:
            if key not in allowed:
                raise self.error(
                    f"unknown key '{key}' in {what}",
                    data, key, (*keys, key),
                    suggestion=did_you_mean(str(key), allowed),
                    choices=allowed,
                )

    def mapping(self, data: Any, parent: Any, key: Any, keys: Keys, what: str) -> LineDict:
        if not isinstance(data, dict):
            raise self.error(f"{what} must be a mapping, not {_kind(data)}", parent, key, keys)
        return data  # type: ignore[return-value]  # our loader makes LineDicts

    def value(self, raw: Any, parent: Any, key: Any, keys: Keys) -> Value:
        try:
            raw = plain(raw)
            return Value(raw, self.templates.compile_value(raw))
        except TemplateSyntaxError as exc:
            raise self.error(f"template syntax error: {exc.message}", parent, key, keys) from None

    # -- file and group --------------------------------------------------------------------

    def groups(self) -> list[Group]:
        try:
            self.text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CaseFileError(f"cannot read the case file: {exc}", path=self.display) from None
        groups: list[Group] = []
        seen: dict[str, int] = {}
        for data, line in load_documents(self.text, self.display):
            if not isinstance(data, dict):
                raise CaseFileError(
                    f"a case group must be a mapping with 'steps:', not {_kind(data)}",
                    path=self.display, line=line,
                    snippet=self.text.splitlines()[line - 1] if self.text else None,
                )
            group = self.group(data, line)
            if group.id in seen:
                raise self.error(
                    f"two groups in one file are named '{group.id}' (the other is on line {seen[group.id]})",
                    data, "name", ("name",),
                )
            seen[group.id] = line
            groups.append(group)
        return groups

    def group(self, data: LineDict, line: int) -> Group:
        self.check_keys(data, GROUP_KEYS, (), "a case group")
        if "name" in data:
            group_id = self.identifier(data["name"], data, "name", ("name",), slug=True)
        else:
            group_id = group_id_from_path(self.path)
        group = Group(id=group_id, path=self.path, line=line)
        group.title = str(data.get("title") or "")
        group.owners = self.string_list(data, "owners")
        group.tags = self.string_list(data, "tags")
        for tag in group.tags:
            if not tag.isidentifier():
                raise self.error(f"tag {tag!r} must be a name usable as a pytest mark (letters, digits, _)", data, "tags", ("tags",))
        if "parallel" in data:
            if not isinstance(data["parallel"], bool):
                raise self.error("parallel must be true or false", data, "parallel", ("parallel",))
            group.parallel = data["parallel"]
        group.on_failure = self.choice(data, "on_failure", ON_FAILURE, ("on_failure",), default="stop")
        group.variables = self.variables(data, "variables", ("variables",))
        if "parametrize" in data:
            group.instances = self.parametrize(data)
        if "steps" not in data:
            raise self.error("a case group needs 'steps:', a list of steps", data, None, ("steps",))
        group.steps = self.steps(data["steps"], data, ("steps",))
        return group

    def identifier(self, raw: Any, parent: Any, key: Any, keys: Keys, *, slug: bool) -> str:
        if not isinstance(raw, (str, int)) or isinstance(raw, bool) or str(raw).strip() == "":
            raise self.error(f"{key} must be a non-empty string", parent, key, keys)
        text = str(raw)
        if "::" in text:
            raise self.error(f"{key} {text!r} may not contain '::' (it separates pytest node ids)", parent, key, keys,
                             suggestion=slugify(text))
        if slug:
            return slugify(text) or text
        if not is_valid_id(text):
            bad = [token for token in FORBIDDEN if token in text]
            raise self.error(
                f"id {text!r} may hold only letters, digits, '_' and '-' (not {' '.join(repr(b) for b in bad) or 'those characters'})",
                parent, key, keys, suggestion=slugify(text),
            )
        return text

    def string_list(self, data: LineDict, key: str) -> list[str]:
        raw = data.get(key)
        if raw is None:
            return []
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise self.error(f"{key} must be a list of strings", data, key, (key,))
        return list(raw)

    def choice(self, data: LineDict, key: str, choices: tuple[str, ...], keys: Keys, *, default: str) -> str:
        raw = data.get(key, default)
        if raw not in choices:
            raise self.error(f"{key} must be one of {', '.join(choices)}, not {raw!r}", data, key, keys,
                             suggestion=did_you_mean(str(raw), choices), choices=choices)
        return str(raw)

    def variables(self, data: Any, key: str, keys: Keys) -> dict[str, Value]:
        raw = data.get(key)
        if raw is None:
            return {}
        raw = self.mapping(raw, data, key, keys, key)
        result = {}
        for name, item in raw.items():
            if not isinstance(name, str) or not name.isidentifier():
                raise self.error(f"variable name {name!r} must be a name (letters, digits, _)", raw, name, (*keys, name))
            result[name] = self.value(item, raw, name, (*keys, name))
        return result

    def parametrize(self, data: LineDict) -> list[tuple[str, dict[str, Value]]]:
        raw = data["parametrize"]
        keys: Keys = ("parametrize",)
        ids: list[str] | None = None
        container: Any = data
        if isinstance(raw, dict):
            self.check_keys(raw, ("ids", "rows"), keys, "parametrize")
            if "rows" not in raw:
                raise self.error("parametrize as a mapping needs 'rows:' (and optional 'ids:')", data, "parametrize", keys)
            ids_raw = raw.get("ids")
            if ids_raw is not None:
                if not isinstance(ids_raw, list):
                    raise self.error("parametrize.ids must be a list", raw, "ids", (*keys, "ids"))
                ids = [self.identifier(i, ids_raw, n, (*keys, "ids", n), slug=False) for n, i in enumerate(ids_raw)]
            container, raw, keys = raw, raw["rows"], (*keys, "rows")
        if not isinstance(raw, list) or not raw:
            raise self.error("parametrize must be a non-empty list of rows (mappings of variables)", container, keys[-1], keys)
        if ids is not None and len(ids) != len(raw):
            raise self.error(f"parametrize has {len(raw)} rows but {len(ids)} ids", container, "ids", keys)
        if ids is not None and len(set(ids)) != len(ids):
            raise self.error("parametrize ids must be unique", container, "ids", keys)
        instances = []
        for index, row in enumerate(raw):
            if not isinstance(row, dict):
                raise self.error(f"parametrize row {index} must be a mapping of variables, not {_kind(row)}", raw, index, (*keys, index))
            variables = self.variables({"row": row}, "row", (*keys, index))
            instances.append((ids[index] if ids else str(index), variables))
        return instances

    # -- steps -----------------------------------------------------------------------------

    def steps(self, raw: Any, parent: Any, keys: Keys) -> list[Step]:
        if not isinstance(raw, list) or not raw:
            raise self.error("steps must be a non-empty list of steps", parent, keys[-1], keys)
        steps: list[Step] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(raw):
            step = self.step(self.mapping(item, raw, index, (*keys, index), "a step"), (*keys, index))
            if step.id in seen:
                raise self.error(
                    f"duplicate step id '{step.id}' (also on line {seen[step.id]}); give one an explicit 'id:'",
                    item, "id" if "id" in item else "name", (*keys, index),
                )
            seen[step.id] = step.line
            steps.append(step)
        return steps

    def step(self, data: LineDict, keys: Keys) -> Step:
        self.check_keys(data, STEP_KEYS, keys, "a step")
        if "id" in data:
            step_id = self.identifier(data["id"], data, "id", (*keys, "id"), slug=False)
        elif "name" in data:
            step_id = self.identifier(data["name"], data, "name", (*keys, "name"), slug=True)
        elif "use" in data:
            step_id = slugify(Path(str(data["use"])).name.split(".")[0])
        else:
            raise self.error("a step needs a 'name:' (or an 'id:')", data, None, keys)
        step = Step(id=step_id, name=str(data.get("name", step_id)), line=data.line)
        has_request, has_use = "request" in data, "use" in data
        if has_request == has_use:
            problem = "both 'request:' and 'use:'" if has_request else "no 'request:'"
            raise self.error(f"step '{step.name}' has {problem}: a step has a request, or uses another file",
                             data, "use" if has_use else None, keys)
        if has_use:
            step.use = self.use(data, keys)
            for key in ("expect", "extract", "retry"):
                if key in data:
                    raise self.error(f"a 'use:' step cannot have '{key}:' (put it on the used steps)", data, key, (*keys, key))
        else:
            if "with" in data:
                raise self.error("'with:' goes with 'use:'", data, "with", (*keys, "with"))
            step.request = self.request(self.mapping(data["request"], data, "request", (*keys, "request"), "request"), (*keys, "request"))
            if "expect" in data:
                step.expect = self.expect(self.mapping(data["expect"], data, "expect", (*keys, "expect"), "expect"), (*keys, "expect"))
            if "extract" in data:
                step.extract = self.extract(self.mapping(data["extract"], data, "extract", (*keys, "extract"), "extract"), (*keys, "extract"))
            if "retry" in data:
                step.retry = self.retry(self.mapping(data["retry"], data, "retry", (*keys, "retry"), "retry"), (*keys, "retry"))
        if "skip_if" in data:
            source = data["skip_if"]
            if not isinstance(source, bool) and not (isinstance(source, str) and "{{" in source):
                raise self.error("skip_if must be a template such as \"{{ env_name == 'prod' }}\"", data, "skip_if", (*keys, "skip_if"))
            step.skip_if = self.value(source, data, "skip_if", (*keys, "skip_if"))
            step.skip_if_source = str(source)
        return step

    def use(self, data: LineDict, keys: Keys) -> Use:
        raw = data["use"]
        if not isinstance(raw, str) or not raw.strip():
            raise self.error("use must be the path of another case file", data, "use", (*keys, "use"))
        target = (self.path.parent / raw).resolve()

        def error(message: str) -> CaseFileError:
            return self.error(message, data, "use", (*keys, "use"))

        steps = self.loader.used_steps(target, self.chain, error)
        variables = self.variables(data, "with", (*keys, "with"))
        return Use(path=target, variables=variables, steps=steps, display=self.loader.display(target))

    def request(self, data: LineDict, keys: Keys) -> RequestSpec:
        self.check_keys(data, REQUEST_KEYS, keys, "request")
        for required in ("method", "url"):
            if required not in data:
                raise self.error(f"request needs '{required}:'", data, None, (*keys, required))
        method = data["method"]
        if not isinstance(method, str) or (method.upper() not in METHODS and "{{" not in method):
            raise self.error(f"unknown HTTP method {method!r}", data, "method", (*keys, "method"),
                             suggestion=did_you_mean(str(method).upper(), METHODS), choices=METHODS)
        if not isinstance(data["url"], str):
            raise self.error("url must be a string", data, "url", (*keys, "url"))
        options = {}
        for key in data:
            if key in ("method", "url"):
                continue
            options[key] = self.request_option(key, data, (*keys, key))
        return RequestSpec(
            method=self.value(method.upper() if "{{" not in method else method, data, "method", (*keys, "method")),
            url=self.value(data["url"], data, "url", (*keys, "url")),
            options=options,
        )

    def request_option(self, key: str, data: LineDict, keys: Keys) -> Value:
        raw = data[key]
        templated = isinstance(raw, str) and "{{" in raw
        if key in ("params", "headers", "cookies") and not (isinstance(raw, dict) or templated):
            raise self.error(f"request.{key} must be a mapping of names to values", data, key, keys)
        if key == "timeout" and not templated and (isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw <= 0):
            raise self.error(f"timeout must be a positive number of seconds, not {raw!r}", data, key, keys)
        if key == "allow_redirects" and not isinstance(raw, bool) and not templated:
            raise self.error(f"{key} must be true or false", data, key, keys)
        if key == "verify" and not isinstance(raw, (bool, str)):
            raise self.error("verify must be true, false or the path of a CA bundle", data, key, keys)
        if key == "auth":
            raw = self.auth(raw, data, keys)
        if key == "files":
            raw = self.files(raw, data, keys)
        return self.value(raw, data, key, keys)

    def auth(self, raw: Any, data: LineDict, keys: Keys) -> Any:
        if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in ("basic", "bearer"):
            raise self.error("auth must be {basic: [user, password]} or {bearer: TOKEN}", data, "auth", keys,
                             choices=("basic", "bearer"))
        if "basic" in raw and not (isinstance(raw["basic"], list) and len(raw["basic"]) == 2):
            raise self.error("auth.basic must be a list of two: [user, password]", raw, "basic", (*keys, "basic"))
        return raw

    def files(self, raw: Any, data: LineDict, keys: Keys) -> Any:
        if not isinstance(raw, dict):
            raise self.error("files must map form field names to file paths", data, "files", keys)
        resolved = {}
        for field_name, spec in raw.items():
            path_text = spec.get("path") if isinstance(spec, dict) else spec
            if not isinstance(path_text, str):
                raise self.error("a file is a path, or {path: P, content_type: T, filename: N}", raw, field_name, (*keys, field_name))
            path = (self.path.parent / path_text).resolve() if "{{" not in path_text else path_text
            if isinstance(path, Path) and not path.is_file():
                raise self.error(f"file {path_text!r} does not exist (paths are relative to the case file)", raw, field_name, (*keys, field_name))
            entry = dict(spec) if isinstance(spec, dict) else {}
            unknown = [key for key in entry if key not in FILE_KEYS]
            if unknown:
                raise self.error(f"unknown key '{unknown[0]}' in a file", spec, unknown[0], (*keys, field_name, unknown[0]),
                                 suggestion=did_you_mean(str(unknown[0]), FILE_KEYS), choices=FILE_KEYS)
            entry["path"] = str(path)
            entry["base"] = str(self.path.parent)  # templated paths resolve against it when sent
            resolved[field_name] = entry
        return resolved

    # -- expect, extract, retry ------------------------------------------------------------

    def expect(self, data: LineDict, keys: Keys) -> Expect:
        self.check_keys(data, EXPECT_KEYS, keys, "expect")
        expect = Expect()
        if "status" in data:
            expect.status = self.status(data, (*keys, "status"))
        if "headers" in data:
            headers = self.mapping(data["headers"], data, "headers", (*keys, "headers"), "expect.headers")
            for name, expected in headers.items():
                if isinstance(expected, list):
                    raise self.error(f"header {name} is one text value or a matcher, not a list; "
                                     "use {one_of: [...]} for several", headers, name, (*keys, "headers", name))
                if not isinstance(expected, (dict, str)) and expected is not None:
                    expected = str(expected).lower() if isinstance(expected, bool) else str(expected)
                check = self.check(f"header {name}", expected, headers, name, (*keys, "headers", name))
                expect.headers.append((str(name), check))
        if "json" in data:
            paths = self.mapping(data["json"], data, "json", (*keys, "json"), "expect.json")
            for source, expected in paths.items():
                path = self.jsonpath(source, paths, source, (*keys, "json", source))
                expect.json.append(PathCheck(path, self.check(str(source), expected, paths, source, (*keys, "json", source))))
        if "body" in data:
            if not isinstance(data["body"], (str, dict)):
                raise self.error("body is the expected text, or a matcher such as {contains: ...}",
                                 data, "body", (*keys, "body"))
            expect.body = self.check("body", data["body"], data, "body", (*keys, "body"))
        if "schema" in data:
            expect.schema, expect.schema_source = self.schema(data, (*keys, "schema"))
        if "max_ms" in data:
            limit = data["max_ms"]
            if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit <= 0:
                raise self.error(f"max_ms must be a positive number of milliseconds, not {limit!r}", data, "max_ms", (*keys, "max_ms"))
            expect.max_ms = float(limit)
        return expect

    def status(self, data: LineDict, keys: Keys) -> list[int]:
        raw = data["status"]
        codes = raw if isinstance(raw, list) else [raw]
        if not codes:
            raise self.error("status must be a status code or a non-empty list of them", data, "status", keys)
        for code in codes:
            if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 599:
                raise self.error(f"status must be an HTTP status code (100-599) or a list of them, not {code!r}",
                                 data, "status", keys)
        return list(codes)

    def check(self, label: str, expected: Any, parent: Any, key: Any, keys: Keys) -> ValueCheck:
        if isinstance(expected, dict):
            if not expected:
                raise self.error("an empty matcher checks nothing; write {eq: {}} to compare with an empty object",
                                 parent, key, keys)
            problem = matchers.validate_matcher(expected)
            if problem:
                bad_key, message, _ = problem
                suggestion = did_you_mean(bad_key, matchers.NAMES) if message.startswith("unknown matcher") else None
                raise self.error(message, expected, bad_key, (*keys, bad_key), suggestion=suggestion,
                                 choices=matchers.NAMES if suggestion is not None or message.startswith("unknown matcher") else ())
        return ValueCheck(label, self.value(expected, parent, key, keys))

    def jsonpath(self, source: Any, parent: Any, key: Any, keys: Keys) -> Any:
        if not isinstance(source, str) or not source.startswith("$"):
            raise self.error(f"{source!r} is not a JSONPath: it starts with '$', as in $.data.id", parent, key, keys)
        try:
            if "{{" in source:
                render = self.value(source, parent, key, keys).render
                assert render is not None
                return TemplatedPath(source, render)
            return compile_path(source)
        except ValueError as exc:
            raise self.error(f"invalid JSONPath {source!r}: {exc}", parent, key, keys) from None

    def schema(self, data: LineDict, keys: Keys) -> tuple[dict[str, Any], str | None]:
        raw = data["schema"]
        if isinstance(raw, dict):
            return dict(raw), None
        if not isinstance(raw, str):
            raise self.error("schema is a JSON Schema mapping, or the path of a .json/.yaml file", data, "schema", keys)
        path = (self.path.parent / raw).resolve()
        if not path.is_file():
            raise self.error(f"schema file {raw!r} does not exist (paths are relative to the case file)", data, "schema", keys)
        documents = load_documents(path.read_text(encoding="utf-8"), str(path))  # JSON is YAML
        if not documents or not isinstance(documents[0][0], dict):
            raise self.error(f"schema file {raw!r} does not hold a JSON Schema object", data, "schema", keys)
        return documents[0][0], raw

    def extract(self, data: LineDict, keys: Keys) -> list[Extraction]:
        extractions = []
        for variable, spec in data.items():
            where = (*keys, variable)
            if not isinstance(variable, str) or not variable.isidentifier():
                raise self.error(f"extract variable {variable!r} must be a name (letters, digits, _)", data, variable, where)
            if isinstance(spec, str):
                extractions.append(Extraction(variable, "json", self.jsonpath(spec, data, variable, where), spec))
                continue
            if not isinstance(spec, dict) or len(spec) != 1:
                raise self.error("extract takes a JSONPath, or one of {header: NAME}, {cookie: NAME}, {regex: PATTERN}, {status: true}",
                                 data, variable, where, choices=EXTRACT_KINDS)
            kind, argument = next(iter(spec.items()))
            if kind not in EXTRACT_KINDS:
                raise self.error(f"unknown extract kind '{kind}'", spec, kind, (*where, kind),
                                 suggestion=did_you_mean(str(kind), EXTRACT_KINDS), choices=EXTRACT_KINDS)
            if kind == "json":
                argument = self.jsonpath(argument, spec, kind, (*where, kind))
            elif kind == "regex":
                problem = matchers.validate_matcher({"regex": argument})
                if problem:
                    raise self.error(problem[1], spec, kind, (*where, kind))
            elif kind == "status":
                if argument is not True:
                    raise self.error("extract {status: true} takes true", spec, kind, (*where, kind))
            elif not isinstance(argument, str) or not argument:
                raise self.error(f"extract {{{kind}: NAME}} takes a {kind} name", spec, kind, (*where, kind))
            extractions.append(Extraction(variable, kind, argument, f"{kind}: {argument if kind != 'json' else argument.source}"))
        return extractions

    def retry(self, data: LineDict, keys: Keys) -> Retry:
        self.check_keys(data, RETRY_KEYS, keys, "retry")
        times, delay = data.get("times", 3), data.get("delay", 0.5)
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise self.error(f"retry.times must be a whole number of tries, 1 or more, not {times!r}", data, "times", (*keys, "times"))
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
            raise self.error(f"retry.delay must be seconds, 0 or more, not {delay!r}", data, "delay", (*keys, "delay"))
        if "until" not in data:
            raise self.error("retry needs 'until:', an expect block the response must match", data, None, (*keys, "until"))
        until = self.expect(self.mapping(data["until"], data, "until", (*keys, "until"), "retry.until"), (*keys, "until"))
        return Retry(times=times, delay=float(delay), until=until)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"{type(value).__name__} {value!r}"
