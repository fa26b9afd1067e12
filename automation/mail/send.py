"""The outbox, the sent-log and SMTP delivery with retries and backoff."""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import ssl
import time
from email.message import EmailMessage
from email import policy
from email.parser import BytesParser
from pathlib import Path

from .settings import EmailSettings

log = logging.getLogger("shopbook.mail")
SENT_LOG = "sent.json"


class SendFailed(Exception):
    """Every attempt failed; the message stays in the outbox."""


def write_outbox(outbox: Path, stem: str, msg: EmailMessage, html: str) -> tuple[Path, Path]:
    outbox.mkdir(parents=True, exist_ok=True)
    eml, preview = outbox / f"{stem}.eml", outbox / f"{stem}.html"
    tmp = eml.with_suffix(".eml.tmp")
    tmp.write_bytes(msg.as_bytes(policy=policy.SMTP))
    tmp.replace(eml)
    preview.write_text(html, encoding="utf-8")
    return eml, preview


def read_eml(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def sent_log(outbox: Path) -> dict:
    path = outbox / SENT_LOG
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def record_sent(outbox: Path, key: str, msg: EmailMessage) -> None:
    entries = sent_log(outbox)
    entries[key] = {"sent_at": dt.datetime.now().isoformat(timespec="seconds"), "to": msg["To"],
                    "message_id": msg["Message-ID"]}
    path = outbox / SENT_LOG
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)


def _context(settings: EmailSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.ca_file) if settings.ca_file else ssl.create_default_context()


def _deliver_once(settings: EmailSettings, msg: EmailMessage, password: str | None) -> None:
    if settings.security == "ssl":
        server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=_context(settings))
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with server:
        if settings.security == "starttls":
            server.starttls(context=_context(settings))
        if settings.username and password:
            server.login(settings.username, password)
        server.send_message(msg)


def deliver(settings: EmailSettings, msg: EmailMessage, sleep=time.sleep) -> int:
    """Send with retries (delay doubles each time). Returns the number of attempts; raises SendFailed."""
    password = settings.password()
    attempts = settings.retries + 1
    for attempt in range(1, attempts + 1):
        try:
            _deliver_once(settings, msg, password)
            return attempt
        except (OSError, smtplib.SMTPException) as exc:  # never log the password: only the error class and text
            log.warning("send attempt %d/%d failed: %s", attempt, attempts, type(exc).__name__)
            if attempt == attempts:
                raise SendFailed(f"{type(exc).__name__}: {exc}") from None
            sleep(settings.retry_delay * 2 ** (attempt - 1))
    raise SendFailed("no attempt made")
