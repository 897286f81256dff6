"""Webhooks against a real HTTP receiver (pytest-httpserver), signatures checked with a fixed
clock against each vendor's published recipe."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pytest_testorbit.notify.dispatch import Notifier
from pytest_testorbit.notify.message import RunSummary
from pytest_testorbit.notify.webhooks import (
    build_request,
    describe_url,
    dingtalk_sign,
    feishu_sign,
)
from pytest_testorbit.outcomes import GroupIdentity, GroupOutcome, StepReport

CLOCK = 1_700_000_000.123  # a fixed time.time()
SECRET = "SEC0123456789abcdef"


def summary() -> RunSummary:
    steps = [StepReport("login", 0, "login", "passed"), StepReport("pay", 1, "pay", "failed")]
    identity = GroupIdentity("checkout.orbit.yaml", "checkout", "", owners=["a@example.com"])
    group = GroupOutcome(identity, steps=steps)
    return RunSummary(
        run_id="run-9",
        project="shop",
        environment="staging",
        status="failed",
        schedule_id=3,
        schedule_name="nightly",
        groups=[group],
    )


class Receiver:
    """Records every request to one path and answers with ``reply``."""

    def __init__(self, server: HTTPServer, path: str, reply: Any = None, status: int = 200):
        self.requests: list[Request] = []
        self.bodies: list[Any] = []

        def handler(request: Request) -> Response:
            self.requests.append(request)
            self.bodies.append(json.loads(request.get_data()))
            return Response(json.dumps(reply or {}), status=status, content_type="application/json")

        server.expect_request(path, method="POST").respond_with_handler(handler)


def send(hooks: list[dict[str, Any]], **kwargs: Any) -> list[Any]:
    notifier = Notifier({"webhooks": hooks}, clock=lambda: CLOCK, sleep=lambda _s: None, **kwargs)
    return notifier.notify_run(summary(), ["a@example.com"], owners_from_groups=True)


def test_dingtalk_signature_is_the_documented_hmac_of_timestamp_and_secret() -> None:
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"1700000000123\n{SECRET}".encode(), hashlib.sha256).digest()
    )
    assert dingtalk_sign(SECRET, 1_700_000_000_123) == quote_plus(expected)


def test_feishu_signature_keys_the_hmac_with_timestamp_and_secret() -> None:
    expected = hmac.new(f"1700000000\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    assert feishu_sign(SECRET, 1_700_000_000) == base64.b64encode(expected).decode()


def test_slack_gets_the_text(httpserver: HTTPServer) -> None:
    receiver = Receiver(httpserver, "/slack")
    (delivery,) = send([{"kind": "slack", "url": httpserver.url_for("/slack")}])
    assert delivery.ok
    (body,) = receiver.bodies
    assert list(body) == ["text"]
    assert "- checkout: 50% (1/2 steps), failed: pay" in body["text"]


def test_dingtalk_is_signed_in_the_query_and_keeps_its_access_token(
    httpserver: HTTPServer,
) -> None:
    receiver = Receiver(httpserver, "/robot/send", reply={"errcode": 0, "errmsg": "ok"})
    url = httpserver.url_for("/robot/send") + "?access_token=tok"
    (delivery,) = send([{"kind": "dingtalk", "url": url, "secret": SECRET}])
    assert delivery.ok
    (request,) = receiver.requests
    query = parse_qs(urlsplit(request.url).query)
    assert query["access_token"] == ["tok"]
    assert query["timestamp"] == ["1700000000123"]
    digest = hmac.new(SECRET.encode(), f"1700000000123\n{SECRET}".encode(), hashlib.sha256)
    assert query["sign"] == [base64.b64encode(digest.digest()).decode()]  # decoded once
    body = receiver.bodies[0]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "[orbit] nightly on staging: 0/1 groups passed"
    assert "- **checkout** 50% (1/2 steps), failed: pay" in body["markdown"]["text"]


def test_feishu_is_signed_in_the_body(httpserver: HTTPServer) -> None:
    receiver = Receiver(httpserver, "/hook", reply={"code": 0, "msg": "success"})
    (delivery,) = send([{"kind": "feishu", "url": httpserver.url_for("/hook"), "secret": SECRET}])
    assert delivery.ok
    body = receiver.bodies[0]
    assert body["timestamp"] == "1700000000"
    digest = hmac.new(f"1700000000\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    assert body["sign"] == base64.b64encode(digest).decode()
    assert body["msg_type"] == "text" and "checkout: 50%" in body["content"]["text"]


def test_unsigned_hooks_carry_no_signature() -> None:
    request = build_request({"kind": "feishu", "url": "https://f/x"}, summary(), [])
    assert "sign" not in request.body
    request = build_request(
        {"kind": "dingtalk", "url": "https://d/x?access_token=t"}, summary(), []
    )
    assert request.url == "https://d/x?access_token=t"


def test_wecom_gets_markdown(httpserver: HTTPServer) -> None:
    receiver = Receiver(httpserver, "/wecom", reply={"errcode": 0})
    send([{"kind": "wecom", "url": httpserver.url_for("/wecom")}])
    body = receiver.bodies[0]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["content"].startswith("### nightly on staging: 0/1 groups passed")


def test_json_gets_the_run_summary(httpserver: HTTPServer) -> None:
    receiver = Receiver(httpserver, "/orbit")
    send([{"kind": "json", "url": httpserver.url_for("/orbit")}])
    body = receiver.bodies[0]
    assert body["run"]["id"] == "run-9" and body["schedule"] == {"id": 3, "name": "nightly"}
    assert body["groups"][0]["group"] == "checkout" and body["groups"][0]["pass_rate"] == 0.5


def test_a_failing_hook_is_retried_with_backoff_then_logged(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    receiver = Receiver(httpserver, "/down", status=503)
    sleeps: list[float] = []
    with caplog.at_level(logging.WARNING, logger="pytest_testorbit.notify"):
        notifier = Notifier(
            {"webhooks": [{"kind": "slack", "url": httpserver.url_for("/down")}]},
            clock=lambda: CLOCK,
            sleep=sleeps.append,
        )
        (delivery,) = notifier.notify_run(summary(), [], owners_from_groups=True)
    assert (delivery.ok, delivery.attempts, delivery.error) == (False, 4, "RuntimeError: HTTP 503")
    assert len(receiver.requests) == 4 and sleeps == [0.5, 1.0, 2.0]
    assert caplog.messages[-1] == (
        f"notification by slack to {httpserver.url_for('/down')} failed (attempt 4 of 4): "
        "RuntimeError: HTTP 503"
    )


def test_an_error_code_in_a_200_answer_counts_as_a_failure(httpserver: HTTPServer) -> None:
    Receiver(httpserver, "/ding", reply={"errcode": 310000, "errmsg": "sign not match"})
    (delivery,) = send(
        [{"kind": "dingtalk", "url": httpserver.url_for("/ding"), "secret": SECRET}], backoff=()
    )
    assert delivery.error == "RuntimeError: errcode 310000: sign not match"


def test_a_retry_recovers_after_one_failure(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/flaky").respond_with_data("busy", status=500)
    httpserver.expect_ordered_request("/flaky").respond_with_json({})
    (delivery,) = send([{"kind": "json", "url": httpserver.url_for("/flaky")}])
    assert (delivery.ok, delivery.attempts) == (True, 2)


def test_logs_never_show_a_webhooks_token() -> None:
    assert describe_url("https://oapi.dingtalk.com/robot/send?access_token=secret") == (
        "https://oapi.dingtalk.com/robot/send"
    )
    assert describe_url("https://user:pw@hooks.example.com/x") == "https://hooks.example.com/x"
