"""``orbit.yaml``: the project, its environments, its results store and its notifications.

Templates in orbit.yaml read the process environment (``{{ env.NAME }}``, every value read
that way a secret) and, in a pytest run, the values of the ``pytest_orbit_template_globals``
hook. Each part renders on first use, not when the file is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ProjectFileError, TemplateRenderError, did_you_mean
from .limits import timeout_problem
from .yamlsrc import LineDict, load_documents, plain

if TYPE_CHECKING:
    from ..expr.templating import Templates

PROJECT_FILE = "orbit.yaml"
CASE_SUFFIXES = (".orbit.yaml", ".orbit.yml")
DEFAULT_DATABASE = "sqlite:///.orbit/results.db"
WEBHOOK_KINDS = ("slack", "dingtalk", "feishu", "wecom", "json")

_PROJECT_KEYS = ("project", "default_env", "database", "environments", "notify", "trusted_paths")
_ENV_KEYS = ("base_url", "variables", "headers", "verify", "timeout", "secrets", "cert")
_NOTIFY_KEYS = ("email", "webhooks")
_EMAIL_KEYS = ("smtp", "from")
_WEBHOOK_KEYS = ("kind", "url", "secret")


@dataclass
class Environment:
    name: str
    base_url: str = ""
    variables: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    verify: bool | str = True  # False, True or a CA bundle path
    timeout: float | None = None  # seconds per request
    secrets: list[str] = field(default_factory=list)  # names of variables to mask
    cert: str | list[str] | None = None  # a client certificate (path, or [cert, key])


@dataclass
class Project:
    name: str
    root: Path  # the folder of orbit.yaml (or the rootdir when there is none)
    path: Path | None  # orbit.yaml itself, if there is one
    default_env: str | None = None
    # Raw (validated, not yet rendered) sections: templates in them read the process
    # environment, which may only be set where that part is used (STAGING_PASSWORD on the
    # staging runner, SMTP_PASSWORD on the scheduler's host), so they render on first use.
    raw: dict[Any, Any] = field(default_factory=dict, repr=False)
    # Folders outside the project that files:, schema: and use: may name (trusted_paths:)
    trusted_paths: list[Path] = field(default_factory=list)
    _reader: _ProjectReader | None = field(default=None, repr=False)

    @property
    def templates(self) -> Templates:
        """The templates (and secret registry) orbit.yaml's values were rendered with."""
        if self._reader is None:
            self._reader = _ProjectReader(self.path or self.root / PROJECT_FILE, "")
        return self._reader.templates

    @property
    def allowed_roots(self) -> tuple[Path, ...]:
        """The folders case files may read files from: the project's, then trusted_paths."""
        return (self.root.resolve(), *self.trusted_paths)

    @property
    def environment_names(self) -> list[str]:
        environments = self.raw.get("environments") or {}
        return [str(name) for name in environments]

    @property
    def database(self) -> str:
        """The store's URL as written (templates rendered), before relative paths resolve."""
        if "database" not in self.raw or self._reader is None:
            return DEFAULT_DATABASE
        return str(self._reader.render(self.raw["database"], self.raw, "database", ("database",)))

    @property
    def database_url(self) -> str:
        """The store's URL, a relative SQLite path made absolute against the project's folder."""
        return resolve_database_url(self.database, self.root)

    @property
    def notify(self) -> dict[str, Any]:
        """``notify:`` rendered: {"email": {"smtp": ..., "from": ...}, "webhooks": [...]}."""
        if "notify" not in self.raw or self._reader is None:
            return {}
        return self._reader.notify(self.raw["notify"], render=True)

    def environment(self, name: str | None) -> Environment:
        """The named environment (default: default_env, else the only one, else an empty one)."""
        from ..errors import UsageError

        names = self.environment_names
        chosen = name or self.default_env
        if chosen is None:
            if len(names) != 1:
                return Environment(name="default")
            chosen = names[0]
        if chosen in names and self._reader is not None:
            environments = self.raw["environments"]
            return self._reader.environment(chosen, environments[chosen], ("environments", chosen))
        else:
            known = ", ".join(sorted(names)) or "none (orbit.yaml has no environments)"
            hint = did_you_mean(chosen, names)
            extra = f" Did you mean '{hint}'?" if hint else ""
            where = f" in {self.path}" if self.path else ""
            raise UsageError(
                f"unknown environment '{chosen}'{where}.{extra} Known environments: {known}"
            ) from None


def resolve_database_url(url: str, root: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str((root / url[len(prefix) :]).resolve())
    return url


def find_project_file(rootdir: Path, first_path: Path | None = None) -> Path | None:
    """orbit.yaml at the rootdir, else the nearest one above the first collected path."""
    candidate = rootdir / PROJECT_FILE
    if candidate.is_file():
        return candidate
    if first_path is not None:
        start = first_path if first_path.is_dir() else first_path.parent
        for folder in (start, *start.parents):
            candidate = folder / PROJECT_FILE
            if candidate.is_file():
                return candidate
    return None


def load_project(path: Path | None, *, default_root: Path | None = None) -> Project:
    """Read orbit.yaml (or make the empty project when ``path`` is None)."""
    if path is None:
        root = (default_root or Path.cwd()).resolve()
        return Project(name=root.name, root=root, path=None)
    path = path.resolve()
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
    return _ProjectReader(path, text).read(top)


class _ProjectReader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path  # orbit.yaml
        self.lines = text.splitlines()
        self._templates: Templates | None = None

    @property
    def templates(self) -> Templates:
        # Jinja2 is imported when a template is first rendered, not when orbit.yaml is read:
        # a pytest run without case files does not pay for it.
        if self._templates is None:
            from ..expr.templating import Templates

            self._templates = Templates()
        return self._templates

    def error(
        self, message: str, container: Any, key: Any, keys: tuple[Any, ...], **extra: Any
    ) -> ProjectFileError:
        line = container.line_of(key) if hasattr(container, "line_of") else None
        snippet = self.lines[line - 1] if line and line <= len(self.lines) else None
        return ProjectFileError(
            message, path=str(self.path), line=line, key_path=keys, snippet=snippet, **extra
        )

    def mapping(self, value: Any, parent: Any, key: Any, keys: tuple[Any, ...]) -> LineDict:
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

    def check_keys(
        self, data: dict[Any, Any], allowed: tuple[str, ...], keys: tuple[Any, ...]
    ) -> None:
        for key in data:
            if key not in allowed:
                raise self.error(
                    f"unknown key '{key}'",
                    data,
                    key,
                    (*keys, key),
                    suggestion=did_you_mean(str(key), allowed),
                    choices=allowed,
                )

    def render(self, value: Any, container: Any, key: Any, keys: tuple[Any, ...]) -> Any:
        try:
            value = plain(value)
            compiled = self.templates.compile_value(value)
            return compiled({}) if compiled else value
        except TemplateRenderError as exc:
            raise self.error(str(exc), container, key, keys) from None
        except Exception as exc:
            from jinja2 import TemplateSyntaxError

            if not isinstance(exc, TemplateSyntaxError):
                raise
            raise self.error(
                f"template syntax error: {exc.message}", container, key, keys
            ) from None

    def read(self, data: Any) -> Project:
        if not isinstance(data, dict):
            raise ProjectFileError(
                f"the top level must be a mapping of {', '.join(_PROJECT_KEYS)}, "
                f"not {type(data).__name__}",
                path=str(self.path),
                line=1,
            )
        self.check_keys(data, _PROJECT_KEYS, ())
        name = data.get("project") or self.path.parent.name
        environments = self.mapping(
            data.get("environments"), data, "environments", ("environments",)
        )
        for env_name, raw in environments.items():
            keys = ("environments", env_name)
            self.check_keys(self.mapping(raw, environments, env_name, keys), _ENV_KEYS, keys)
        default_env = data.get("default_env")
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
                f"database must be a URL string such as {DEFAULT_DATABASE}, "
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
            where = (*keys, key)
            if key == "base_url":
                if not isinstance(value, str):
                    raise self.error("base_url must be a URL string", data, key, where)
                env.base_url = value
            elif key in ("variables", "headers"):
                if not isinstance(value, dict):
                    raise self.error(
                        f"{key} must be a mapping of names to values", data, key, where
                    )
                if key == "headers":
                    for name, header in value.items():
                        if isinstance(header, (dict, list)):
                            raise self.error(
                                f"header {name} must be one text value, not "
                                f"{'a mapping' if isinstance(header, dict) else 'a list'}",
                                data[key] if isinstance(data[key], dict) else data,
                                name if isinstance(data[key], dict) else key,
                                (*where, name),
                            )
                setattr(
                    env,
                    key,
                    dict(value)
                    if key == "variables"
                    else {str(k): str(v) for k, v in value.items()},
                )
            elif key == "verify":
                if not isinstance(value, (bool, str)):
                    raise self.error(
                        "verify must be true, false or the path of a CA bundle", data, key, where
                    )
                env.verify = self.local_path(value) if isinstance(value, str) else value
                if isinstance(env.verify, str) and not Path(env.verify).is_file():
                    raise self.error(
                        f"verify: CA bundle {value!r} does not exist "
                        "(paths are relative to orbit.yaml)",
                        data,
                        key,
                        where,
                    )
            elif key == "timeout":
                problem = timeout_problem(value)
                if problem:
                    raise self.error(problem, data, key, where)
                env.timeout = float(value)
            elif key == "secrets":
                if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                    raise self.error("secrets must be a list of variable names", data, key, where)
                env.secrets = list(value)
            elif key == "cert":
                if isinstance(value, str):
                    env.cert = self.local_path(value)
                elif (
                    isinstance(value, list)
                    and len(value) == 2
                    and all(isinstance(v, str) for v in value)
                ):
                    env.cert = [self.local_path(v) for v in value]
                else:
                    raise self.error(
                        "cert must be the path of a client certificate, or [certificate, key]",
                        data,
                        key,
                        where,
                    )
        return env

    def local_path(self, value: str) -> str:
        """A path written in orbit.yaml, relative to orbit.yaml's folder."""
        return str((self.path.parent / Path(value).expanduser()).resolve())

    def notify(self, data: Any, *, render: bool) -> dict[str, Any]:
        data = self.mapping(data, None, "notify", ("notify",))
        maybe_render = self.render if render else (lambda value, *_: value)
        self.check_keys(data, _NOTIFY_KEYS, ("notify",))
        result: dict[str, Any] = {}
        if "email" in data:
            email = self.mapping(data["email"], data, "email", ("notify", "email"))
            self.check_keys(email, _EMAIL_KEYS, ("notify", "email"))
            for required in _EMAIL_KEYS:
                if required not in email:
                    raise self.error(
                        f"notify.email needs '{required}'", data, "email", ("notify", "email")
                    )
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
                self.check_keys(hook, _WEBHOOK_KEYS, keys)
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
                result["webhooks"].append(
                    {k: maybe_render(v, hook, k, (*keys, k)) for k, v in hook.items()}
                )
        return result
