"""JSON Schema validators, built once per schema (jsonschema is imported on first use)."""

from __future__ import annotations

import json
from typing import Any

_validators: dict[str, Any] = {}


def validator_for(schema: dict[str, Any]) -> Any:
    key = json.dumps(schema, sort_keys=True, default=str)
    validator = _validators.get(key)
    if validator is None:
        import jsonschema
        from referencing import Registry

        # Collection checked the schema; an empty registry means nothing is ever fetched.
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        validator = cls(schema, format_checker=cls.FORMAT_CHECKER, registry=Registry())
        _validators[key] = validator
    return validator
