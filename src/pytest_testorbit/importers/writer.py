"""What every importer produces, and how it becomes files: case-file YAML and ``orbit.yaml``.

An importer returns an ``Imported``: case files (each one group, as plain mappings in the
key order a person reads them), the environments for ``orbit.yaml`` and the notes of what
could not be translated. This module dumps them with stable key order, quotes every template
(an unquoted ``{{`` would start a YAML mapping), and checks each file with the real loader
before anything is written, so an import never leaves a suite that fails to collect.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..cases.slugs import slugify
from ..errors import OrbitError, UsageError

PROJECT_FILE = "orbit.yaml"


@dataclass
class CaseFile:
    path: str  # relative to the output folder: "orders.orbit.yaml"
    group: dict[str, Any]  # name, title, ..., steps, in the order they are written
    comments: list[str] = field(default_factory=list)  # lines written above the group


@dataclass
class Imported:
    source: str  # what was imported, for the summary: "Postman collection Shop API"
    project: str
    files: list[CaseFile] = field(default_factory=list)
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was not translated, one per line

    @property
    def requests(self) -> int:
        return sum("request" in step for case in self.files for step in case.group["steps"])


class _Dumper(yaml.SafeDumper):
    """Block style, insertion order, templates in double quotes, long text as ``|`` blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # the same dict twice is written twice, never as &anchor / *alias


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:  # PyYAML falls back to quotes where a block cannot hold the text
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if "{{" in value or "{%" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


def _is_short_leaf(values: list[Any]) -> bool:
    """Few plain values, short enough to read on one line: ``[200, 201]``, ``{type: string}``."""
    scalars = all(v is None or isinstance(v, (str, int, float, bool)) for v in values)
    return scalars and len(values) <= 4 and sum(len(str(v)) + 4 for v in values) <= 60


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    flow = _is_short_leaf(value) and not any(isinstance(v, str) and "\n" in v for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _dict(dumper: yaml.SafeDumper, value: dict[Any, Any]) -> yaml.MappingNode:
    items = [*value.keys(), *value.values()]
    flow = (
        bool(value)
        and "use" not in value
        and _is_short_leaf(items)
        and not any(isinstance(v, str) and "\n" in v for v in items)
    )
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(list, _list)
_Dumper.add_representer(dict, _dict)


def to_yaml(data: Any) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096, indent=2
    )


def case_file_text(case: CaseFile) -> str:
    header = "".join(f"# {line}".rstrip() + "\n" for line in case.comments)
    return header + to_yaml(case.group)


def project_text(imported: Imported) -> str:
    data: dict[str, Any] = {"project": imported.project}
    if imported.environments:
        data["default_env"] = next(iter(imported.environments))
        data["environments"] = imported.environments
    return to_yaml(data)


def unique_step_names(steps: list[dict[str, Any]]) -> None:
    """Two steps whose names make the same id get "(2)", "(3)" ... (ids are unique per group)."""
    used: set[str] = set()
    for step in steps:
        base, number = step["name"], 2
        while slugify(step["name"]) in used:
            step["name"] = f"{base} ({number})"
            number += 1
        used.add(slugify(step["name"]))


def unique_file_names(files: list[CaseFile]) -> None:
    seen: set[str] = set()
    for case in files:
        stem, number = case.path.removesuffix(".orbit.yaml"), 2
        while case.path in seen:
            case.path = f"{stem}-{number}.orbit.yaml"
            number += 1
        seen.add(case.path)


def check_loads(texts: dict[str, str]) -> None:
    """Load each generated file with the real loader (and orbit.yaml with the project reader).

    A failure here is a bug of the importer, not of the input: say so rather than write it.
    """
    from ..cases.loader import CaseLoader
    from ..cases.project import load_project
    from ..expr.templating import Templates

    with tempfile.TemporaryDirectory(prefix="orbit-import-") as folder:
        root = Path(folder)
        for name, text in texts.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        loader = CaseLoader(Templates(), display=lambda path: path.name)
        for name in texts:
            try:
                if name == PROJECT_FILE:
                    load_project(root / name)
                else:
                    loader.load(root / name)
            except OrbitError as exc:
                first = str(exc).splitlines()[0]
                raise OrbitError(
                    f"the generated {name} does not load, which is a bug of orbit import "
                    f"(please report it with the input file): {first}"
                ) from None


def write_import(imported: Imported, output: Path, *, force: bool = False) -> list[str]:
    """Check, then write every file into ``output``; the summary lines to print."""
    unique_file_names(imported.files)
    texts = {case.path: case_file_text(case) for case in imported.files}
    project_file = output / PROJECT_FILE
    write_project = bool(imported.environments) and not project_file.exists()
    if write_project:
        texts[PROJECT_FILE] = project_text(imported)
    check_loads(texts)
    existing = [name for name in texts if (output / name).exists()]
    if existing and not force:
        raise UsageError(
            f"{output / existing[0]} exists; import into another folder with -o DIR, "
            "or pass --force to overwrite it"
        )
    output.mkdir(parents=True, exist_ok=True)
    summary = [
        f"Imported {imported.source}: {len(imported.files)} case file(s), "
        f"{imported.requests} request(s) into {output}"
    ]
    for name, text in texts.items():
        (output / name).write_text(text, encoding="utf-8")
        summary.append(f"  wrote {output / name}")
    if imported.environments and not write_project:
        summary.append(f"  {project_file} exists and was left alone; its environments could be:")
        summary.extend("    " + line for line in to_yaml(imported.environments).splitlines())
    if imported.notes:
        summary.append(f"To look at ({len(imported.notes)}):")
        summary.extend(f"  - {note}" for note in imported.notes)
    return summary


_NAME_IN_TEMPLATE = re.compile(r"\{\{\s*([^\W\d]\w*)")


def names_used(value: Any) -> set[str]:
    if isinstance(value, str):
        return set(_NAME_IN_TEMPLATE.findall(value))
    if isinstance(value, dict):
        return set().union(*(names_used(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(names_used(v) for v in value)) if value else set()
    return set()


def use_earlier_files(files: list[CaseFile]) -> list[str]:
    """A group that needs a variable an earlier file extracts runs that file first (``use:``).

    Postman and browsers carry a token from one folder to the next; our groups never share
    variables, so the later group says where its token comes from. Notes for the summary.
    """
    notes: list[str] = []
    extracted_by: dict[str, CaseFile] = {}
    for case in files:
        needed: list[CaseFile] = []
        own: set[str] = set()
        for step in case.group["steps"]:
            for name in sorted(names_used(step.get("request", {})) - own):
                source = extracted_by.get(name)
                if source is not None and source not in needed:
                    needed.append(source)
                    notes.append(f"{case.path} uses {source.path} first: it needs {name!r}")
            own |= set(step.get("extract", {}))
        uses = [{"use": source.path} for source in needed]
        case.group["steps"] = [*uses, *case.group["steps"]]
        for name in own:
            extracted_by.setdefault(name, case)
    return notes
