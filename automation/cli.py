"""`shopbook`: the command line. Each subcommand lives in automation/commands/<name>.py."""

from __future__ import annotations

import errno
import importlib
import os
import sys

import click

from . import __version__
from .errors import UserError
from .click_zh import install as _click_in_chinese
from .i18n import pick, set_lang

_click_in_chinese()  # click's own messages and help follow --lang too

# Order shown in --help; a module that is not there yet is simply not offered.
COMMAND_MODULES = ("inspect", "init", "demo", "rules", "validate", "flags", "stubs", "reconcile",
                   "report", "monthly", "templates", "xlwings_cmd", "gsheet")


class ShopbookGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(pick("错误：", "Error: ") + str(exc), err=True)
            ctx.exit(exc.exit_code)
        except click.UsageError as exc:  # one line, like every other error; `-h` still shows the usage
            hint = pick(f"（{exc.ctx.command_path} -h 查看用法）", f" (see {exc.ctx.command_path} -h)") if exc.ctx else ""
            click.echo(pick("错误：", "Error: ") + exc.format_message() + hint, err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # a read-only folder, a full disk, a file locked by another program
            error = os_error(exc)
            click.echo(pick("错误：", "Error: ") + str(error), err=True)
            ctx.exit(error.exit_code)


_OS_ERRORS = {errno.EACCES: "err.os.denied", errno.EPERM: "err.os.denied", errno.EROFS: "err.os.read_only",
              errno.ENOSPC: "err.os.no_space", errno.EDQUOT: "err.os.no_space", errno.ENOENT: "err.os.missing",
              errno.EISDIR: "err.os.is_dir", errno.ENOTDIR: "err.os.not_dir", errno.ENAMETOOLONG: "err.os.too_long"}


def os_error(exc: OSError) -> UserError:
    """An OSError from our own reads and writes as one line naming the path and what to do."""
    path = exc.filename or "?"
    if exc.filename2:
        path = f"{exc.filename} → {exc.filename2}"
    return UserError(_OS_ERRORS.get(exc.errno, "err.os.other"), path=path, reason=exc.strerror or type(exc).__name__)


@click.group(cls=ShopbookGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="shopbook")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, envvar="SHOPBOOK_LANG",
              help="Language of messages and reports (default zh; also SHOPBOOK_LANG).")
def cli(lang: str | None) -> None:
    """shopbook — checks, reconciles and reports on the shop's own sheets.

    店铺表格助手：校验订单、旗帜备注、快递对账、扣分与销售报表。Run `shopbook demo` to see everything on a sample shop.
    """
    set_lang(lang)


def command_modules():
    """(name, module) of every command module that exists, in COMMAND_MODULES order."""
    for name in COMMAND_MODULES:
        try:
            yield name, importlib.import_module(f"automation.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"automation.commands.{name}":
                raise


for _name, _module in command_modules():
    cli.add_command(_module.command)


def main() -> None:
    if os.name == "nt":  # Windows consoles default to a legacy code page
        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(encoding="utf-8", errors="replace")
    cli(prog_name="shopbook")


if __name__ == "__main__":
    main()
