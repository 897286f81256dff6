"""One step into a case file: printed as a whole group, or appended to a file's ``steps:``.

Appending edits the text, so the file's comments and layout stay as they were: the step is
added at the end when ``steps:`` is the file's last top-level key (as in every file the
importers write). The file is then loaded with the real loader; if it no longer loads, it is
put back as it was and the error says why.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..cases.slugs import slugify
from ..errors import OrbitError, UsageError
from .writer import to_yaml

_TOP_KEY = re.compile(r"^([^\s#-][^:]*):", re.MULTILINE)


def group_text(step: dict[str, Any], name: str = "imported") -> str:
    return to_yaml({"name": name, "steps": [step]})


def _indented_step(step: dict[str, Any], indent: str) -> str:
    lines = to_yaml([step]).splitlines()
    return "".join(f"{indent}{line}\n" for line in lines)


def append_step(path: Path, step: dict[str, Any]) -> str:
    """Add ``step`` to the one group in ``path`` (a new file when there is none yet)."""
    from ..cases.loader import CaseLoader
    from ..expr.templating import Templates

    if not path.exists():
        group = slugify(path.name.split(".")[0]) or "imported"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(group_text(step, group), encoding="utf-8")
        CaseLoader(Templates()).load(path)
        return f"Wrote {path} with the step {step['name']!r}"
    original = path.read_text(encoding="utf-8")
    if "\n---" in original:
        raise UsageError(f"{path} holds several groups; append the step by hand")
    keys = _TOP_KEY.findall(original)
    if not keys or keys[-1].strip() != "steps":
        raise UsageError(
            f"{path}: 'steps:' is not the last top-level key, so the step cannot be appended "
            "without rewriting the file; add it by hand"
        )
    body = original[original.rindex("\nsteps:") + 1 :] if "\nsteps:" in original else original
    item = re.search(r"^( *)- ", body.split("\n", 1)[1] if "\n" in body else "", re.MULTILINE)
    indent = item.group(1) if item else "  "
    text = original if original.endswith("\n") else original + "\n"
    path.write_text(text + _indented_step(step, indent), encoding="utf-8")
    try:
        CaseLoader(Templates()).load(path)
    except OrbitError as exc:
        path.write_text(original, encoding="utf-8")
        first = str(exc).splitlines()[0]
        raise UsageError(
            f"{path} was left as it was: with the step it would not load: {first}"
        ) from None
    return f"Appended the step {step['name']!r} to {path}"
