"""Build the message: multipart/mixed > alternative(text, related(html, images)) + attachments."""

from __future__ import annotations

import hashlib
import mimetypes
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from .addresses import ascii_domain, header_address


def compose(subject: str, sender: str, to: tuple[str, ...], cc: tuple[str, ...], text: str, html: str,
            images: dict[str, bytes], attachments: list[Path], message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject  # non-ASCII headers are RFC 2047 encoded (UTF-8) by the email policy
    msg["From"] = header_address(sender)
    msg["To"] = ", ".join(header_address(a) for a in to)
    if cc:
        msg["Cc"] = ", ".join(header_address(a) for a in cc)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = message_id or make_msgid(domain=_domain(sender))
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    html_part = msg.get_payload()[1]
    for cid, data in images.items():
        html_part.add_related(data, "image", "png", cid=f"<{cid}>", filename=f"{cid}.png")
    for path in attachments:
        kind, _ = mimetypes.guess_type(path.name)
        main, sub = (kind or "application/octet-stream").split("/", 1)
        msg.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
    return msg


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return ascii_domain(address).rsplit("@", 1)[1] if "@" in address else "shopbook"


def stable_message_id(sender: str, shop: str, key: str) -> str:
    """The same Message-ID every time this shop sends this report (e.g. key "monthly-2026-10"), so a
    server that already has the message can drop a resend as a duplicate."""
    digest = hashlib.sha256(f"{sender}\0{shop}\0{key}".encode("utf-8")).hexdigest()[:20]
    return f"<shopbook.{key}.{digest}@{_domain(sender)}>"
