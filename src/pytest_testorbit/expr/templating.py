"""Templates in case files: Jinja2 in a sandbox, compiled once, rendered per request.

A string without ``{{``/``{%`` is a constant and is never touched again. A string that is one
``{{ expression }}`` and nothing else keeps the type of its value (``qty: "{{ qty }}"`` sends
an integer). Plain ``{{ name }}`` and ``{{ name.attr }}`` lookups, alone or inside text,
skip Jinja altogether: they are most templates in practice, and rendering them is the hot
path of every chained request. Everything else goes through the sandbox; no Python is ever
evaluated from a case file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import TemplateCompileError, TemplateRenderError, did_you_mean
from .secrets import Secrets

Context = Mapping[str, Any]
Render = Callable[[Context], Any]

_MARKERS = ("{{", "{%", "{#")
_NAME = r"[^\W\d]\w*"
_LOOKUP = re.compile(rf"\{{\{{\s*({_NAME}(?:\.{_NAME})*)\s*\}}\}}")
_WHOLE_LOOKUP = re.compile(rf"\A\{{\{{\s*({_NAME}(?:\.{_NAME})*)\s*\}}\}}\Z")
_WHOLE_EXPRESSION = re.compile(r"\A\{\{(.*)\}\}\Z", re.DOTALL)
# Words Jinja reads as constants or operators, never as variables: no fast lookup for them.
_KEYWORDS = frozenset(
    ("true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else")
)


class EnvReader:
    """``{{ env.NAME }}``: the process environment; every value read becomes a secret."""

    def __init__(self, secrets: Secrets, environ: Mapping[str, str] | None = None) -> None:
        self._secrets = secrets
        self._environ = os.environ if environ is None else environ

    def __getitem__(self, name: str) -> str:
        value = self._environ[name]
        self._secrets.add(value)
        return value

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._environ


class _Undefined(StrictUndefined):
    """StrictUndefined whose message says what to do about an unset variable."""

    @property
    def _undefined_message(self) -> str:
        if isinstance(self._undefined_obj, EnvReader):
            return f"environment variable {self._undefined_name} is not set"
        return str(super()._undefined_message)


def _has_keyword(lookups: Iterable[str]) -> bool:
    return any(part in _KEYWORDS for dotted in lookups for part in dotted.split("."))


def _defined(value: Any) -> Any:
    """A whole-value expression's result; an undefined one raises, as in text it would.

    The sandbox answers unsafe attributes (``''.__class__``) and missing items with an
    Undefined: handed on as None it would hide both the refusal and the typo.
    """
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    return value


class Templates:
    """Compiles template strings once (cached by source) and renders them against variables."""

    def __init__(self, globals: Mapping[str, Any] | None = None) -> None:
        self.secrets = Secrets()
        self.env = ImmutableSandboxedEnvironment(
            undefined=_Undefined, autoescape=False, keep_trailing_newline=True
        )
        self.env.globals["env"] = EnvReader(self.secrets)
        if globals:
            self.env.globals.update(globals)
        self._cache: dict[str, Render | None] = {}

    def add_globals(self, values: Mapping[str, Any]) -> None:
        self.env.globals.update(values)

    # -- compiling -------------------------------------------------------------------------

    def compile_string(self, source: str) -> Render | None:
        """A renderer for ``source``, or None when it holds no template at all.

        Raises ``TemplateCompileError``; the loader turns it into a case-file error. (The
        loaders never see jinja2's own exception: only this module imports jinja2.)
        """
        try:
            return self._cache[source]
        except KeyError:
            pass
        try:
            render = self._compile_string(source)
        except TemplateSyntaxError as exc:
            raise TemplateCompileError(f"template syntax error: {exc.message}") from None
        self._cache[source] = render
        return render

    def _compile_string(self, source: str) -> Render | None:
        if not any(marker in source for marker in _MARKERS):
            return None
        whole = _WHOLE_LOOKUP.match(source)
        if whole and not _has_keyword([whole.group(1)]):
            return self._lookup(whole.group(1))
        if _WHOLE_EXPRESSION.match(source) and "}}" not in source[2:-2]:
            expression = self.env.compile_expression(source[2:-2], undefined_to_none=False)
            return lambda context: self._call(lambda c: _defined(expression(c)), context)
        pieces = _LOOKUP.split(source)
        if "{" not in "".join(pieces[::2]) and not _has_keyword(pieces[1::2]):
            return self._concat(pieces)
        template = self.env.from_string(source)
        return lambda context: self._call(template.render, context)

    def _lookup(self, dotted: str) -> Render:
        first, *rest = dotted.split(".")
        env_getattr = self.env.getattr

        def render(context: Context) -> Any:
            if first in context:
                value = context[first]
            elif first in self.env.globals:
                value = self.env.globals[first]
            else:
                raise self._unknown(first, context)
            for attribute in rest:
                value = env_getattr(value, attribute)
                if isinstance(value, Undefined):
                    raise TemplateRenderError(f"{{{{ {dotted} }}}}: {value._undefined_message}")
            return value

        return render

    def _concat(self, pieces: list[str]) -> Render:
        parts: list[tuple[bool, Any]] = []
        for index, piece in enumerate(pieces):
            if index % 2:
                parts.append((True, self._lookup(piece)))
            elif piece:
                parts.append((False, piece))

        def render(context: Context) -> str:
            return "".join(str(part(context)) if is_lookup else part for is_lookup, part in parts)

        return render

    def compile_value(self, value: Any) -> Render | None:
        """A renderer for a whole YAML value (nested mappings and lists), or None if constant."""
        if isinstance(value, str):
            return self.compile_string(value)
        if isinstance(value, Mapping):
            compiled = {key: self.compile_value(item) for key, item in value.items()}
            if not any(compiled.values()):
                return None
            items = [(key, compiled[key], item) for key, item in value.items()]
            return lambda context: {
                key: render(context) if render else item for key, render, item in items
            }
        if isinstance(value, list):
            renders = [self.compile_value(item) for item in value]
            if not any(renders):
                return None
            pairs = list(zip(renders, value, strict=True))
            return lambda context: [render(context) if render else item for render, item in pairs]
        return None

    # -- rendering -------------------------------------------------------------------------

    def _unknown(self, name: str, context: Context) -> TemplateRenderError:
        known = sorted(
            set(context) | {key for key in self.env.globals if key not in _JINJA_GLOBALS}
        )
        hint = did_you_mean(name, known)
        message = f"undefined variable '{name}'"
        if hint:
            message += f" (did you mean '{hint}'?)"
        return TemplateRenderError(f"{message}; variables in play: {', '.join(known) or 'none'}")

    def _call(self, function: Callable[..., Any], context: Context) -> Any:
        try:
            return function(context)
        except UndefinedError as exc:
            raise TemplateRenderError(str(exc)) from None
        except SecurityError as exc:
            raise TemplateRenderError(f"not allowed in a template: {exc}") from None
        except TemplateRenderError:
            raise
        except Exception as exc:
            raise TemplateRenderError(f"{type(exc).__name__}: {exc}") from None


_JINJA_GLOBALS = frozenset(ImmutableSandboxedEnvironment().globals)
