"""E-mail addresses as SMTP and the message headers need them (RFC 5890 IDNA, RFC 6531 SMTPUTF8).

A Chinese domain (老板@例子.中国) works with every server once written in IDNA
(老板@xn--fsqu00a.xn--fiqs8s is still non-ASCII, but boss@例子.中国 becomes plain ASCII). A Chinese
local part (老板@…) can only travel to a server that offers SMTPUTF8, with the headers in UTF-8."""

from __future__ import annotations

from email import policy
from email.utils import formataddr, getaddresses, parseaddr

from ..errors import UserError


def ascii_domain(address: str) -> str:
    """The address with its domain in IDNA; the local part as written."""
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise UserError("mail.bad", detail=f"{address!r} is not an e-mail address (name@example.com)")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        raise UserError("mail.bad", detail=f"the domain of {address!r} cannot be written for e-mail (IDNA)") from None


def header_address(text: str) -> str:
    """'店铺 <shop@例子.中国>' -> '店铺 <shop@xn--fsqu00a.xn--fiqs8s>' (the name stays; it is RFC 2047 encoded)."""
    name, address = parseaddr(text)
    return formataddr((name, ascii_domain(address))) if name else ascii_domain(address)


def envelope_addresses(*headers: str) -> list[str]:
    """The bare addresses of header values, for MAIL FROM / RCPT TO."""
    return [ascii_domain(address) for _, address in getaddresses(list(headers)) if address]


def needs_smtputf8(addresses) -> bool:
    return any(not address.isascii() for address in addresses)


def wire_policy(addresses):
    """The email policy to write a message with: UTF-8 headers only when an address needs them."""
    return policy.SMTPUTF8 if needs_smtputf8(addresses) else policy.SMTP
