"""Send every notification of one run, retrying each a few times, never failing the run.

A mail relay that is down or a webhook that answers 500 is logged and retried with a short
backoff; after the last attempt the failure is logged and reported back, but a schedule's
status says whether its *run* was made, not whether the messages arrived.

E-mail goes to each owner separately (each sees their own groups). A webhook posts into a
shared channel, so it gets one message per run listing every group: one message per owner
there would repeat the same news to the same people.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from ..errors import OrbitError
from . import email as mail
from . import webhooks
from .message import RunSummary, groups_by_owner, html_body, subject, text_body

log = logging.getLogger("pytest_testorbit.notify")

DEFAULT_BACKOFF = (0.5, 1.0, 2.0)  # seconds before the 2nd, 3rd and 4th attempts


@dataclass
class Delivery:
    """What happened to one message: the channel, the recipient, and the last error if any."""

    channel: str  # "email" or the webhook kind
    target: str  # an address, or the webhook's URL without its query
    attempts: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Notifier:
    """Sends a run's notifications; the clock, sleep and senders are injectable for tests."""

    config: dict[str, Any]  # Project.notify, rendered
    backoff: Sequence[float] = DEFAULT_BACKOFF
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    smtp_context: Any = None  # an ssl.SSLContext for a test relay
    deliveries: list[Delivery] = field(default_factory=list)

    def _attempt(self, delivery: Delivery, send: Callable[[], None]) -> None:
        delays = [0.0, *self.backoff]
        for index, delay in enumerate(delays):
            if delay:
                self.sleep(delay)
            delivery.attempts = index + 1
            try:
                send()
            except Exception as exc:  # any failure of a relay or a hook is retried, then logged
                delivery.error = f"{type(exc).__name__}: {exc}"
                last = index == len(delays) - 1
                log.log(
                    logging.ERROR if last else logging.WARNING,
                    "notification by %s to %s failed (attempt %d of %d): %s",
                    delivery.channel,
                    delivery.target,
                    index + 1,
                    len(delays),
                    delivery.error,
                )
            else:
                delivery.error = None
                log.info("notification by %s sent to %s", delivery.channel, delivery.target)
                break
        self.deliveries.append(delivery)

    def send_email(self, summary: RunSummary, owners: list[str], owners_from_groups: bool) -> None:
        settings_raw = self.config.get("email")
        if not settings_raw or not owners:
            return
        try:
            settings = mail.parse_smtp_url(str(settings_raw["smtp"]))
        except OrbitError as exc:
            log.error("e-mail notifications are off: %s", exc)
            self.deliveries.append(Delivery("email", "(config)", 0, str(exc)))
            return
        sender = str(settings_raw["from"])
        for owner, groups in groups_by_owner(
            summary.groups, owners, owners_from_groups=owners_from_groups
        ).items():
            message = mail.build_message(
                sender,
                owner,
                subject(summary, groups),
                text_body(summary, groups),
                html_body(summary, groups),
            )

            def send(message: EmailMessage = message) -> None:
                mail.send_message(settings, message, context=self.smtp_context)

            self._attempt(Delivery("email", owner), send)

    def send_webhooks(self, summary: RunSummary) -> None:
        for hook in self.config.get("webhooks") or []:
            kind = str(hook["kind"])

            def send(hook: dict[str, Any] = hook, kind: str = kind) -> None:
                # Built per attempt: a retried signature needs a fresh timestamp.
                request = webhooks.build_request(hook, summary, summary.groups, self.clock)
                webhooks.post(kind, request)

            self._attempt(Delivery(kind, webhooks.describe_url(str(hook["url"]))), send)

    def notify_run(
        self, summary: RunSummary, owners: list[str], *, owners_from_groups: bool
    ) -> list[Delivery]:
        """Send the e-mails and the webhooks of one run; returns what happened to each."""
        self.deliveries = []
        self.send_email(summary, owners, owners_from_groups)
        self.send_webhooks(summary)
        return self.deliveries
