"""Turning a step's request into a real HTTP request, and timing the answer."""

from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from ..cases.model import RequestSpec
from ..cases.paths import OutsideProject, resolve_inside
from ..errors import TemplateRenderError
from .context import GroupRun, RunStopped

DEFAULT_TIMEOUT = 30.0  # seconds; requests would otherwise wait forever


@dataclass
class Sent:
    """The request as sent and the response as received (or the error instead)."""

    method: str
    url: str
    request: requests.PreparedRequest | None
    response: requests.Response | None
    elapsed_ms: float
    error: str | None = None
    asked_url: str = ""  # the URL before redirects: what the store keeps; "" means ``url``
    _json: Any = None
    _json_read: bool = False

    @property
    def json(self) -> Any:
        """The response body parsed as JSON, once; ``NOT_JSON`` when it is not JSON."""
        if not self._json_read:
            self._json_read = True
            try:
                self._json = self.response.json() if self.response is not None else NOT_JSON
            except ValueError:
                self._json = NOT_JSON
        return self._json


NOT_JSON: Any = object()


def join_url(base_url: str, url: str) -> str:
    if "://" in url or not base_url:
        return url
    # urljoin would drop the base's path for "/orders"; a base URL is a prefix here.
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def build_arguments(spec: RequestSpec, run: GroupRun, stack: ExitStack) -> dict[str, Any]:
    context = run.variables
    arguments: dict[str, Any] = {}
    for key, value in spec.options.items():
        rendered = value(context)
        if key in ("headers", "params", "cookies", "files") and not isinstance(rendered, dict):
            # Collection let a whole-value template through; what it gave is known only now.
            raise TemplateRenderError(
                f"request.{key} must be a mapping of names to values; "
                f"its template gave {type(rendered).__name__} {rendered!r}"
            )
        if key == "auth":
            if "basic" in rendered:
                user, password = rendered["basic"]
                arguments["auth"] = (str(user), str(password))
            else:
                arguments.setdefault("headers", {})["Authorization"] = (
                    f"Bearer {rendered['bearer']}"
                )
        elif key == "headers":
            headers = arguments.setdefault("headers", {})
            headers.update({str(k): _header_value(v) for k, v in rendered.items()})
        elif key == "files":
            arguments["files"] = {
                name: _open_file(entry, stack) for name, entry in rendered.items()
            }
        elif key in ("params", "cookies"):
            arguments[key] = {str(k): v for k, v in rendered.items()}
        else:
            arguments[key] = rendered
    arguments.setdefault("timeout", run.environment.timeout or DEFAULT_TIMEOUT)
    # Always explicit: with trust_env on, requests lets REQUESTS_CA_BUNDLE override a
    # session's verify=False (requests issue #3829); a per-request value is honoured.
    arguments.setdefault("verify", run.session.verify)
    return arguments


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _open_file(entry: dict[str, Any], stack: ExitStack) -> tuple[str, Any, str] | tuple[str, Any]:
    written = str(entry["path"])
    # A templated path may come from a response: it too must stay inside the project.
    roots = [Path(root) for root in entry.get("roots") or ()]
    path = resolve_inside(Path(entry.get("base") or "."), written, roots)
    handle = stack.enter_context(path.open("rb"))
    filename = entry.get("filename") or path.name
    if entry.get("content_type"):
        return (filename, handle, entry["content_type"])
    return (filename, handle)


def send(spec: RequestSpec, run: GroupRun) -> Sent:
    """Send the request; connection errors and timeouts come back as ``Sent.error``."""
    context = run.variables
    method = str(spec.method(context)).upper()
    url = join_url(run.environment.base_url, str(spec.url(context)))
    if "://" not in url:
        return Sent(
            method,
            url,
            None,
            None,
            0.0,
            f"the url {url!r} is relative, and environment '{run.environment.name}' "
            "has no base_url (set it in orbit.yaml, or write a full URL)",
        )
    with ExitStack() as stack:
        try:
            arguments = build_arguments(spec, run, stack)
        except OSError as exc:  # a file to upload that cannot be opened
            return Sent(method, url, None, None, 0.0, f"cannot open {exc.filename}: {exc.strerror}")
        except OutsideProject as exc:  # a file to upload outside the project: never read
            return Sent(method, url, None, None, 0.0, f"refused to upload file {exc}")
        session = run.session
        _remember_credentials(run, url, arguments)
        if run.stop is not None and run.stop.is_set():
            raise RunStopped(f"{method} {url} not sent: the run is stopping")
        started = time.perf_counter()
        try:
            response = session.request(method, url, **arguments)
        except requests.Timeout:
            elapsed = (time.perf_counter() - started) * 1000
            return Sent(
                method,
                url,
                None,
                None,
                elapsed,
                f"no answer within the timeout of {arguments['timeout']} s",
            )
        except requests.RequestException as exc:
            elapsed = (time.perf_counter() - started) * 1000
            return Sent(method, url, None, None, elapsed, f"{type(exc).__name__}: {_reason(exc)}")
        except (
            ValueError,
            TypeError,
        ) as exc:  # a templated value of the wrong kind (timeout: "abc")
            elapsed = (time.perf_counter() - started) * 1000
            return Sent(method, url, None, None, elapsed, f"the request could not be made: {exc}")
        elapsed = (time.perf_counter() - started) * 1000
    _remember_exchange(run, response)
    return Sent(method, response.url or url, response.request, response, elapsed, asked_url=url)


def _remember_credentials(run: GroupRun, url: str, arguments: dict[str, Any]) -> None:
    """Everything about to be sent that is a credential becomes a secret of the group."""
    secrets = run.secrets
    secrets.add_url(url)
    for headers in (run.session.headers, arguments.get("headers") or {}):
        for name, value in headers.items():
            secrets.add_header(str(name), value)
    if isinstance(arguments.get("auth"), tuple):
        secrets.add_basic_auth(*arguments["auth"])
    for value in (arguments.get("cookies") or {}).values():
        secrets.add(value)


def _remember_exchange(run: GroupRun, response: requests.Response) -> None:
    """Credentials added on the way (cookies from the jar, redirects, Set-Cookie answers)."""
    secrets = run.secrets
    for answer in (*response.history, response):
        secrets.add_url(answer.url or "")
        if answer.request is not None:
            for name, value in answer.request.headers.items():
                secrets.add_header(name, value)
        for cookie in answer.cookies:
            secrets.add(cookie.value)


def _reason(exc: Exception) -> str:
    # urllib3 wraps the cause several levels deep; the innermost says what happened.
    cause: BaseException = exc
    while cause.__context__ is not None and cause.__context__ is not cause:
        cause = cause.__context__
    text = str(cause) or str(exc)
    return text.split(": ", 1)[-1] if "Errno" in text else text
