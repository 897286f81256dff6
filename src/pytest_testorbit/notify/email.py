"""E-mail over SMTP: the ``notify.email.smtp`` URL, and one multipart message per owner.

The URL carries everything a mail relay needs: ``smtp://user:pass@host:587?starttls=true``
for submission with STARTTLS, ``smtps://...:465`` for implicit TLS, ``smtp://host:25`` for
an open relay. Login happens only when a user is given. User and password are
percent-decoded, so a password with ``@`` or ``:`` is written ``%40`` / ``%3A``.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import UsageError

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None = None
    password: str | None = None
    ssl: bool = False  # smtps://: TLS from the first byte
    starttls: bool = False  # smtp://...?starttls=true: upgrade after EHLO
    timeout: float = 30.0

    def describe(self) -> str:
        """The relay for logs, with the password left out."""
        scheme = "smtps" if self.ssl else "smtp"
        user = f"{self.user}@" if self.user else ""
        return f"{scheme}://{user}{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpSettings:
    """Read ``smtp://`` / ``smtps://`` URLs; a wrong one is a UsageError naming what to write."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise UsageError(
            f"notify.email.smtp must be an smtp:// or smtps:// URL, not {parts.scheme or url!r}"
            " (example: smtp://user:password@mail.example.com:587?starttls=true)"
        )
    if not parts.hostname:
        raise UsageError("notify.email.smtp has no host (example: smtp://mail.example.com:25)")
    try:
        port = parts.port
    except ValueError:
        raise UsageError("notify.email.smtp has a port that is not a number") from None
    use_ssl = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    starttls = False
    for value in query.get("starttls", []):
        if value.lower() not in (*_TRUE, *_FALSE):
            raise UsageError(f"notify.email.smtp: starttls must be true or false, not {value!r}")
        starttls = value.lower() in _TRUE
    return SmtpSettings(
        host=parts.hostname,
        port=port or (465 if use_ssl else 25),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        ssl=use_ssl,
        starttls=starttls,
    )


def build_message(sender: str, to: str, subject: str, text: str, html: str) -> EmailMessage:
    """A text/plain + text/html alternative, so every mail reader shows something good."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send_message(
    settings: SmtpSettings, message: EmailMessage, *, context: ssl.SSLContext | None = None
) -> None:
    """Deliver one message; smtplib's errors propagate so the caller can retry and log them.

    ``context`` exists for tests against a relay with a self-signed certificate.
    """
    context = context or ssl.create_default_context()
    client: smtplib.SMTP
    if settings.ssl:
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        client.ehlo()
        if settings.starttls:
            client.starttls(context=context)
            client.ehlo()
        if settings.user:
            client.login(settings.user, settings.password or "")
        client.send_message(message)
