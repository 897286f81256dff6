"""One group instance's state: its variables, its secrets and its HTTP session."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import requests

from ..cases.model import Value
from ..cases.project import Environment
from ..expr.secrets import MASK, Secrets
from ..expr.templating import Templates


class RunStopped(Exception):  # control flow, not an error
    """The run is stopping (``-x``, Ctrl-C): a request not yet sent is never sent."""


class GroupRun:
    """Variables of one group instance: environment < group < parametrize row < extracted.

    Each instance has its own dict and its own ``requests.Session`` (cookies, keep-alive), so
    nothing leaks from one group to another.
    """

    def __init__(
        self,
        templates: Templates,
        environment: Environment,
        group_variables: Mapping[str, Value] = {},
        row: Mapping[str, Value] = {},
        extra: Mapping[str, Any] = {},
    ) -> None:
        self.templates = templates
        # This group's secrets on top of the session's (env. reads): a token seen here is
        # masked in this group's output from then on, and costs other groups nothing.
        self.secrets = Secrets(parent=templates.secrets)
        self.environment = environment
        self.secret_names = set(environment.secrets)
        self.variables: dict[str, Any] = {}
        self.set_many(environment.variables)
        self.set_many(extra)
        for layer in (group_variables, row):
            for name, value in layer.items():
                self.set(name, value(self.variables))
        self._session: requests.Session | None = None
        # Set when the run stops while this group runs on a worker thread
        # (--orbit-concurrency): checked before every request.
        self.stop: threading.Event | None = None

    def set(self, name: str, value: Any, *, secret: bool = False) -> None:
        """Set a variable; a secret one (``secrets:``, ``extract ... secret: true``) is
        masked by value from now on, and by name in ``variables:``."""
        self.variables[name] = value
        if secret:
            self.secret_names.add(name)
        if name in self.secret_names:
            self.secrets.add(value)

    def set_many(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            self.set(name, value)

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            session = requests.Session()
            if not _proxies_or_netrc_configured():
                # requests would read proxies, CA bundles and ~/.netrc from the environment on
                # every request: a large share of a fast API's time. With no proxy and no
                # .netrc, the CA bundle is the only thing it could find; it is set here once.
                session.trust_env = False
                if session.verify is True:
                    session.verify = _ca_bundle_from_environment() or True
            session.headers.update(self.environment.headers)
            session.verify = self.environment.verify
            if self.environment.cert:
                cert = self.environment.cert
                session.cert = tuple(cert) if isinstance(cert, list) else cert  # type: ignore[assignment]  # requests takes str or (cert, key)
            self._session = session
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def shown_variables(self, names: Iterable[str] | None = None) -> dict[str, Any]:
        """The variables in play, secrets masked, for failure reports."""
        chosen = (
            self.variables
            if names is None
            else {n: self.variables[n] for n in names if n in self.variables}
        )
        return {
            name: MASK if name in self.secret_names else self.secrets.mask_value(value)
            for name, value in chosen.items()
        }


_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "netrc")


@functools.lru_cache(maxsize=1)
def _proxies_or_netrc_configured() -> bool:
    names = {name.lower() for name in os.environ}
    if any(variable in names for variable in _PROXY_VARIABLES):
        return True
    home = Path.home()
    return (home / ".netrc").exists() or (home / "_netrc").exists()


def _ca_bundle_from_environment() -> str | None:
    # The same variables, in the same order, as requests reads them.
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
