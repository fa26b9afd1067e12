"""The monthly e-mail: one message built from the sections every provider module contributes.

A provider is a module named in SECTION_PROVIDERS that defines
`monthly_section(shop: Shop, month: str) -> Section` (month as "2026-10"). A provider module that
does not exist yet is skipped; one that returns None has nothing to say this month.
"""

from __future__ import annotations

import base64
import importlib
import shutil
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path

from .outnames import output_name
from .errors import UserError
from .i18n import lang, pick, register, t

SECTION_PROVIDERS = ("automation.courier.section", "automation.penalties.section", "automation.sales.section")


@dataclass
class Section:
    title: str
    html: str  # an HTML fragment (no <html>/<body>); inline images as <img src="cid:NAME">
    text: str  # the same content as plain text
    attachments: list[Path] = field(default_factory=list)  # workbooks to attach (masked before sending)
    images: dict[str, bytes] = field(default_factory=dict)  # cid (without "cid:") -> PNG bytes
    not_checked: list = field(default_factory=list)  # automation.coverage.NotChecked: what its figures could not include
    unchecked: list[str] = field(default_factory=list)  # the same as 未检查 lines, checks named as staff know them


def unchecked_blocks(sections: list[Section]) -> list[tuple[str, list[str]]]:
    """(section title, 未检查 lines) for every section that could not check something: shown at the
    top of the e-mail and of each report page, before any figure that leaves it out."""
    return [(s.title, s.unchecked) for s in sections if s.unchecked]


def render_page(template: str, subject: str, shop_name: str, month: str, sections: list[Section],
                banner: str | None = None) -> str:
    """The e-mail (or a report page) from email_base.*.j2: banner, 未检查 block, then the sections."""
    return templates().get_template(template).render(
        subject=subject, shop=shop_name, month=month, sections=sections, lang=lang(), banner=banner,
        unchecked=unchecked_blocks(sections))


def no_data_section(title: str, check) -> Section:
    """A month without data (automation.months.MonthCheck): 无数据 and what is missing, never zeros."""
    items = "".join(f"<li>{escape(line)}</li>" for line in check.missing)
    head = pick("无数据", "No data")
    return Section(title, f'<p class="big bad">{head}</p><ul class="muted">{items}</ul>', check.no_data_line())


def providers() -> list:
    """The provider modules that exist, in SECTION_PROVIDERS order."""
    found = []
    for name in SECTION_PROVIDERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue  # that part of shopbook is not there (yet)
            raise
        if hasattr(module, "monthly_section"):
            found.append(module)
    return found


def collect_sections(shop, month: str) -> list[Section]:
    """Every provider's section; a provider stopped by bad input (UserError) becomes a one-line note."""
    sections = []
    for module in providers():
        try:
            section = module.monthly_section(shop, month)
        except UserError as exc:
            title = getattr(module, "SECTION_TITLE", None) or module.__name__
            section = Section(str(title), f"<p>{escape(str(exc))}</p>", str(exc))
        if section is not None:
            sections.append(section)
    return sections


# ── building and sending the message ─────────────────────────────────────────────────────────
register({
    "monthly.already_sent": ("{month} 的月报已于 {when} 发送给 {to}，本次不再发送。如需重发请加 --force。",
                             "The {month} report was already sent on {when} to {to}; not sending again. Use --force to resend."),
    "monthly.unknown": ("{month} 的月报已于 {when} 发出，但服务器没有确认收到（{error}）：收件人可能已经收到。请先查看 {to} 的收件箱；确认没有收到再用 --force 重发。",
                        "The {month} report went out on {when} but the server never confirmed it ({error}): the recipients may have it. Check {to}'s inbox first; resend with --force only if it is not there."),
    "monthly.send_failed": ("邮件发送失败（共尝试 {attempts} 次）：{error}。邮件保留在发件箱：{eml}，服务器恢复后重新运行 shopbook monthly --send。",
                            "Sending failed after {attempts} attempts: {error}. The message stays in the outbox: {eml}; run shopbook monthly --send again when the server is back."),
    "monthly.send_refused": ("邮件发送失败，重试也不会成功：{error}。请检查 shop.toml 的 [email]；邮件保留在发件箱：{eml}。",
                             "Sending failed and retrying would not help: {error}. Check [email] in shop.toml; the message stays in the outbox: {eml}."),
    "monthly.sent": ("已发送给 {to}（第 {attempts} 次尝试成功）", "Sent to {to} (attempt {attempts})"),
})


@dataclass
class MonthlyMail:
    month: str
    subject: str
    message: object  # email.message.EmailMessage
    html: str  # as mailed: images as cid: links to the message's inline parts
    text: str
    attachments: list[Path]
    eml: Path | None = None
    preview: Path | None = None
    images: dict[str, bytes] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)

    def not_checked_lines(self) -> list[str]:
        """The console's 未检查 lines: each section's, under its title."""
        return [line for title, lines in unchecked_blocks(self.sections) for line in (f"[{title}]", *lines)]

    def not_checked_json(self) -> list[dict]:
        from .coverage import as_json

        return [{**entry, "section": s.title} for s in self.sections for entry in as_json(s.not_checked)]


def inline_images(html: str, images: dict[str, bytes]) -> str:
    """The HTML with each cid: image embedded as a data URI, for a page opened in a browser (the
    mail keeps cid:, which mail clients resolve and browsers cannot)."""
    for cid, png in images.items():
        html = html.replace(f'"cid:{cid}"', '"data:image/png;base64,' + base64.b64encode(png).decode("ascii") + '"')
    return html


def subject_for(month: str) -> str:
    year, mon = month.split("-")
    return pick(f"【对账】{year}年{int(mon)}月 快递对账与月报", f"[Reconciliation] {year}-{mon} courier reconciliation and monthly report")


@cache
def templates():
    """The report templates; one environment per process, so each template is compiled once (the
    loader still reloads a template whose file changed)."""
    import jinja2

    from .paths import data_dir

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(data_dir("reports") / "templates")),
                              autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)


def _masked_attachments(paths: list[Path], folder: Path) -> list[Path]:
    """Copies of the attachments with customer data masked (M-CONFIDENTIAL); the originals stay as they are."""
    from .mail.send import outbox_unwritable
    from .privacy import mask_workbook

    out = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path in paths:
            target = folder / path.name
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                mask_workbook(path, target)
            else:
                shutil.copyfile(path, target)
            out.append(target)
    except PermissionError as exc:
        raise outbox_unwritable(folder, exc) from None
    return out


def build_monthly(shop, month: str, banner: str | None = None) -> MonthlyMail:
    """The month's e-mail; `banner` (what is missing from an incomplete month) is its first line."""
    from .mail.compose import compose, stable_message_id
    from .mail.settings import load_email
    from .privacy import mask_text

    settings = load_email(shop.config)
    sections = collect_sections(shop, month)
    subject = subject_for(month)
    html = mask_text(render_page("email_base.html.j2", subject, shop.config.name, month, sections, banner))
    text = mask_text(render_page("email_base.txt.j2", subject, shop.config.name, month, sections, banner))
    outbox = shop.root / settings.outbox
    attachments = _masked_attachments([p for s in sections for p in s.attachments], outbox / output_name("mail_attachments", month=month))
    images = {cid: data for s in sections for cid, data in s.images.items()}
    message_id = stable_message_id(settings.sender, shop.config.name, f"monthly-{month}")
    message = compose(subject, settings.sender, settings.to, settings.cc, text, html, images, attachments, message_id)
    return MonthlyMail(month, subject, message, html, text, attachments, images=images, sections=sections)


def write_monthly(shop, month: str, banner: str | None = None) -> MonthlyMail:
    """Build the month's e-mail and put it in the outbox (.eml + .html preview); never sends."""
    from .mail.send import outbox_lock
    from .mail.settings import load_email

    settings = load_email(shop.config)
    with outbox_lock(shop.root / settings.outbox, settings.deadline):
        return _write_monthly(shop, month, settings, banner)


def _write_monthly(shop, month: str, settings, banner: str | None = None) -> MonthlyMail:
    from .mail.send import write_outbox

    mail = build_monthly(shop, month, banner)
    mail.eml, mail.preview = write_outbox(shop.root / settings.outbox, output_name("monthly_mail", month=month), mail.message,
                                          inline_images(mail.html, mail.images))
    return mail


def send_monthly(shop, month: str, force: bool = False, sleep=None, banner: str | None = None,
                 on_retry=None) -> tuple[MonthlyMail | None, str]:
    """Write to the outbox, then send unless the sent-log has this month (sent, or delivery unknown).
    One run at a time per outbox; a second run waits for the first and then finds the month sent.
    Returns (mail, status); raises SendError when it was not (or not surely) delivered."""
    import time

    from .mail.send import DeliveryUnknown, SendFailed, deliver, outbox_lock, record_sent, sent_log
    from .mail.settings import load_email

    settings = load_email(shop.config)
    if not settings.to:
        raise UserError("mail.no_recipients")
    if not settings.host:
        raise UserError("mail.no_host")
    outbox = shop.root / settings.outbox
    with outbox_lock(outbox, settings.deadline):
        done = sent_log(outbox).get(month)
        if done and not force:
            if done.get("status") == "unknown":
                raise SendError(UserError("monthly.unknown", month=month, when=done["sent_at"], to=done["to"],
                                          error=done.get("error", "")))
            return None, t("monthly.already_sent", month=month, when=done["sent_at"], to=done["to"])
        mail = _write_monthly(shop, month, settings, banner)
        try:
            attempts = deliver(settings, mail.message, lambda n: record_sent(outbox, month, mail.message, "sent", n),
                               sleep=sleep or time.sleep, on_retry=on_retry)
        except DeliveryUnknown as exc:
            entry = record_sent(outbox, month, mail.message, "unknown", exc.attempts, error=exc.reason)
            raise SendError(UserError("monthly.unknown", month=month, when=entry["sent_at"], to=entry["to"],
                                      error=exc.reason)) from None
        except SendFailed as exc:
            key = "monthly.send_refused" if exc.permanent else "monthly.send_failed"
            raise SendError(UserError(key, attempts=exc.attempts, error=exc.reason, eml=mail.eml)) from None
    return mail, t("monthly.sent", to=", ".join(settings.to), attempts=attempts)


class SendError(Exception):
    """Delivery failed: the command exits non-zero (1) with the outbox path."""

    def __init__(self, error: UserError):
        self.error = error
        super().__init__(str(error))
