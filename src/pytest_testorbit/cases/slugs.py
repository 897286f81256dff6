"""Group and step ids: slugs that pytest node ids, -k and IDEs handle.

A slug keeps the letters and digits of every script (``登录`` stays ``登录``), lowercases,
and turns everything else into single dashes: ``Log In`` → ``log-in``. It never holds
``::``, ``.``, ``@``, ``[``, ``]`` or ``/``, which pytest gives meaning in node ids.
"""

from __future__ import annotations

import re

_NOT_WORD = re.compile(r"[^\w-]+")
_DASHES = re.compile(r"-{2,}")
FORBIDDEN = ("::", ".", "@", "[", "]", "/", " ")


def slugify(text: str) -> str:
    slug = _NOT_WORD.sub("-", str(text).strip().lower())
    return _DASHES.sub("-", slug).strip("-")


_ID = re.compile(r"[\w-]+")


def is_valid_id(text: str) -> bool:
    """An id written out (``id: login``) is letters, digits, ``_`` and ``-`` only."""
    return bool(_ID.fullmatch(text))
