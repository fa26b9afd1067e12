"""`shopbook monthly`: the monthly e-mail (courier reconciliation, penalties, sales) — outbox or SMTP."""

from __future__ import annotations

from pathlib import Path

import click

from ..click_zh import help_text
from ..i18n import pick
from ..jsonout import dumps
from ..monthly import SendError, send_monthly, write_monthly
from ..months import chosen_month, month_check
from ..shop import Shop
from ..cliparams import MONTH
from .reconcile import demo_month

COMPOSING = ("生成月报（对账、扣分、销售）", "composing the report (reconciliation, points, sales)")


@click.command("monthly")
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--month", "month", type=MONTH, default=None, help=help_text("报告的月份，如 2026-10（默认：上个月）。", "Month to report, e.g. 2026-10 (default: last month)."))
@click.option("--send", is_flag=True, help=help_text("通过 SMTP 发送（shop.toml 的 [email]）；不加则只写入发件箱。", "Send it over SMTP ([email] in shop.toml); without it the e-mail is only written to the outbox."))
@click.option("--force", is_flag=True, help=help_text("即使发送记录中已有本月（已发送或投递未知）也再发一次。", "Send even if the sent-log has this month (sent, or delivery unknown)."))
@click.option("--allow-partial", "allow_partial", is_flag=True,
              help=help_text("数据不完整也照样发送/写入；邮件第一行写明缺少什么。", "Send or write an incomplete month anyway; the mail's first line says what is missing."))
@click.option("--json", "as_json", is_flag=True, help=help_text("以 JSON 输出结果。", "Print the result as JSON."))
def command(path: Path, month: str | None, send: bool, force: bool, allow_partial: bool, as_json: bool) -> None:
    """Build the monthly e-mail: written to the outbox, or sent with --send.

    生成月报邮件：写入发件箱，或加 --send 发送。
    """
    from ..progress import READING, step, steps

    with steps(pick("月报邮件", "Monthly e-mail"), total=1 if send else 2, enabled=not as_json):
        step(READING)
        shop = Shop.open(path)
        if not as_json:
            shop.say_skipped()
        month = chosen_month(month)
        check = month_check(shop, month)
        banner = None if check.complete else check.banner()
        if send and banner and not allow_partial:
            raise check.refuse(pick("发送", "sent"))
        if not send:
            step(COMPOSING)
            mail = write_monthly(shop, month, banner)
    if not send:
        _report(mail, pick(f"已写入发件箱（未发送）：{mail.eml}\n预览：{mail.preview}",
                           f"Written to the outbox (not sent): {mail.eml}\nPreview: {mail.preview}"), banner, as_json, sent=False)
        if banner and not allow_partial:  # the preview is written; cron's log still shows the month is not there
            raise check.refuse_preview()
        return
    try:
        with steps(pick("月报邮件", "Monthly e-mail"), total=1, enabled=not as_json):
            step(COMPOSING)
            mail, status = send_monthly(shop, month, force, banner=banner, on_retry=lambda line: click.echo(line, err=True))
    except SendError as exc:
        click.echo(pick("错误：", "Error: ") + str(exc), err=True)
        raise SystemExit(1)
    _report(mail, status, banner, as_json, sent=mail is not None, month=month)


def _report(mail, status: str, banner: str | None, as_json: bool, sent: bool, month: str | None = None) -> None:
    """What the run did, then what its figures could not include (未检查), or all of it as JSON.
    `mail` is None when the month was already sent (nothing was built this time)."""
    if as_json:
        click.echo(dumps({"month": mail.month if mail else month, "status": status, "sent": sent, "incomplete": banner,
                          "eml": str(mail.eml) if mail else None, "preview": str(mail.preview) if mail else None,
                          "not_checked": mail.not_checked_json() if mail else []}))
        return
    click.echo(status)
    for line in mail.not_checked_lines() if mail else ():
        click.echo(line)


def demo_step(shop_dir: Path, console):
    from ..outcome import Outcome

    mail = write_monthly(Shop.open(shop_dir), demo_month(shop_dir))
    return Outcome(pick("月报邮件", "Monthly e-mail"), [pick("已写入发件箱（未发送）", "in the outbox (not sent)")],
                   [mail.eml, mail.preview])
