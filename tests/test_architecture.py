"""ARCHITECTURE.md's import rules, checked: every import of the package, read from its source.

An AST walk over ``src/pytest_testorbit`` sees every import: at the top of a module, inside
functions (the lazy imports of SQLAlchemy and friends), and under ``TYPE_CHECKING``. Relative
imports are resolved to the module they name. The tables below are the rules of
ARCHITECTURE.md; when a layer's rules change, change both.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import pytest_testorbit

PACKAGE = "pytest_testorbit"
SOURCE = Path(pytest_testorbit.__file__).parent

# The bottom layer: plain vocabulary every layer may use.
BASE_MODULES = ("errors", "outcomes", "tables", "inputfiles", "__init__")
# Layer -> the other layers it may import (a layer may always import itself).
MAY_IMPORT: dict[str, tuple[str, ...]] = {
    "base": (),
    "expr": ("base",),
    "openapi": ("base",),
    "cases": ("base", "expr", "openapi"),
    "runner": ("base", "expr", "cases", "openapi"),
    "store": ("base",),
    "plugin": ("base", "expr", "cases", "runner", "store"),
    "report": ("base", "store", "coverage"),
    "notify": ("base",),
    "schedule": ("base", "expr", "cases", "store", "notify"),
    "importers": ("base", "expr", "cases", "openapi"),
    "coverage": ("base", "openapi", "store"),
    # orbit serve: the web service over the store, schedules and reports; only cli imports it.
    "server": ("base", "expr", "cases", "store", "schedule", "report"),
    "cli": (
        "base",
        "expr",
        "openapi",
        "cases",
        "runner",
        "store",
        "plugin",
        "report",
        "notify",
        "schedule",
        "importers",
        "coverage",
        "server",
    ),
}
# Within a layer that may import another, only these modules do (the rest go through them).
ONLY_THROUGH: dict[tuple[str, str], tuple[str, ...]] = {
    # The controller's results writer is the plugin's one door to the store.
    ("plugin", "store"): ("plugin/results.py",),
}
# Third-party packages a layer never imports.
NEVER_IMPORTS: dict[str, tuple[str, ...]] = {
    "base": ("pytest", "_pytest", "requests"),
    "expr": ("pytest", "_pytest", "requests"),
    "cases": ("pytest", "_pytest", "requests"),
    "runner": ("pytest", "_pytest"),
    "store": ("pytest", "_pytest", "requests"),
    "openapi": ("pytest", "_pytest", "requests"),
    "report": ("pytest", "_pytest", "requests"),
    "importers": ("pytest", "_pytest", "requests"),
    "coverage": ("pytest", "_pytest", "requests"),
    "notify": ("pytest", "_pytest", "requests"),  # but notify/webhooks.py: see ALSO_IN
    "schedule": ("_pytest",),
    "plugin": ("_pytest",),  # public pytest API only: _pytest's internals change without notice
    "server": ("pytest", "_pytest", "requests"),
    "cli": ("_pytest",),
}
# Third-party packages only these modules import.
ONLY_IN: dict[str, tuple[str, ...]] = {
    "jinja2": ("expr/templating.py", "report/html.py", "server/render.py"),
    "xdist": ("plugin/scheduling.py",),  # its public scheduler classes, only under -n
}
# The one exception to NEVER_IMPORTS: webhooks are sent with requests, so a webhook gets the
# same TLS trust (certifi, REQUESTS_CA_BUNDLE), proxies and redirects as a step's request.
ALSO_IN: dict[str, tuple[str, ...]] = {
    "requests": ("notify/webhooks.py",),
}
# store/, report/ and notify/ work without HTTP test machinery: never the runner.
NEVER_LAYER: dict[str, tuple[str, ...]] = {
    "store": ("runner",),
    "report": ("runner",),
    "notify": ("runner",),
}


@dataclass(frozen=True)
class Import:
    source: str  # the importing file, package-relative: cases/loader.py
    line: int
    target: str  # the module imported, absolute: pytest_testorbit.plugin.session
    top_level: bool  # run when the module is imported (not in a function, not TYPE_CHECKING)


def modules() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(SOURCE).as_posix()


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def imports_of(path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    yield from _walk(tree, relative(path), package, top_level=True)


def _walk(node: ast.AST, source: str, package: str, *, top_level: bool) -> Iterator[Import]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import):
            for alias in child.names:
                yield Import(source, child.lineno, alias.name, top_level)
        elif isinstance(child, ast.ImportFrom):
            yield from _from_import(child, source, package, top_level)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield from _walk(child, source, package, top_level=False)
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for part in child.body:
                yield from _walk(ast.Module([part], []), source, package, top_level=False)
            for part in child.orelse:
                yield from _walk(ast.Module([part], []), source, package, top_level=top_level)
        else:
            yield from _walk(child, source, package, top_level=top_level)


def _from_import(
    node: ast.ImportFrom, source: str, package: str, top_level: bool
) -> Iterator[Import]:
    if node.level:
        parts = package.split(".")
        base = ".".join(parts[: len(parts) - node.level + 1])
        module = f"{base}.{node.module}" if node.module else base
    else:
        module = node.module or ""
    if node.module is None or _is_package(module):
        # ``from . import migrate`` or ``from ..store import queries``: each name may be a
        # module of that package, and then it is what is imported.
        for alias in node.names:
            candidate = f"{module}.{alias.name}"
            yield Import(
                source, node.lineno, candidate if _exists(candidate) else module, top_level
            )
    else:
        yield Import(source, node.lineno, module, top_level)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _path_of(module: str) -> Path:
    return SOURCE.joinpath(*module.split(".")[1:])


def _is_package(module: str) -> bool:
    return module.startswith(PACKAGE) and (_path_of(module) / "__init__.py").is_file()


def _exists(module: str) -> bool:
    path = _path_of(module)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def layer_of_file(source: str) -> str:
    first = source.split("/")[0]
    return "base" if first.removesuffix(".py") in BASE_MODULES else first


def layer_of_module(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"
    return "base" if parts[1] in BASE_MODULES else parts[1]


def all_imports() -> list[Import]:
    return [found for path in modules() for found in imports_of(path)]


def problem(found: Import) -> str | None:
    """Why ``found`` goes against the rules, or None when it keeps them."""
    layer = layer_of_file(found.source)
    top = found.target.split(".")[0]
    where = f"{found.source}:{found.line} imports {found.target}"
    if top == PACKAGE:
        target = layer_of_module(found.target)
        allowed = MAY_IMPORT[layer]
        if target != layer and target not in allowed:
            return f"{where}: {layer} may import only {', '.join(allowed) or 'itself'}"
        doors = ONLY_THROUGH.get((layer, target))
        if doors and found.source not in doors:
            return f"{where}: in {layer}, only {', '.join(doors)} imports {target}"
        if target in NEVER_LAYER.get(layer, ()):
            return f"{where}: {layer} never imports {target}"
        return None
    if top in NEVER_IMPORTS[layer] and found.source not in ALSO_IN.get(top, ()):
        return f"{where}: {layer} never imports {top}"
    owners = ONLY_IN.get(top)
    if owners and found.source not in owners:
        return f"{where}: only {', '.join(owners)} import {top}"
    return None


def test_every_import_goes_the_way_architecture_md_says() -> None:
    problems = [text for found in all_imports() if (text := problem(found))]
    assert not problems, "imports against ARCHITECTURE.md:\n" + "\n".join(problems)


def test_the_module_level_imports_have_no_cycle() -> None:
    graph: dict[str, set[str]] = {module_name(path): set() for path in modules()}
    for path in modules():
        for found in imports_of(path):
            if found.top_level and found.target in graph:
                graph[module_name(path)].add(found.target)
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each module that is on one (depth-first, in sorted order)."""
    found: list[list[str]] = []
    state: dict[str, str] = {}  # "open" while on the stack, "done" after
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = "open"
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


# -- the checker itself --------------------------------------------------------------------


def test_the_checker_sees_imports_in_functions_and_under_type_checking(tmp_path: Path) -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from ..plugin.session import OrbitSession\n"
        "def f():\n"
        "    import pytest\n"
    )
    found = list(_walk(tree, "cases/loader.py", "pytest_testorbit.cases", top_level=True))
    assert [(i.line, i.target, i.top_level) for i in found] == [
        (1, "typing", True),
        (3, "pytest_testorbit.plugin.session", False),
        (5, "pytest", False),
    ]


def test_the_checker_resolves_relative_imports_to_the_modules_they_name() -> None:
    tree = ast.parse(
        "from ..store import queries\n"
        "from . import options\n"
        "from ..cases.project import load_project\n"
        "from .. import errors\n"
        "from .results import database_url\n"
    )
    found = list(_walk(tree, "plugin/shard.py", "pytest_testorbit.plugin", top_level=True))
    assert [i.target for i in found] == [
        "pytest_testorbit.store.queries",
        "pytest_testorbit.plugin.options",
        "pytest_testorbit.cases.project",
        "pytest_testorbit.errors",
        "pytest_testorbit.plugin.results",
    ]


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        (
            "cases/loader.py",
            "pytest_testorbit.plugin.session",
            "cases/loader.py:12 imports pytest_testorbit.plugin.session: "
            "cases may import only base, expr, openapi",
        ),
        (
            "plugin/shard.py",
            "pytest_testorbit.store.queries",
            "plugin/shard.py:12 imports pytest_testorbit.store.queries: "
            "in plugin, only plugin/results.py imports store",
        ),
        (
            "runner/http.py",
            "pytest",
            "runner/http.py:12 imports pytest: runner never imports pytest",
        ),
        (
            "plugin/collect.py",
            "_pytest.nodes",
            "plugin/collect.py:12 imports _pytest.nodes: plugin never imports _pytest",
        ),
        (
            "cases/reader.py",
            "jinja2",
            "cases/reader.py:12 imports jinja2: only expr/templating.py, report/html.py, server/render.py import jinja2",
        ),
        (
            "store/writer.py",
            "pytest_testorbit.runner",
            "store/writer.py:12 imports pytest_testorbit.runner: store may import only base",
        ),
        (
            "notify/message.py",
            "requests",
            "notify/message.py:12 imports requests: notify never imports requests",
        ),
        (
            "report/html.py",
            "requests",
            "report/html.py:12 imports requests: report never imports requests",
        ),
        (
            "errors.py",
            "pytest_testorbit.cases.model",
            "errors.py:12 imports pytest_testorbit.cases.model: base may import only itself",
        ),
    ],
)
def test_an_import_against_the_rules_is_named_with_its_file_line_and_rule(
    source: str, target: str, message: str
) -> None:
    assert problem(Import(source, 12, target, top_level=True)) == message


def test_imports_that_keep_the_rules_pass() -> None:
    for source, target in [
        ("cases/loader.py", "pytest_testorbit.expr.templating"),
        ("plugin/results.py", "pytest_testorbit.store.sink"),
        ("cli/db.py", "pytest_testorbit.schedule.commands"),
        ("report/html.py", "jinja2"),
        ("notify/webhooks.py", "requests"),
        ("tables.py", "pytest_testorbit.errors"),
    ]:
        assert problem(Import(source, 1, target, top_level=True)) is None


def test_the_checker_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
