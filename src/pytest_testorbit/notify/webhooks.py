"""Chat and JSON webhooks: one request body per kind, signed where the service wants it.

Signatures follow each vendor's published recipe, with the clock passed in so tests can
check them byte for byte:

- DingTalk: ``sign = urlencode(base64(HMAC-SHA256(key=secret, msg="{ms}\\n{secret}")))``,
  sent with ``timestamp`` (milliseconds) in the query string.
- Feishu: ``sign = base64(HMAC-SHA256(key="{s}\\n{secret}", msg=""))``, sent with
  ``timestamp`` (seconds, as a string) in the JSON body.

Slack gets ``{"text": ...}``, WeCom a markdown message, ``json`` the run summary itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from ..outcomes import GroupOutcome
from .message import RunSummary, markdown_body, subject, text_body

Clock = Callable[[], float]  # seconds since the epoch, like time.time


@dataclass(frozen=True)
class WebhookRequest:
    url: str
    body: dict[str, Any]


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature, already URL-encoded as its query string expects."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature: the key is the string to sign and the message is empty."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _with_query(url: str, **params: str) -> str:
    """Add parameters to a URL that may already carry some (DingTalk's access_token)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    encoded = urlencode(query)
    # The sign is URL-encoded by the recipe; appending it raw keeps it encoded exactly once.
    extra = "&".join(f"{key}={value}" for key, value in params.items())
    return urlunsplit(parts._replace(query=f"{encoded}&{extra}" if encoded else extra))


def build_request(
    hook: dict[str, Any], summary: RunSummary, groups: list[GroupOutcome], clock: Clock = time.time
) -> WebhookRequest:
    """The URL and JSON body for one configured webhook (``kind``, ``url``, ``secret``)."""
    kind, url, secret = hook["kind"], str(hook["url"]), hook.get("secret")
    text = text_body(summary, groups)
    if kind == "slack":
        return WebhookRequest(url, {"text": text})
    if kind == "dingtalk":
        body = {
            "msgtype": "markdown",
            "markdown": {"title": subject(summary, groups), "text": markdown_body(summary, groups)},
        }
        if secret:
            now_ms = int(clock() * 1000)
            url = _with_query(url, timestamp=str(now_ms), sign=dingtalk_sign(str(secret), now_ms))
        return WebhookRequest(url, body)
    if kind == "feishu":
        body = {"msg_type": "text", "content": {"text": text}}
        if secret:
            now_s = int(clock())
            body = {"timestamp": str(now_s), "sign": feishu_sign(str(secret), now_s), **body}
        return WebhookRequest(url, body)
    if kind == "wecom":
        return WebhookRequest(
            url, {"msgtype": "markdown", "markdown": {"content": markdown_body(summary, groups)}}
        )
    if kind == "json":
        return WebhookRequest(url, summary.to_dict(groups))
    raise ValueError(f"unknown webhook kind {kind!r}")  # orbit.yaml's loader rejects these


def describe_url(url: str) -> str:
    """A webhook URL for logs: its host and path, never the token in its query."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


def check_response(kind: str, status: int, payload: Any) -> None:
    """Raise when the service refused the message, even with HTTP 200.

    DingTalk (``errcode``), WeCom (``errcode``) and Feishu (``code`` / ``StatusCode``)
    answer 200 with an error code in the body when a signature or keyword is wrong.
    """
    if status >= 400:
        raise RuntimeError(f"HTTP {status}")
    if not isinstance(payload, dict):
        return
    if kind in ("dingtalk", "wecom") and payload.get("errcode", 0) != 0:
        raise RuntimeError(f"errcode {payload.get('errcode')}: {payload.get('errmsg')}")
    if kind == "feishu":
        code = payload.get("code", payload.get("StatusCode", 0))
        if code not in (0, None):
            raise RuntimeError(f"code {code}: {payload.get('msg') or payload.get('StatusMessage')}")


def post(kind: str, request: WebhookRequest, timeout: float = 10.0) -> None:
    """Send one webhook request; errors propagate to the caller's retry loop."""
    import requests  # a dependency of the package anyway; imported when a hook is sent

    response = requests.post(request.url, json=request.body, timeout=timeout)
    try:
        payload = response.json()
    except ValueError:
        payload = None
    check_response(kind, response.status_code, payload)
