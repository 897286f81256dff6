"""Reading ``orbit.yaml``: its text into a ``Project``, every value checked with its line.

Imported by ``project.load_project`` when there is a file to read, so PyYAML and the readers
load only then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ProjectFileError, TemplateCompileError, TemplateRenderError, did_you_mean
from .keys import Key, Schema, Table, or_empty, ref
from .limits import MAX_TIMEOUT, timeout_problem
from .project import Environment, Project
from .project_path import PROJECT_FILE
from .reader import LineReader, _kind
from .yamlsrc import LineDict, load_documents, plain

if TYPE_CHECKING:
    from ..expr.templating import Templates


def read_project_file(path: Path) -> Project:
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = f"cannot read the project file: {exc.strerror}"
        raise ProjectFileError(message, path=str(path)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ProjectFileError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line})",
            path=str(path),
            line=line,
        ) from None
    documents = load_documents(text, str(path))
    top = documents[0][0] if documents else LineDict(1)
    return ProjectReader(path, text).read(top)


class ProjectReader(LineReader):
    error_type = ProjectFileError

    def __init__(self, path: Path, text: str) -> None:
        self.path = path  # orbit.yaml
        self.display = str(path)
        self.text = text
        self._templates: Templates | None = None

    @property
    def templates(self) -> Templates:
        # Jinja2 is imported when a template is first rendered, not when orbit.yaml is read:
        # a pytest run without case files does not pay for it.
        if self._templates is None:
            from ..expr.templating import Templates

            self._templates = Templates()
        return self._templates

    def mapping(self, value: Any, parent: Any, key: Any, keys: tuple[Any, ...]) -> LineDict:
        # Not the case files' Reader.mapping: a section of orbit.yaml may be left empty.
        if value is None:
            return LineDict(parent.line_of(key) if hasattr(parent, "line_of") else 0)
        if not isinstance(value, dict):
            raise self.error(
                f"'{keys[-1] if keys else PROJECT_FILE}' must be a mapping, "
                f"not {type(value).__name__}",
                parent,
                key,
                keys,
            )
        return value  # type: ignore[return-value]  # LineDict from our loader

    def render(self, value: Any, container: Any, key: Any, keys: tuple[Any, ...]) -> Any:
        try:
            value = plain(value)
            compiled = self.templates.compile_value(value)
            return compiled({}) if compiled else value
        except (TemplateCompileError, TemplateRenderError) as exc:
            raise self.error(str(exc), container, key, keys) from None

    def read(self, data: Any) -> Project:
        if not isinstance(data, dict):
            raise ProjectFileError(
                f"the top level must be a mapping of {', '.join(PROJECT_KEYS)}, "
                f"not {type(data).__name__}",
                path=str(self.path),
                line=1,
            )
        self.check_keys(data, PROJECT_KEYS, ())
        if isinstance(data.get("project"), (dict, list)):
            message = f"project is a name, not {_kind(data['project'])}"
            raise self.error(message, data, "project", ("project",))
        name = data.get("project") or self.path.parent.name
        environments = self.mapping(
            data.get("environments"), data, "environments", ("environments",)
        )
        for env_name, raw in environments.items():
            keys = ("environments", env_name)
            self.check_keys(self.mapping(raw, environments, env_name, keys), ENV_KEYS, keys)
        default_env = data.get("default_env")
        if isinstance(default_env, (dict, list)):
            raise self.error(
                f"default_env is the name of an environment, not {_kind(default_env)}",
                data,
                "default_env",
                ("default_env",),
            )
        if default_env is not None and environments and default_env not in environments:
            raise self.error(
                f"default_env '{default_env}' is not one of the environments",
                data,
                "default_env",
                ("default_env",),
                suggestion=did_you_mean(str(default_env), [str(e) for e in environments]),
                choices=tuple(str(e) for e in environments),
            )
        self.notify(self.mapping(data.get("notify"), data, "notify", ("notify",)), render=False)
        if "database" in data and not isinstance(data["database"], str):
            raise self.error(
                "database must be a URL string such as sqlite:///.orbit/results.db, "
                f"not {type(data['database']).__name__} {data['database']!r}",
                data,
                "database",
                ("database",),
            )
        return Project(
            name=str(name),
            root=self.path.parent,
            path=self.path,
            default_env=None if default_env is None else str(default_env),
            raw=data,
            trusted_paths=self.trusted_paths(data),
            _reader=self,
        )

    def trusted_paths(self, data: Any) -> list[Path]:
        raw = data.get("trusted_paths")
        if raw is None:
            return []
        keys = ("trusted_paths",)
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise self.error("trusted_paths must be a list of folder paths", data, keys[0], keys)
        folders = []
        for index, item in enumerate(raw):
            folder = Path(self.local_path(item))
            if not folder.is_dir():
                raise self.error(
                    f"trusted_paths: {item!r} is not a folder (paths are relative to orbit.yaml)",
                    raw,
                    index,
                    (*keys, index),
                )
            folders.append(folder)
        return folders

    def environment(self, name: str, data: Any, keys: tuple[Any, ...]) -> Environment:
        data = data if data is not None else LineDict(0)
        env = Environment(name=name)
        for key in data:
            value = self.render(data[key], data, key, (*keys, key))
            field = _ENV_FIELDS.get(key)
            if field is None:  # not an environment key: read() has refused it already
                continue
            try:
                converted = field.read(self, value)
            except _Refused as refused:  # a message of its own, maybe about one entry
                inner = data[key] if refused.entry is not None else None
                if isinstance(inner, dict):
                    entry_keys = (*keys, key, refused.entry)
                    raise self.error(refused.message, inner, refused.entry, entry_keys) from None
                raise self.error(refused.message, data, key, (*keys, key)) from None
            if converted is _INVALID:
                message = field.message.format(value=value)
                raise self.error(message, data, key, (*keys, key))
            setattr(env, key, converted)
        return env

    def local_path(self, value: str) -> str:
        """A path written in orbit.yaml, relative to orbit.yaml's folder."""
        return str((self.path.parent / Path(value).expanduser()).resolve())

    def texts(self, data: dict[Any, Any], keys: tuple[Any, ...], where: str) -> None:
        """Every value of ``data`` is text (a template is text too): an address, a URL."""
        for key, value in data.items():
            if not isinstance(value, str):
                message = f"{where}.{key} must be text, not {_kind(value)}"
                raise self.error(message, data, key, (*keys, key))

    def notify(self, data: Any, *, render: bool) -> dict[str, Any]:
        data = self.mapping(data, None, "notify", ("notify",))
        maybe_render = self.render if render else (lambda value, *_: value)
        self.check_keys(data, NOTIFY_KEYS, ("notify",))
        result: dict[str, Any] = {}
        if "email" in data:
            email = self.mapping(data["email"], data, "email", ("notify", "email"))
            self.check_keys(email, EMAIL_KEYS, ("notify", "email"))
            for required in EMAIL_KEYS:
                if required not in email:
                    raise self.error(
                        f"notify.email needs '{required}'", data, "email", ("notify", "email")
                    )
            self.texts(email, ("notify", "email"), "notify.email")
            result["email"] = {
                k: maybe_render(v, email, k, ("notify", "email", k)) for k, v in email.items()
            }
        if "webhooks" in data:
            hooks = data["webhooks"]
            if not isinstance(hooks, list):
                raise self.error(
                    "notify.webhooks must be a list", data, "webhooks", ("notify", "webhooks")
                )
            result["webhooks"] = []
            for index, hook in enumerate(hooks):
                keys = ("notify", "webhooks", index)
                if not isinstance(hook, dict):
                    raise self.error(
                        "each webhook is a mapping with kind and url", hooks, index, keys
                    )
                self.check_keys(hook, WEBHOOK_KEYS, keys)
                kind = hook.get("kind")
                if kind not in WEBHOOK_KINDS:
                    raise self.error(
                        f"unknown webhook kind {kind!r}",
                        hook,
                        "kind",
                        (*keys, "kind"),
                        suggestion=did_you_mean(str(kind), WEBHOOK_KINDS),
                        choices=WEBHOOK_KINDS,
                    )
                if not hook.get("url"):
                    raise self.error("a webhook needs a url", hooks, index, keys)
                self.texts(hook, keys, f"notify.webhooks[{index}]")
                result["webhooks"].append(
                    {k: maybe_render(v, hook, k, (*keys, k)) for k, v in hook.items()}
                )
        return result


# -- the keys of an environment: each one's reader, and its message when the value is wrong --

_INVALID: Any = object()  # what a field reader gives back for a value it refuses


class _Refused(Exception):
    """A refused value whose message says more than the field's fixed one (``Field.message``).

    ``entry`` names the entry of a mapping value at fault (a header), so the error points at
    its line.
    """

    def __init__(self, message: str, entry: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.entry = entry


def _base_url(reader: ProjectReader, value: Any) -> Any:
    return value if isinstance(value, str) else _INVALID


def _variables(reader: ProjectReader, value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else _INVALID


def _headers(reader: ProjectReader, value: Any) -> Any:
    if not isinstance(value, dict):
        return _INVALID
    for name, header in value.items():
        if isinstance(header, (dict, list)):
            kind = "a mapping" if isinstance(header, dict) else "a list"
            raise _Refused(f"header {name} must be one text value, not {kind}", entry=name)
    return {str(k): str(v) for k, v in value.items()}


def _verify(reader: ProjectReader, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return _INVALID
    bundle = reader.local_path(value)  # a CA bundle
    if not Path(bundle).is_file():
        raise _Refused(
            f"verify: CA bundle {value!r} does not exist (paths are relative to orbit.yaml)"
        )
    return bundle


def _timeout(reader: ProjectReader, value: Any) -> Any:
    problem = timeout_problem(value)
    if problem:
        raise _Refused(problem)
    return float(value)


def _secrets(reader: ProjectReader, value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return _INVALID


def _cert(reader: ProjectReader, value: Any) -> Any:
    if isinstance(value, str):
        return reader.local_path(value)
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return [reader.local_path(v) for v in value]  # [certificate, key]
    return _INVALID


@dataclass(frozen=True, kw_only=True)
class Field(Key):
    """A key of an environment with its reader, and the message when the reader refuses it."""

    read: Callable[[ProjectReader, Any], Any]
    message: str  # formatted with the rendered value as {value}


_TIMEOUT = {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_TIMEOUT}
_STRINGS = {"type": "array", "items": {"type": "string"}}

ENVIRONMENT = Table(
    (
        Field(
            "base_url",
            "The URL that each step's url is joined to.",
            {"type": "string"},
            read=_base_url,
            message="base_url must be a URL string",
        ),
        Field(
            "variables",
            "Variables every group sees (groups, rows and extracted values override them).",
            {
                "type": "object",
                "additionalProperties": {"description": "A value; templates read {{ env.NAME }}."},
            },
            read=_variables,
            message="variables must be a mapping of names to values",
        ),
        Field(
            "headers",
            "Headers sent with every request: name → value.",
            {
                "type": "object",
                "additionalProperties": {"type": ["string", "number", "boolean"]},
            },
            read=_headers,
            message="headers must be a mapping of names to values",
        ),
        Field(
            "verify",
            "TLS verification: true (default), false, or the path of a CA bundle.",
            {"type": ["boolean", "string"]},
            read=_verify,
            message="verify must be true, false or the path of a CA bundle",
        ),
        Field(
            "timeout",
            "Seconds per request (default 30).",
            {"anyOf": [_TIMEOUT, ref("template")]},
            read=_timeout,
            message="timeout must be a positive number of seconds, not {value!r}",
        ),
        Field(
            "secrets",
            "Names of variables whose values are masked as *** in output and the store; values "
            "read through env. are always masked.",
            _STRINGS,
            read=_secrets,
            message="secrets must be a list of variable names",
        ),
        Field(
            "cert",
            "A client certificate: the path of a PEM file, or [cert, key].",
            {"anyOf": [{"type": "string"}, {**_STRINGS, "minItems": 2, "maxItems": 2}]},
            read=_cert,
            message="cert must be the path of a client certificate, or [certificate, key]",
        ),
    ),
    description="One environment: where requests go and with which variables and headers.",
    rules={"type": ["object", "null"]},
)
_ENV_FIELDS = {field.name: field for field in ENVIRONMENT.keys if isinstance(field, Field)}
ENV_KEYS = ENVIRONMENT.names

# -- the other keys of orbit.yaml ----------------------------------------------------------------

WEBHOOK_KINDS = ("slack", "dingtalk", "feishu", "wecom", "json")
EMAIL = Table(
    (
        Key(
            "smtp",
            "smtp://user:password@host:port (?starttls=true), or smtps://...",
            {"type": "string"},
        ),
        Key("from", "The sender address.", {"type": "string"}),
    ),
    required=("smtp", "from"),
)
WEBHOOK = Table(
    (
        Key(
            "kind",
            "slack, dingtalk, feishu, wecom, or json (the run's summary as plain JSON).",
            {"enum": list(WEBHOOK_KINDS)},
        ),
        Key("url", "The webhook's URL.", {"type": "string", "minLength": 1}),
        Key("secret", "The signing secret (DingTalk, Feishu).", {"type": "string"}),
    ),
    description="One webhook.",
    required=("kind", "url"),
)
NOTIFY = Table(
    (
        Key("email", "E-mail over SMTP.", EMAIL),
        Key(
            "webhooks",
            "Chat and JSON webhooks, each sent one message per scheduled run.",
            {"type": "array", "items": WEBHOOK},
        ),
    ),
    rules={"type": ["object", "null"]},
)
PROJECT = Table(
    (
        Key(
            "project",
            "The project's name (default: the folder of orbit.yaml).",
            {"type": ["string", "number", "boolean", "null"]},
        ),
        Key(
            "default_env",
            "The environment used without --orbit-env; one of environments.",
            {"type": ["string", "number", "boolean", "null"]},
        ),
        Key(
            "database",
            "The results store's SQLAlchemy URL (default sqlite:///.orbit/results.db; a relative "
            "SQLite path is relative to this file's folder), or a template such as "
            "{{ env.ORBIT_DB_URL }}.",
            {"type": "string"},
        ),
        Key(
            "environments",
            "Environments by name; pick one with pytest --orbit-env NAME.",
            {"type": ["object", "null"], "additionalProperties": ref("environment")},
        ),
        Key("notify", "How owners hear about scheduled runs.", NOTIFY),
        Key(
            "trusted_paths",
            "Folders outside the project that files:, schema: and use: may name (relative to "
            "this file); every other path must stay inside the project's folder.",
            or_empty(_STRINGS),
        ),
    ),
    description="The project: its environments, its results store and its notifications.",
)
DEFINITIONS: dict[str, Schema | Table] = {
    "template": {
        "type": "string",
        "pattern": "\\{\\{",
        "description": "A template; orbit.yaml templates read only {{ env.NAME }} (the process "
        "environment) and render when the value is used.",
    },
    "environment": ENVIRONMENT,
}
PROJECT_KEYS = PROJECT.names
NOTIFY_KEYS = NOTIFY.names
EMAIL_KEYS = EMAIL.names
WEBHOOK_KEYS = WEBHOOK.names
