"""The keys and words of the case-file format: one list each, shared by the loader, the
JSON Schema's tests and the docs' tests, so that none of them can drift from the others."""

from __future__ import annotations

GROUP_KEYS = (
    "name",
    "title",
    "description",
    "owners",
    "tags",
    "parallel",
    "variables",
    "parametrize",
    "on_failure",
    "steps",
)
STEP_KEYS = (
    "name",
    "id",
    "description",
    "request",
    "expect",
    "extract",
    "retry",
    "skip_if",
    "use",
    "with",
)
REQUEST_KEYS = (
    "method",
    "url",
    "params",
    "headers",
    "cookies",
    "json",
    "data",
    "files",
    "auth",
    "timeout",
    "allow_redirects",
    "verify",
)
EXPECT_KEYS = ("status", "headers", "json", "body", "schema", "openapi", "max_ms")
EXTRACT_KINDS = ("json", "path", "header", "cookie", "regex", "status")  # path: json's alias
EXTRACT_OPTIONS = ("secret",)  # beside one kind: {json: $.token, secret: true}
RETRY_KEYS = ("times", "delay", "until")
FILE_KEYS = ("path", "filename", "content_type")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
ON_FAILURE = ("stop", "continue")
