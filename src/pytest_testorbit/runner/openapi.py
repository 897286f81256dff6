"""``expect: {openapi: petstore.yaml}``: the response agrees with the description.

The request's method and URL find its operation (as ``orbit coverage`` finds it); the
response's status must be one the operation documents, and a JSON body must match the
schema documented for that status. Nothing is checked for a status documented without a
JSON schema.
"""

from __future__ import annotations

from typing import Any

from ..cases.model import Expect
from .checks import Mismatch, _content_type, schema_errors  # one way to show a mismatch
from .http import NOT_JSON, Sent
from .schemas import validator_for

_JSON_TYPES = ("application/json",)


def openapi_mismatches(expect: Expect, sent: Sent) -> list[Mismatch]:
    from ..openapi.schemas import to_json_schema
    from ..openapi.spec import documented_status

    spec = expect.openapi
    assert sent.response is not None  # checks run only on a response
    where = f"openapi ({expect.openapi_source})"
    operation = spec.find(sent.method, sent.url)
    if operation is None:
        return [
            Mismatch(where, "expected an operation of the description", f"{sent.method} {sent.url}")
        ]
    label = f"{operation.method} {operation.path}"
    documented = list(operation.responses)
    status = sent.response.status_code
    key = documented_status(status, documented)
    if key is None:
        return [
            Mismatch(
                f"{where} status",
                f"expected a status {label} documents: {', '.join(documented)}",
                str(status),
            )
        ]
    content = operation.responses[key].get("content") or {}
    schema = _json_schema(content)
    if schema is None:
        return []
    document = sent.json
    if document is NOT_JSON:
        return [Mismatch(where, f"expected a JSON body ({label} {key})", _content_type(sent))]
    validator = validator_for(to_json_schema(schema, spec.version))
    return schema_errors(validator.iter_errors(document), f"{where} {label} {key}")


def _json_schema(content: dict[str, Any]) -> dict[str, Any] | None:
    for kind, media in content.items():
        base = kind.split(";")[0].strip().lower()
        if (base in _JSON_TYPES or base.endswith("+json")) and isinstance(media, dict):
            schema = media.get("schema")
            return schema if isinstance(schema, dict) else None
    return None
