"""YAML loading that remembers where every mapping and key came from.

Mappings load as ``LineDict`` and sequences as ``LineList``: plain ``dict`` and ``list``
subclasses that carry 1-based line numbers, so every later error can point at the line a
person has to edit. PyYAML's C parser is used when it is installed; construction stays in
Python either way, which is where the line numbers are read.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..errors import CaseFileError

try:
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]  # same API
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class LineDict(dict[Any, Any]):
    """A mapping from YAML, with the line of the mapping and of each key."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence from YAML, with its own line and the line of each item."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def line_of(container: Any, key: Any, default: int = 0) -> int:
    """The line of ``container[key]``, for any container that came from this loader."""
    if isinstance(container, (LineDict, LineList)):
        return container.line_of(key)
    return default


def plain(value: Any) -> Any:
    """``value`` with every LineDict and LineList made a plain dict and list.

    Values that reach requests, variables and messages are plain, so no message ever
    names our classes ("'LineDict object' has no attribute ...").
    """
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _BadKey(_DuplicateKey):  # a complex key (``? [a, b]``): said as plainly
    pass


# Aliases may repeat at most this many values in all, in one document. More is refused: a
# "billion laughs" file (each alias repeating the one before, ten times over) would expand to
# billions of values and hang collection; real case files repeat a few blocks a few times.
MAX_ALIAS_EXPANSION = 10_000
# Something that may be an alias (``*name`` after a space, ``[``, ``{``, ``,`` or ``:``); not
# the ``[*]`` of a JSONPath nor the ``*`` of ``{{ a * b }}``. A false match costs a walk only.
_ALIAS = re.compile(r"(?:^|[\s\[{,:])\*[^\s\]},*]", re.MULTILINE)


def _check_aliases(root: yaml.Node) -> None:
    """Raise ``_AliasBomb`` once the values that aliases repeat exceed the bound.

    Each node's expanded size is counted once (memoised), so this is linear in the nodes as
    written however far they would expand; a repeated node is a use of an alias.
    """
    sizes: dict[int, int] = {}
    repeated = 0

    def size(node: yaml.Node) -> int:
        nonlocal repeated
        sizes[id(node)] = 0  # a node inside itself (a recursive alias) counts nothing more
        total = 1
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        for child in children:
            if id(child) in sizes:
                repeated += sizes[id(child)]
                total += sizes[id(child)]
                if repeated > MAX_ALIAS_EXPANSION:
                    raise _AliasBomb(
                        None,
                        None,
                        f"aliases here repeat more than {MAX_ALIAS_EXPANSION} values in all "
                        "(an alias bomb?); write the values out, or use fewer aliases",
                        node.start_mark,
                    )
            else:
                total += size(child)
        sizes[id(node)] = total
        return total

    size(root)


class _AliasBomb(_DuplicateKey):
    pass


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]  # the base is picked at import
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Any:
    data = LineDict(node.start_mark.line + 1)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            kind = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
            raise _BadKey(
                None,
                None,
                f"a key must be a plain value (a name, a number), not {kind}",
                key_node.start_mark,
            )
        key = loader.construct_object(key_node, deep=True)
        if key in data.key_lines:
            raise _DuplicateKey(
                None, None, f"duplicate key {key!r}: a key may appear once", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Any:
    data = LineList(node.start_mark.line + 1)
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=True))
        data.item_lines.append(child.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def _unquoted_template(root: yaml.Node) -> tuple[yaml.Node, tuple[str | int, ...]] | None:
    """The first mapping used as a mapping's key, with the key path of the value holding it.

    ``qty: {{ qty }}`` is YAML for a mapping whose one key is the mapping ``{qty: null}``: the
    commonest mistake in a case file. Found on the composed nodes, before construction, where
    it would end in ``unhashable type``; each node is walked once, however often aliased.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, keys = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            if any(isinstance(key, yaml.MappingNode) for key, _ in node.value):
                return node, keys
            for key, value in reversed(node.value):
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                stack.append((value, (*keys, name)))
        elif isinstance(node, yaml.SequenceNode):
            for index in reversed(range(len(node.value))):
                stack.append((node.value[index], (*keys, index)))
    return None


def _is_template(text: str, node: yaml.Node) -> bool:
    return text.startswith("{{", node.start_mark.index)


def _template_error(text: str, path: str, node: yaml.Node, keys: tuple[Any, ...]) -> CaseFileError:
    source = text[node.start_mark.index : node.end_mark.index]
    line = node.start_mark.line + 1
    snippet = text.splitlines()[line - 1]
    quoted = _quoted(source)
    owner = f"{keys[-1]}: " if keys and isinstance(keys[-1], str) else "- " if keys else ""
    return CaseFileError(
        f"an unquoted template: YAML read {source} as a mapping with a mapping as its key, "
        f"not as text; quote the template: {owner}{quoted}",
        path=path,
        line=line,
        key_path=keys,
        snippet=snippet,
    )


def _quoted(source: str) -> str:
    return "'" + source.replace("'", "''") + "'" if '"' in source else f'"{source}"'


# A block-style ``key: {{ ... }} ...`` line: a template that starts a value, unquoted.
_TEMPLATE_LINE = re.compile(r"^\s*(?:-\s+)?(?P<key>[^\s:{\[#'\"-][^:]*):\s+(?P<value>\{\{.*?)\s*$")


def _template_hint(snippet: str | None) -> str:
    """For a syntax error on a line with an unquoted template: how to quote it."""
    if not snippet or "{{" not in snippet:
        return ""
    match = _TEMPLATE_LINE.match(snippet)
    if match is None:
        return '; a value that starts with {{ must be quoted: "{{ ... }}"'
    return f"; quote the template: {match['key']}: {_quoted(match['value'])}"


def load_documents(text: str, path: str) -> list[tuple[Any, int]]:
    """Every non-empty document of ``text`` with its first line; YAML errors name the line."""
    nul = text.find("\x00")
    if nul >= 0:  # PyYAML would say "unacceptable character" without a line
        nul_line = text.count("\n", 0, nul) + 1
        raise CaseFileError(
            f"the file holds a NUL byte on line {nul_line}: it is binary, not YAML text",
            path=path,
            line=nul_line,
        )
    try:
        documents = []
        loader = _Loader(text)
        try:
            while loader.check_node():
                node = loader.get_node()
                if node is None:
                    continue
                try:
                    if "&" in text and _ALIAS.search(text):  # most files have no alias: no walk
                        _check_aliases(node)
                    found = _unquoted_template(node)
                    # Any other mapping used as a key is refused while constructing, at the
                    # key's own line (_construct_mapping).
                    if found is not None and _is_template(text, found[0]):
                        raise _template_error(text, path, *found)
                    data = loader.construct_document(node)
                except RecursionError:  # construction recurses once per level of nesting
                    raise CaseFileError(
                        "the YAML nests too deeply to read (hundreds of levels of lists or "
                        "mappings inside each other)",
                        path=path,
                        line=node.start_mark.line + 1,
                    ) from None
                if data is not None:
                    documents.append((data, node.start_mark.line + 1))
        finally:
            loader.dispose()
        return documents
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and mark and mark.line >= len(text.splitlines()):
            mark = exc.context_mark  # found at the end of the file: say where it began
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        if exc.context and not isinstance(exc, _DuplicateKey):
            problem = f"{exc.context}, {problem}"
        snippet = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else None
        raise CaseFileError(
            f"YAML syntax error: {problem}{_template_hint(snippet)}",
            path=path,
            line=line,
            snippet=snippet,
        ) from None
    except yaml.reader.ReaderError as exc:  # a control character: it has a position only
        raise CaseFileError(
            f"YAML error: the control character {_char(exc.character)} is not allowed in YAML",
            path=path,
            line=text.count("\n", 0, exc.position) + 1,
        ) from None
    except yaml.YAMLError as exc:
        raise CaseFileError(f"YAML error: {exc}", path=path) from None


def _char(character: object) -> str:
    return repr(chr(character)) if isinstance(character, int) else repr(character)
