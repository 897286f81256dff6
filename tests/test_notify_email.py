"""E-mail notifications against a real SMTP relay (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import logging

import pytest

from notify_servers import smtp_relay
from pytest_testorbit.errors import UsageError
from pytest_testorbit.notify.dispatch import Notifier
from pytest_testorbit.notify.email import parse_smtp_url
from pytest_testorbit.notify.message import RunSummary
from pytest_testorbit.outcomes import GroupIdentity, GroupOutcome, StepReport


def outcome(group_id: str, owners: list[str], *results: str) -> GroupOutcome:
    steps = [StepReport(f"s{i}", i, f"s{i}", result) for i, result in enumerate(results)]
    identity = GroupIdentity(f"{group_id}.orbit.yaml", group_id, "", owners=owners)
    return GroupOutcome(identity, steps=steps)


def run_summary() -> RunSummary:
    return RunSummary(
        run_id="r-1",
        project="shop",
        environment="local",
        status="failed",
        schedule_id=1,
        schedule_name="nightly",
        groups=[
            outcome("checkout", ["alice@example.com"], "passed", "failed"),
            outcome("login", ["bob@example.com"], "passed", "passed"),
        ],
    )


def test_smtp_urls_give_host_port_login_and_tls_mode() -> None:
    s = parse_smtp_url("smtp://orbit:p%40ss@mail.example.com:587?starttls=true")
    assert (s.host, s.port, s.user, s.password, s.starttls, s.ssl) == (
        "mail.example.com",
        587,
        "orbit",
        "p@ss",
        True,
        False,
    )
    s = parse_smtp_url("smtps://mail.example.com")
    assert (s.port, s.ssl, s.user) == (465, True, None)
    assert parse_smtp_url("smtp://relay").port == 25
    assert parse_smtp_url("smtps://u:secret@h:465").describe() == "smtps://u@h:465"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://mail.example.com",
            "notify.email.smtp must be an smtp:// or smtps:// URL, "
            "not 'http' (example: smtp://user:password@mail.example.com:587?starttls=true)",
        ),
        ("smtp://", "notify.email.smtp has no host (example: smtp://mail.example.com:25)"),
        ("smtp://h:port", "notify.email.smtp has a port that is not a number"),
        (
            "smtp://h?starttls=maybe",
            "notify.email.smtp: starttls must be true or false, not 'maybe'",
        ),
    ],
)
def test_a_wrong_smtp_url_says_what_to_write(url: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_smtp_url(url)
    assert str(info.value) == message


def test_each_owner_gets_one_multipart_mail_with_their_groups() -> None:
    with smtp_relay() as box:
        config = {"email": {"smtp": f"smtp://{box.host}:{box.port}", "from": "orbit@example.com"}}
        deliveries = Notifier(config).notify_run(
            run_summary(), ["alice@example.com", "bob@example.com"], owners_from_groups=True
        )
    assert [d.ok for d in deliveries] == [True, True]
    assert sorted(m["To"] for m in box.messages) == ["alice@example.com", "bob@example.com"]
    alice = next(m for m in box.messages if m["To"] == "alice@example.com")
    assert alice["Subject"] == "[orbit] nightly on local: 0/1 groups passed"
    assert alice["From"] == "orbit@example.com"
    assert alice.get_content_type() == "multipart/alternative"
    text, html = (part.get_payload(decode=True).decode() for part in alice.get_payload())
    assert "- checkout: 50% (1/2 steps), failed: s1" in text
    assert "login" not in text
    assert "<td>checkout</td><td>50%</td>" in html


def test_the_relay_login_uses_the_url_user_and_password() -> None:
    with smtp_relay(password="s3cret") as box:
        config = {
            "email": {
                "smtp": f"smtp://orbit:s3cret@{box.host}:{box.port}",
                "from": "orbit@example.com",
            }
        }
        deliveries = Notifier(config).notify_run(
            run_summary(), ["ops@example.com"], owners_from_groups=False
        )
    assert deliveries[0].ok
    assert box.logins == [("orbit", "s3cret")]
    assert len(box.messages) == 1


def test_a_refused_login_is_retried_then_logged_and_never_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sleeps: list[float] = []
    with smtp_relay(password="right") as box:
        config = {
            "email": {
                "smtp": f"smtp://orbit:wrong@{box.host}:{box.port}",
                "from": "orbit@example.com",
            }
        }
        with caplog.at_level(logging.WARNING, logger="pytest_testorbit.notify"):
            deliveries = Notifier(config, sleep=sleeps.append).notify_run(
                run_summary(), ["ops@example.com"], owners_from_groups=False
            )
    (delivery,) = deliveries
    assert not delivery.ok and delivery.attempts == 4
    assert "SMTPAuthenticationError" in (delivery.error or "")
    assert sleeps == [0.5, 1.0, 2.0]
    assert box.messages == []
    last = caplog.records[-1]
    assert last.levelno == logging.ERROR
    assert last.getMessage().startswith(
        "notification by email to ops@example.com failed (attempt 4 of 4): SMTPAuthenticationError"
    )


def test_a_relay_that_is_down_does_not_stop_the_webhooks() -> None:
    config = {"email": {"smtp": "smtp://127.0.0.1:9", "from": "orbit@example.com"}}
    deliveries = Notifier(config, backoff=(0.0,)).notify_run(
        run_summary(), ["ops@example.com"], owners_from_groups=False
    )
    assert [(d.channel, d.attempts, d.ok) for d in deliveries] == [("email", 2, False)]


def test_a_bad_smtp_url_is_logged_once_and_sends_nothing(caplog: pytest.LogCaptureFixture) -> None:
    config = {"email": {"smtp": "mail.example.com", "from": "orbit@example.com"}}
    with caplog.at_level(logging.ERROR, logger="pytest_testorbit.notify"):
        deliveries = Notifier(config).notify_run(
            run_summary(), ["ops@example.com"], owners_from_groups=False
        )
    assert [(d.channel, d.attempts) for d in deliveries] == [("email", 0)]
    assert caplog.messages == [
        "e-mail notifications are off: notify.email.smtp must be an smtp:// or smtps:// URL, "
        "not 'mail.example.com' (example: smtp://user:password@mail.example.com:587?starttls=true)"
    ]
