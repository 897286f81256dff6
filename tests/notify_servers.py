"""Real servers on 127.0.0.1 for the notification tests: an aiosmtpd relay that keeps mail.

Not a test module (no ``test_`` prefix); the schedule and notify tests import it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.box.envelopes.append(envelope)
        self.box.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@contextmanager
def smtp_relay(*, password: str | None = None) -> Iterator[Mailbox]:
    """A relay on a free port; with ``password``, AUTH LOGIN/PLAIN is offered and checked."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    box = Mailbox("127.0.0.1", free_port())

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        user = data.login.decode()
        given = data.password.decode()
        box.logins.append((user, given))
        return AuthResult(success=given == password, handled=False)

    kwargs: dict[str, Any] = {}
    if password is not None:
        kwargs = {"authenticator": authenticator, "auth_require_tls": False}
    controller = Controller(_Handler(box), hostname=box.host, port=box.port, **kwargs)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
