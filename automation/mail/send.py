"""The outbox, the sent-log and SMTP delivery: exactly once, or say plainly that it is not known.

Once the server has answered 250 to the message's end of DATA, the month counts as sent: the
caller records it (`on_accepted`) before QUIT, and nothing that happens on QUIT changes that. A
timeout or lost connection after the whole message was sent is "delivery unknown": it is not
retried (the recipient may already have it). Only transient errors (4xx, refused, reset, timeouts
before DATA) are retried; permanent ones (5xx, authentication, an unknown host, a bad certificate)
stop at once. The whole send has a deadline.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from ..errors import UserError
from ..i18n import register, t
from ..paths import write_atomically
from .addresses import envelope_addresses, needs_smtputf8, wire_policy
from .settings import EmailSettings

log = logging.getLogger("shopbook.mail")
SENT_LOG = "sent.json"
LOCK = ".monthly.lock"

register({
    "mail.outbox_unwritable": ("无法写入发件箱 {path}（{error}）。请检查该文件夹的权限，或在 shop.toml 的 [email] 中把 outbox 改到可写的位置。",
                               "Cannot write to the outbox {path} ({error}). Check the folder's permissions, or point [email] outbox in shop.toml somewhere writable."),
    "mail.locked": ("另一个 shopbook monthly 正在使用发件箱 {path}，等待 {seconds} 秒后仍未结束。请等它完成后再运行。",
                    "Another shopbook monthly is using the outbox {path} and did not finish within {seconds} s. Run again when it is done."),
    "mail.why.unknown_host": ("找不到邮件服务器 {host}（smtp_host 拼写是否正确？）", "the mail server {host} cannot be found (is smtp_host spelled right?)"),
    "mail.why.auth": ("服务器拒绝了用户名或密码（{detail}）", "the server rejected the user name or password ({detail})"),
    "mail.why.no_auth": ("服务器不支持登录（SMTP AUTH）或 STARTTLS：请检查 smtp_port 和 security", "the server does not offer login (SMTP AUTH) or STARTTLS: check smtp_port and security"),
    "mail.why.tls": ("与服务器的加密连接失败（{detail}）：请检查 security 和 ca_file", "the encrypted connection failed ({detail}): check security and ca_file"),
    "mail.why.refused": ("服务器拒收（{code} {detail}）", "the server refused the message ({code} {detail})"),
    "mail.why.busy": ("服务器暂时不可用（{code} {detail}）", "the server is temporarily unavailable ({code} {detail})"),
    "mail.why.network": ("连不上邮件服务器 {host}:{port}（{detail}）", "cannot reach the mail server {host}:{port} ({detail})"),
    "mail.why.deadline": ("超过了发送时限 {seconds} 秒（shop.toml [email] deadline_seconds）", "the send deadline of {seconds} s was reached ([email] deadline_seconds)"),
    "mail.why.no_smtputf8": ("邮件服务器不支持中文邮箱地址（SMTPUTF8）：{addresses}。请换用英文地址，或换一台支持 SMTPUTF8 的服务器",
                             "the mail server does not take non-ASCII addresses (SMTPUTF8): {addresses}. Use an ASCII address, or a server that offers SMTPUTF8"),
    "mail.retry": ("发送第 {attempt}/{attempts} 次失败：{reason}；{delay:.0f} 秒后重试。", "Attempt {attempt}/{attempts} failed: {reason}; retrying in {delay:.0f} s."),
})


class SendFailed(Exception):
    """Not delivered; the message stays in the outbox. `reason` is one translated line."""

    def __init__(self, reason: str, attempts: int, permanent: bool):
        self.reason, self.attempts, self.permanent = reason, attempts, permanent
        super().__init__(reason)


class DeliveryUnknown(Exception):
    """The whole message was sent but no answer came: the recipient may or may not have it."""

    def __init__(self, reason: str, attempts: int):
        self.reason, self.attempts = reason, attempts
        super().__init__(reason)


def outbox_unwritable(outbox: Path, exc: OSError) -> UserError:
    return UserError("mail.outbox_unwritable", path=outbox, error=exc.strerror or type(exc).__name__)


def write_outbox(outbox: Path, stem: str, msg: EmailMessage, html: str) -> tuple[Path, Path]:
    eml, preview = outbox / f"{stem}.eml", outbox / f"{stem}.html"
    try:
        outbox.mkdir(parents=True, exist_ok=True)
        write_atomically(eml, msg.as_bytes(policy=_policy_of(msg)))
        write_atomically(preview, html.encode("utf-8"))
    except OSError as exc:
        raise outbox_unwritable(outbox, exc) from None
    return eml, preview


def _policy_of(msg: EmailMessage):
    headers = [str(value) for name in ("From", "To", "Cc") for value in msg.get_all(name) or []]
    return wire_policy(envelope_addresses(*headers))


def read_eml(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


class outbox_lock:
    """`with outbox_lock(outbox, wait):` — one monthly run at a time per outbox (an OS file lock,
    released if the process dies). A second run waits up to `wait` seconds, then stops clearly."""

    def __init__(self, outbox: Path, wait: float):
        self.outbox, self.wait = outbox, wait

    def __enter__(self):
        from filelock import FileLock, Timeout

        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
            self.lock = FileLock(str(self.outbox / LOCK), timeout=self.wait)
            self.lock.acquire()
        except Timeout:
            raise UserError("mail.locked", path=self.outbox, seconds=f"{self.wait:g}") from None
        except OSError as exc:
            raise outbox_unwritable(self.outbox, exc) from None
        return self

    def __exit__(self, *_):
        self.lock.release()


def sent_log(outbox: Path) -> dict:
    path = outbox / SENT_LOG
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def record_sent(outbox: Path, key: str, msg: EmailMessage, status: str = "sent", attempts: int = 1,
                error: str | None = None) -> dict:
    """Log the month as `sent` (the server said 250) or `unknown` (no answer after the whole message).
    An earlier entry of the month (a --force resend) is kept in its `history`."""
    entries = sent_log(outbox)
    earlier = entries.get(key)
    entry = {"status": status, "sent_at": dt.datetime.now().isoformat(timespec="seconds"), "to": msg["To"],
             "message_id": msg["Message-ID"], "attempts": attempts, **({"error": error} if error else {})}
    if earlier:
        history = earlier.pop("history", [])
        entry["history"] = [*history, earlier]
    entries[key] = entry
    try:
        write_atomically(outbox / SENT_LOG, json.dumps(entries, ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError as exc:
        raise outbox_unwritable(outbox, exc) from None
    return entry


# ── SMTP ─────────────────────────────────────────────────────────────────────────────────────
def _context(settings: EmailSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.ca_file) if settings.ca_file else ssl.create_default_context()


@dataclass
class _Failure(Exception):
    reason: str
    permanent: bool
    unknown: bool = False  # the whole message went out and no answer came back


def _smtp_reply_failure(code: int, text: object) -> _Failure:
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    if 400 <= code < 500 or code < 0:
        return _Failure(t("mail.why.busy", code=code, detail=detail), permanent=False)
    return _Failure(t("mail.why.refused", code=code, detail=detail), permanent=True)


def classify(exc: BaseException, settings: EmailSettings) -> _Failure:
    """Transient (worth a retry) or permanent (the same thing would fail again), as one translated line."""
    if isinstance(exc, _Failure):
        return exc
    if isinstance(exc, socket.gaierror):
        return _Failure(t("mail.why.unknown_host", host=settings.host), permanent=True)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _Failure(t("mail.why.auth", detail=exc.smtp_code), permanent=True)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return _Failure(t("mail.why.no_auth"), permanent=True)
    if isinstance(exc, ssl.SSLError):
        return _Failure(t("mail.why.tls", detail=getattr(exc, "reason", None) or type(exc).__name__), permanent=True)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = max(exc.recipients.values())  # any 5xx makes it permanent
        return _smtp_reply_failure(code, text)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _smtp_reply_failure(exc.smtp_code, exc.smtp_error)
    detail = getattr(exc, "strerror", None) or type(exc).__name__
    return _Failure(t("mail.why.network", host=settings.host, port=settings.port, detail=detail), permanent=False)


class _Clock:
    def __init__(self, seconds: float, now=time.monotonic):
        self.seconds, self.now, self.end = seconds, now, now() + seconds

    def left(self) -> float:
        return self.end - self.now()

    def timeout(self, settings: EmailSettings) -> float:
        left = self.left()
        if left <= 0:
            raise _Failure(t("mail.why.deadline", seconds=f"{self.seconds:g}"), permanent=True)
        return min(settings.timeout, left)


def _connect(settings: EmailSettings, clock: _Clock) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=clock.timeout(settings), context=_context(settings))
    return smtplib.SMTP(settings.host, settings.port, timeout=clock.timeout(settings))


def _send_data(server: smtplib.SMTP, msg: EmailMessage, settings: EmailSettings, clock: _Clock) -> None:
    """MAIL, RCPT, DATA by hand, so a failure before the end of the message (retryable) is told apart
    from no answer after it (delivery unknown)."""
    sender, = envelope_addresses(settings.sender)
    rcpts = envelope_addresses(*settings.to, *settings.cc)
    server.ehlo_or_helo_if_needed()
    utf8 = needs_smtputf8([sender, *rcpts])
    if utf8 and not server.has_extn("smtputf8"):
        wide = ", ".join(a for a in [sender, *rcpts] if not a.isascii())
        raise _Failure(t("mail.why.no_smtputf8", addresses=wide), permanent=True)
    code, text = server.mail(sender, ["SMTPUTF8"] if utf8 else [])
    if code != 250:
        raise _smtp_reply_failure(code, text)
    refused = {}
    for rcpt in rcpts:
        code, text = server.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, text)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)
    server.sock.settimeout(clock.timeout(settings))
    code, text = server.docmd("data")
    if code != 354:
        raise _smtp_reply_failure(code, text)
    payload = re.sub(rb"(?m)^\.", b"..", msg.as_bytes(policy=policy.SMTPUTF8 if utf8 else policy.SMTP))  # CRLF lines; dot-stuffing (RFC 5321)
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    server.send(payload + b".\r\n")
    try:
        server.sock.settimeout(clock.timeout(settings))
        code, text = server.getreply()
    except (OSError, smtplib.SMTPException, _Failure) as exc:
        reason = exc.reason if isinstance(exc, _Failure) else classify(exc, settings).reason
        raise _Failure(reason, permanent=True, unknown=True) from None
    if code != 250:
        raise _smtp_reply_failure(code, text)


def _attempt(settings: EmailSettings, msg: EmailMessage, password: str | None, clock: _Clock, on_accepted) -> None:
    server = _connect(settings, clock)
    try:
        if settings.security == "starttls":
            server.starttls(context=_context(settings))
        if settings.username and password:
            server.login(settings.username, password)
        _send_data(server, msg, settings, clock)
        on_accepted()  # the month is sent: recorded before QUIT
    finally:
        _quit_quietly(server)


def _quit_quietly(server: smtplib.SMTP) -> None:
    """QUIT and close; after a 250 an error here (421, reset) changes nothing."""
    try:
        if server.sock:
            server.sock.settimeout(2)
        server.quit()
    except (OSError, smtplib.SMTPException) as exc:
        log.debug("QUIT: %s", type(exc).__name__)
        server.close()


def deliver(settings: EmailSettings, msg: EmailMessage, on_accepted, sleep=time.sleep, on_retry=None,
            now=time.monotonic) -> int:
    """Send once. `on_accepted(attempts)` runs as soon as the server accepts the message. Returns the
    number of attempts; raises SendFailed (not delivered) or DeliveryUnknown (no answer after DATA)."""
    password = settings.password()
    attempts = settings.retries + 1
    clock = _Clock(settings.deadline, now)
    for attempt in range(1, attempts + 1):
        try:
            _attempt(settings, msg, password, clock, lambda: on_accepted(attempt))
            return attempt
        except (OSError, smtplib.SMTPException, _Failure) as exc:  # never log the password: only the reason
            failure = classify(exc, settings)
        if failure.unknown:
            raise DeliveryUnknown(failure.reason, attempt)
        delay = settings.retry_delay * 2 ** (attempt - 1)
        if failure.permanent or attempt == attempts:
            raise SendFailed(failure.reason, attempt, failure.permanent)
        if delay >= clock.left():
            raise SendFailed(f"{failure.reason}; {t('mail.why.deadline', seconds=f'{settings.deadline:g}')}", attempt, True)
        if on_retry:
            on_retry(t("mail.retry", attempt=attempt, attempts=attempts, reason=failure.reason, delay=delay))
        sleep(delay)
    raise AssertionError("unreachable: the last attempt returns or raises")
