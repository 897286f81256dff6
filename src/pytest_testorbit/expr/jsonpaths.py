"""JSONPath expressions, parsed once and cached: jsonpath-ng's extended syntax.

jsonpath-ng's lexer only takes ASCII member names; RFC 9535 allows any script unquoted
(``$.data.用户``), so such names are quoted before parsing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .matchers import MISSING as _MISSING  # one "not there" for paths, headers and matchers

_UNQUOTED_MEMBER = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\.([^\W\d][\w-]*)""")


def _quote_non_ascii(path: str) -> str:
    def quote(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None or name.isascii():
            return match.group(0)
        return f".'{name}'"

    return _UNQUOTED_MEMBER.sub(quote, path)


class JsonPath:
    """One compiled path: ``find`` gives the value it matches, the list of several, or MISSING."""

    __slots__ = ("_expression", "source")

    MISSING = _MISSING

    def __init__(self, source: str) -> None:
        from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
        from jsonpath_ng.ext.parser import parse

        self.source = source
        try:
            self._expression = parse(_quote_non_ascii(source))
        # jsonpath-ng's lexer raises plain Exception for some input, not only its own errors.
        except (JsonPathLexerError, JsonPathParserError, Exception) as exc:
            raise ValueError(str(exc).strip()) from None

    def find(self, document: Any, context: Any = None) -> Any:
        matches = self._expression.find(document)
        if not matches:
            return _MISSING
        if len(matches) == 1:
            return matches[0].value
        return [match.value for match in matches]


class TemplatedPath:
    """A path with templates in it, ``$.orders[?id == {{ order_id }}]``: rendered, then parsed.

    Parsed paths are cached by their rendered text, so a value seen before costs nothing.
    """

    __slots__ = ("_render", "source")

    def __init__(self, source: str, render: Callable[[Any], Any]) -> None:
        self.source = source
        self._render = render
        compile_path(_TEMPLATE.sub("0", source))  # its syntax, checked at collection

    def find(self, document: Any, context: Any = None) -> Any:
        return compile_path(str(self._render(context))).find(document)


_TEMPLATE = re.compile(r"\{\{.*?\}\}", re.DOTALL)


@lru_cache(maxsize=4096)
def compile_path(source: str) -> JsonPath:
    """The parsed path (raises ValueError with jsonpath-ng's reason when it does not parse)."""
    return JsonPath(source)
