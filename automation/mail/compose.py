"""Build the message: multipart/mixed > alternative(text, related(html, images)) + attachments."""

from __future__ import annotations

import mimetypes
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path


def compose(subject: str, sender: str, to: tuple[str, ...], cc: tuple[str, ...], text: str, html: str,
            images: dict[str, bytes], attachments: list[Path]) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject  # non-ASCII headers are RFC 2047 encoded (UTF-8) by the email policy
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.split("@")[-1] or "shopbook")
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
