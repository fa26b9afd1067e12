"""`[email]` in shop.toml. The password is never read from a file: environment variable or OS keyring."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..errors import UserError
from ..i18n import register

register({
    "mail.no_recipients": ("shop.toml 的 [email] 中没有收件人（to = [\"boss@example.com\"]）。", "[email] in shop.toml has no recipients (to = [\"boss@example.com\"])."),
    "mail.no_host": ("shop.toml 的 [email] 中没有 smtp_host，无法发送。", "[email] in shop.toml has no smtp_host, so nothing can be sent."),
    "mail.no_password": ("找不到 SMTP 密码：请设置环境变量 {env}，或用 keyring set shopbook {user} 存入系统钥匙串。",
                         "No SMTP password: set the environment variable {env}, or store it with `keyring set shopbook {user}`."),
    "mail.bad": ("shop.toml 的 [email] 有误：{detail}。", "[email] in shop.toml is invalid: {detail}."),
})
SECURITY = ("ssl", "starttls", "none")


@dataclass(frozen=True)
class EmailSettings:
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    sender: str = "shopbook@localhost"
    host: str | None = None
    port: int = 465
    security: str = "ssl"
    username: str | None = None
    password_env: str = "SHOPBOOK_SMTP_PASSWORD"
    ca_file: str | None = None  # a private CA / self-signed server certificate to trust
    retries: int = 3
    retry_delay: float = 30.0
    timeout: float = 30.0  # one socket operation
    deadline: float = 120.0  # the whole send, retries included
    outbox: str = "reports/outbox"
    extra: dict = field(default_factory=dict)

    def password(self) -> str | None:
        """From the environment variable named in config, else the OS keyring (service "shopbook")."""
        if self.username is None:
            return None
        secret = os.environ.get(self.password_env)
        if secret:
            return secret
        try:
            import keyring

            secret = keyring.get_password("shopbook", self.username)
        except Exception:  # no keyring backend on this machine
            secret = None
        if not secret:
            raise UserError("mail.no_password", env=self.password_env, user=self.username)
        return secret


def _list(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value or ())


def load_email(config) -> EmailSettings:
    raw = config.section("email")
    if "password" in raw:
        raise UserError("mail.bad", detail="password must not be written in shop.toml; use password_env or the OS keyring")
    security = str(raw.get("security", "ssl")).lower()
    if security not in SECURITY:
        raise UserError("mail.bad", detail=f"security = {security!r}; use one of {', '.join(SECURITY)}")
    try:
        return EmailSettings(
            to=_list(raw.get("to")), cc=_list(raw.get("cc")), sender=raw.get("from", raw.get("username", raw.get("user", "shopbook@localhost"))),
            host=raw.get("smtp_host"), port=int(raw.get("smtp_port", 465 if security == "ssl" else 587)),
            security=security, username=raw.get("username", raw.get("user")), password_env=raw.get("password_env", "SHOPBOOK_SMTP_PASSWORD"),
            ca_file=raw.get("ca_file"), retries=int(raw.get("retries", 3)), retry_delay=float(raw.get("retry_delay_seconds", 30)),
            timeout=float(raw.get("timeout_seconds", 30)),
            deadline=float(raw.get("deadline_seconds", 120)), outbox=raw.get("outbox", "reports/outbox"))
    except (TypeError, ValueError) as exc:
        raise UserError("mail.bad", detail=str(exc))
