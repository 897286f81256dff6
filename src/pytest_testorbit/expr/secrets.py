"""Masking secrets by value: once a value is known to be secret, it is ``***`` everywhere.

A value becomes secret when it is named in ``secrets:``, read through ``{{ env.NAME }}``,
extracted with ``secret: true``, or seen in a credential: an ``Authorization``,
``Proxy-Authorization``, ``Cookie`` or ``Set-Cookie`` header, a basic-auth password, the
user and password of a URL. From then on the value is masked in every text that leaves
the runner (failure reports, the stored URL and message, pytest's report), and so are the
forms it takes on the way: URL-encoded (``quote``, ``quote_plus``), base64 (standard and
URL-safe, with and without padding) and JSON-escaped.

Values shorter than ``MIN_LENGTH`` characters are not masked by value: ``1``, ``on`` or
``200`` occur in ordinary text, and replacing them everywhere would wreck a report (and,
by where the stars fall, tell what the secret is) while hiding nothing worth hiding. They
are still masked where their place is known: a credential header's value, a URL's password,
a variable named a secret in ``variables:``.

Each group instance has its own ``Secrets`` whose ``parent`` is the session's (environment
reads, shared by every group): a token of one group adds nothing to another group's work.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, quote_plus, unquote, urlsplit

MASK = "***"
MIN_LENGTH = 4
CREDENTIAL_HEADERS = frozenset(("authorization", "proxy-authorization", "cookie", "set-cookie"))
# ``scheme://user:password@``: the password is masked by its place, whatever its length.
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]*:)[^/@\s]+@")


def forms(value: str) -> set[str]:
    """``value`` and the encodings it may be shown in."""
    found = {value, quote(value, safe=""), quote(value), quote_plus(value)}
    raw = value.encode("utf-8")
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode("ascii")
        found |= {text, text.rstrip("=")}
    found.add(json.dumps(value)[1:-1])  # non-ASCII as \uXXXX, quotes and backslashes escaped
    return {form for form in found if len(form) >= MIN_LENGTH}


class Secrets:
    """The secret values of one scope, and its parent's; ``mask`` hides them all."""

    def __init__(self, parent: Secrets | None = None) -> None:
        self.parent = parent
        self._values: set[str] = set()
        self._version = 0
        self._ordered: list[str] = []
        self._ordered_for: tuple[int, int] = (-1, -1)

    # -- registering -----------------------------------------------------------------------

    def add(self, value: Any) -> None:
        """Mask ``value`` (and its encoded forms) from now on; short values are left alone."""
        text = "" if value is None else str(value)
        if len(text) < MIN_LENGTH:
            return
        new = forms(text) - self._values
        if new:
            self._values |= new
            self._version += 1

    def add_basic_auth(self, user: Any, password: Any) -> None:
        self.add(password)
        self.add(f"{user}:{password}")  # and so its base64, the Authorization header's value

    def add_header(self, name: str, value: Any) -> None:
        """A header's value, if the header carries a credential; other headers are ignored."""
        lowered = name.lower()
        if lowered not in CREDENTIAL_HEADERS:
            return
        text = str(value)
        self.add(text)
        if lowered.endswith("authorization"):
            scheme, _, credential = text.partition(" ")
            self.add(credential.strip())
            if scheme.lower() == "basic":
                self._add_basic_credential(credential.strip())
        else:  # Cookie: a=1; b=2 / Set-Cookie: sid=abc; Path=/; HttpOnly
            pieces = text.split(";") if lowered == "cookie" else text.split(";")[:1]
            for piece in pieces:
                _, _, cookie = piece.partition("=")
                self.add(cookie.strip())

    def _add_basic_credential(self, encoded: str) -> None:
        try:
            decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return
        user, _, password = decoded.partition(":")
        self.add_basic_auth(user, password)

    def add_url(self, url: str) -> None:
        """The user and password of ``scheme://user:password@host/``, if it has them."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return
        for part in (parts.username, parts.password):
            if part:
                self.add(part)
                self.add(unquote(part))

    # -- masking ---------------------------------------------------------------------------

    def _all(self) -> list[str]:
        """Every value of this scope and its parents, longest first (a secret holding another
        is masked whole); sorted again only when a value was added."""
        parent_version = self.parent._version_sum() if self.parent else 0
        if self._ordered_for != (self._version, parent_version):
            values = set(self._values)
            scope = self.parent
            while scope is not None:
                values |= scope._values
                scope = scope.parent
            self._ordered = sorted(values, key=lambda value: (-len(value), value))
            self._ordered_for = (self._version, parent_version)
        return self._ordered

    def _version_sum(self) -> int:
        return self._version + (self.parent._version_sum() if self.parent else 0)

    def __bool__(self) -> bool:
        return bool(self._all())

    def mask(self, text: str) -> str:
        for value in self._all():
            if value in text:
                text = text.replace(value, MASK)
        if "@" in text:
            text = _URL_PASSWORD.sub(rf"\g<head>{MASK}@", text)
        return text

    def mask_value(self, value: Any) -> Any:
        """``mask`` through lists and mappings, for variables and bodies shown to people."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, Mapping):
            return {key: self.mask_value(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.mask_value(item) for item in value]
        return value


def mask_header(name: str, value: str) -> str:
    """A credential header as a report shows it: ``Bearer ***``, ``***``; others unchanged."""
    lowered = name.lower()
    if lowered not in CREDENTIAL_HEADERS:
        return value
    scheme, _, rest = value.partition(" ")
    return f"{scheme} {MASK}" if rest and lowered.endswith("authorization") else MASK
