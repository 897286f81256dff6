"""Case files → the case model, with every check done here, at collection.

A malformed file is one ``CaseFileError`` naming the file, the line, the key path, what is
wrong, and the fix ("did you mean", the valid choices). Nothing is sent before all of this
has passed. Templates are compiled and JSONPaths parsed once, here, never per request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import CaseFileError, did_you_mean
from ..expr.templating import Templates
from .expect import ExpectReader
from .keys import GROUP_KEYS, ON_FAILURE, PARAMETRIZE_KEYS, STEP_KEYS
from .model import (
    Group,
    Step,
    Use,
    Value,
)
from .paths import resolve_inside
from .project_path import CASE_SUFFIXES
from .reader import Keys, _kind
from .request import RequestReader
from .slugs import FORBIDDEN, is_valid_id, slugify
from .yamlsrc import line_of, load_documents


def group_id_from_path(path: Path) -> str:
    name = path.name
    for suffix in CASE_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return slugify(name)


def read_case_text(path: Path, display: str) -> str:
    """The file's text; a file that cannot be read or is not UTF-8 is a ``CaseFileError``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CaseFileError(
            f"cannot read the case file: {exc.strerror or exc}", path=display
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CaseFileError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "case files are UTF-8",
            path=display,
            line=line,
        ) from None


class CaseLoader:
    """Loads case files for one session; files pulled in by ``use:`` are read once."""

    def __init__(
        self,
        templates: Templates,
        display: Callable[[Path], str] = str,
        roots: Sequence[Path] = (),
    ) -> None:
        self.templates = templates
        self.display = display  # how error messages name a file (pytest: rootdir-relative)
        # The folders that files:, schema: and use: may name (cases/paths.py); none: any
        self.roots = tuple(dict.fromkeys(root.resolve() for root in roots))
        self._used: dict[Path, list[Step]] = {}
        self._specs: dict[Path, Any] = {}

    def openapi_spec(self, path: Path) -> Any:
        """An OpenAPI description for ``expect.openapi``, read (and validated) once."""
        if path not in self._specs:
            from ..openapi.spec import load_spec

            self._specs[path] = load_spec(path)
        return self._specs[path]

    def load(self, path: Path) -> list[Group]:
        return _FileReader(self, path.resolve(), display=self.display(path)).groups()

    def used_steps(self, path: Path, chain: tuple[Path, ...], error: Any) -> list[Step]:
        if path in chain:
            cycle = " → ".join(p.name for p in (*chain[chain.index(path) :], path))
            raise error(f"use: makes a cycle: {cycle}")
        if path not in self._used:
            if not path.is_file():
                raise error(f"use: {path} does not exist")
            try:
                text = read_case_text(path, self.display(path))
            except CaseFileError as exc:  # named at the use: line, which is what to edit
                raise error(f"use: {exc}") from None
            reader = _FileReader(self, path, display=self.display(path), chain=chain)
            groups = reader.groups(text)
            if len(groups) != 1:
                raise error(f"use: {path.name} must hold exactly one group, it holds {len(groups)}")
            self._used[path] = groups[0].steps
        return self._used[path]


class _FileReader(RequestReader, ExpectReader):
    def groups(self, text: str | None = None) -> list[Group]:
        self.text = read_case_text(self.path, self.display) if text is None else text
        groups: list[Group] = []
        seen: dict[str, int] = {}
        for data, line in load_documents(self.text, self.display):
            if not isinstance(data, dict):
                raise CaseFileError(
                    f"a case group must be a mapping with 'steps:', not {_kind(data)}",
                    path=self.display,
                    line=line,
                    snippet=self.text.splitlines()[line - 1] if self.text else None,
                )
            group = self.group(data, line)
            if group.id in seen:
                raise self.error(
                    f"two groups in one file are named '{group.id}' "
                    f"(the other is on line {seen[group.id]})",
                    data,
                    "name",
                    ("name",),
                )
            seen[group.id] = line
            groups.append(group)
        return groups

    def group(self, data: dict[Any, Any], line: int) -> Group:
        self.check_keys(data, GROUP_KEYS, (), "a case group")
        if "name" in data:
            group_id = self.identifier(data["name"], data, "name", ("name",), slug=True)
        else:
            group_id = group_id_from_path(self.path)
        group = Group(id=group_id, path=self.path, line=line)
        self.free_text(data, "title", ())
        self.free_text(data, "description", ())
        group.title = str(data.get("title") or "")
        group.owners = self.string_list(data, "owners")
        group.tags = self.string_list(data, "tags")
        for tag in group.tags:
            if not tag.isidentifier():
                raise self.error(
                    f"tag {tag!r} must be a name usable as a pytest mark (letters, digits, _)",
                    data,
                    "tags",
                    ("tags",),
                )
        if "parallel" in data:
            if not isinstance(data["parallel"], bool):
                raise self.error("parallel must be true or false", data, "parallel", ("parallel",))
            group.parallel = data["parallel"]
        group.on_failure = self.choice(
            data, "on_failure", ON_FAILURE, ("on_failure",), default="stop"
        )
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
            raise self.error(
                f"{key} {text!r} may not contain '::' (it separates pytest node ids)",
                parent,
                key,
                keys,
                suggestion=slugify(text),
            )
        if slug:
            return slugify(text) or text
        if not is_valid_id(text):
            bad = " ".join(repr(token) for token in FORBIDDEN if token in text)
            raise self.error(
                f"id {text!r} may hold only letters, digits, '_' and '-' "
                f"(not {bad or 'those characters'})",
                parent,
                key,
                keys,
                suggestion=slugify(text),
            )
        return text

    def free_text(self, data: dict[Any, Any], key: str, keys: Keys) -> None:
        """``title:`` and ``description:`` are text: a number reads as one, a list does not."""
        if isinstance(data.get(key), (dict, list)):
            raise self.error(f"{key} is text, not {_kind(data[key])}", data, key, (*keys, key))

    def string_list(self, data: dict[Any, Any], key: str) -> list[str]:
        raw = data.get(key)
        if raw is None:
            return []
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise self.error(f"{key} must be a list of strings", data, key, (key,))
        return list(raw)

    def choice(
        self, data: dict[Any, Any], key: str, choices: tuple[str, ...], keys: Keys, *, default: str
    ) -> str:
        raw = data.get(key, default)
        if raw not in choices:
            raise self.error(
                f"{key} must be one of {', '.join(choices)}, not {raw!r}",
                data,
                key,
                keys,
                suggestion=did_you_mean(str(raw), choices),
                choices=choices,
            )
        return str(raw)

    def variables(self, data: Any, key: str, keys: Keys) -> dict[str, Value]:
        raw = data.get(key)
        if raw is None:
            return {}
        raw = self.mapping(raw, data, key, keys, key)
        result = {}
        for name, item in raw.items():
            if not isinstance(name, str) or not name.isidentifier():
                raise self.error(
                    f"variable name {name!r} must be a name (letters, digits, _)",
                    raw,
                    name,
                    (*keys, name),
                )
            result[name] = self.value(item, raw, name, (*keys, name))
        return result

    def parametrize(self, data: dict[Any, Any]) -> list[tuple[str, dict[str, Value]]]:
        raw = data["parametrize"]
        keys: Keys = ("parametrize",)
        ids: list[str] | None = None
        container: Any = data
        if isinstance(raw, dict):
            self.check_keys(raw, PARAMETRIZE_KEYS, keys, "parametrize")
            if "rows" not in raw:
                raise self.error(
                    "parametrize as a mapping needs 'rows:' (and optional 'ids:')",
                    data,
                    "parametrize",
                    keys,
                )
            ids_raw = raw.get("ids")
            if ids_raw is not None:
                if not isinstance(ids_raw, list):
                    raise self.error("parametrize.ids must be a list", raw, "ids", (*keys, "ids"))
                ids = [
                    self.identifier(i, ids_raw, n, (*keys, "ids", n), slug=False)
                    for n, i in enumerate(ids_raw)
                ]
            container, raw, keys = raw, raw["rows"], (*keys, "rows")
        if not isinstance(raw, list) or not raw:
            raise self.error(
                "parametrize must be a non-empty list of rows (mappings of variables)",
                container,
                keys[-1],
                keys,
            )
        if ids is not None and len(ids) != len(raw):
            raise self.error(
                f"parametrize has {len(raw)} rows but {len(ids)} ids", container, "ids", keys
            )
        if ids is not None and len(set(ids)) != len(ids):
            raise self.error("parametrize ids must be unique", container, "ids", keys)
        instances = []
        for index, row in enumerate(raw):
            if not isinstance(row, dict):
                raise self.error(
                    f"parametrize row {index} must be a mapping of variables, not {_kind(row)}",
                    raw,
                    index,
                    (*keys, index),
                )
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
            step = self.step(
                self.mapping(item, raw, index, (*keys, index), "a step"), (*keys, index)
            )
            if step.id in seen:
                raise self.error(
                    f"duplicate step id '{step.id}' (also on line {seen[step.id]}); "
                    "give one an explicit 'id:'",
                    item,
                    "id" if "id" in item else "name",
                    (*keys, index),
                )
            seen[step.id] = step.line
            steps.append(step)
        return steps

    def step(self, data: dict[Any, Any], keys: Keys) -> Step:
        self.check_keys(data, STEP_KEYS, keys, "a step")
        if "id" in data:
            step_id = self.identifier(data["id"], data, "id", (*keys, "id"), slug=False)
        elif "name" in data:
            step_id = self.identifier(data["name"], data, "name", (*keys, "name"), slug=True)
        elif "use" in data:
            step_id = slugify(Path(str(data["use"])).name.split(".")[0])
        else:
            raise self.error("a step needs a 'name:' (or an 'id:')", data, None, keys)
        self.free_text(data, "description", keys)
        step = Step(id=step_id, name=str(data.get("name", step_id)), line=line_of(data, None))
        has_request, has_use = "request" in data, "use" in data
        if has_request == has_use:
            problem = "both 'request:' and 'use:'" if has_request else "no 'request:'"
            raise self.error(
                f"step '{step.name}' has {problem}: a step has a request, or uses another file",
                data,
                "use" if has_use else None,
                keys,
            )
        if has_use:
            step.use = self.use(data, keys)
            for key in ("expect", "extract", "retry"):
                if key in data:
                    raise self.error(
                        f"a 'use:' step cannot have '{key}:' (put it on the used steps)",
                        data,
                        key,
                        (*keys, key),
                    )
        else:
            if "with" in data:
                raise self.error("'with:' goes with 'use:'", data, "with", (*keys, "with"))
            step.request = self.request(
                self.mapping(data["request"], data, "request", (*keys, "request"), "request"),
                (*keys, "request"),
            )
            if "expect" in data:
                step.expect = self.expect(
                    self.mapping(data["expect"], data, "expect", (*keys, "expect"), "expect"),
                    (*keys, "expect"),
                )
            if "extract" in data:
                step.extract = self.extract(
                    self.mapping(data["extract"], data, "extract", (*keys, "extract"), "extract"),
                    (*keys, "extract"),
                )
            if "retry" in data:
                step.retry = self.retry(
                    self.mapping(data["retry"], data, "retry", (*keys, "retry"), "retry"),
                    (*keys, "retry"),
                )
        if "skip_if" in data:
            source = data["skip_if"]
            if not isinstance(source, bool) and not (isinstance(source, str) and "{{" in source):
                raise self.error(
                    "skip_if must be a template such as \"{{ env_name == 'prod' }}\"",
                    data,
                    "skip_if",
                    (*keys, "skip_if"),
                )
            step.skip_if = self.value(source, data, "skip_if", (*keys, "skip_if"))
            step.skip_if_source = str(source)
        return step

    def use(self, data: dict[Any, Any], keys: Keys) -> Use:
        raw = data["use"]
        if not isinstance(raw, str) or not raw.strip():
            raise self.error(
                "use must be the path of another case file", data, "use", (*keys, "use")
            )
        try:
            target = resolve_inside(self.path.parent, raw, self.loader.roots)
        except ValueError as exc:
            raise self.error(f"use: {exc}", data, "use", (*keys, "use")) from None

        def error(message: str) -> CaseFileError:
            return self.error(message, data, "use", (*keys, "use"))

        steps = self.loader.used_steps(target, self.chain, error)
        variables = self.variables(data, "with", (*keys, "with"))
        return Use(
            path=target, variables=variables, steps=steps, display=self.loader.display(target)
        )
