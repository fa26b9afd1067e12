"""`shopbook`: the command line. Each subcommand lives in automation/commands/<name>.py.

`shopbook --help` must not import the command modules (they pull in polars, openpyxl, matplotlib,
jinja2…): the group lists each command by the name and docstring found in its source file, and
imports a module only when its command is invoked (or its own `-h` is asked for).
"""

from __future__ import annotations

import errno
import importlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .errors import UserError
from .click_zh import help_text, usage_message, zh
from .click_zh import install as _click_in_chinese
from .i18n import pick, set_lang

_click_in_chinese()  # click's own messages and help follow --lang too

# Order shown in --help; a module that is not there yet is simply not offered.
COMMAND_MODULES = ("inspect", "init", "demo", "rules", "validate", "flags", "stubs", "reconcile",
                   "report", "monthly", "templates", "xlwings_cmd", "gsheet")


@dataclass(frozen=True)
class CommandEntry:
    """What `--help` lists for a command module, read from its source without importing it."""

    name: str  # the command's name (`xlwings_cmd` defines `button`)
    module: str
    help: str  # the command function's docstring, as click would take it

    def short_help(self, limit: int) -> str:
        return click.Command(self.name, help=self.help).get_short_help_str(limit)


_DECORATOR = re.compile(r'^@click\.(?:command|group)\(\s*"([^"]+)"', re.M)
_DOCSTRING = re.compile(r'^def command\(.*?("""(?:.*?)""")', re.M | re.S)


def command_entry(module: str, source: str) -> CommandEntry | None:
    """The `command` of a module's source: its name from `@click.command("…")`, its docstring."""
    name = next((hit.group(1) for hit in _DECORATOR.finditer(source)
                 if source.startswith("def command(", source.find("\ndef ", hit.start()) + 1)), None)
    doc = _DOCSTRING.search(source)
    if name is None or doc is None:
        return None
    text = doc.group(1)[3:-3]
    if "\\" in text:  # an escape in the docstring: let Python read it
        import ast

        text = ast.literal_eval(doc.group(1))
    return CommandEntry(name, module, text)


def command_index() -> dict[str, CommandEntry]:
    """command name -> entry, for every command module that exists, in COMMAND_MODULES order."""
    folder = Path(__file__).with_name("commands")
    out = {}
    for module in COMMAND_MODULES:
        try:
            source = (folder / f"{module}.py").read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        entry = command_entry(module, source)
        if entry is None:  # a shape the scan does not know: load it rather than leave it out
            command = importlib.import_module(f"automation.commands.{module}").command
            entry = CommandEntry(command.name, module, command.help or "")
        out[entry.name] = entry
    return out


class ShopbookGroup(click.Group):
    """Commands are loaded on first use; the listing in `--help` comes from `command_index()`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._index: dict[str, CommandEntry] | None = None

    @property
    def index(self) -> dict[str, CommandEntry]:
        if self._index is None:
            self._index = command_index()
        return self._index

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.index, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.index:
            self.add_command(importlib.import_module(f"automation.commands.{self.index[name].module}").command)
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click's, but a command not loaded yet is described from its source."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            if name in self.commands:
                if not self.commands[name].hidden:
                    rows.append((name, self.commands[name].get_short_help_str(limit)))
            else:
                rows.append((name, self.index[name].short_help(limit)))
        with formatter.section(zh("Commands")):
            formatter.write_dl(rows)

    def make_context(self, info_name, args, *rest, **kwargs) -> click.Context:
        # Each run starts from SHOPBOOK_LANG or zh. --lang is read ahead of parsing: click handles the
        # eager options in command-line order, so `-h --lang en` would print the help before --lang.
        set_lang(_lang_in(args))
        return super().make_context(info_name, args, *rest, **kwargs)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(pick("错误：", "Error: ") + str(exc), err=True)
            ctx.exit(exc.exit_code)
        except click.UsageError as exc:  # one line, like every other error; `-h` still shows the usage
            hint = pick(f"（{exc.ctx.command_path} -h 查看用法）", f" (see {exc.ctx.command_path} -h)") if exc.ctx else ""
            click.echo(pick("错误：", "Error: ") + usage_message(exc) + hint, err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # a read-only folder, a full disk, a file locked by another program
            error = os_error(exc)
            click.echo(pick("错误：", "Error: ") + str(error), err=True)
            ctx.exit(error.exit_code)


def _lang_in(args: list[str]) -> str | None:
    """The --lang value among the group's own arguments (before the command name), if a valid one."""
    for i, arg in enumerate(args):
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg.partition("=")[2] if arg.startswith("--lang=") else None
        if value in ("zh", "en"):
            return value
        if not arg.startswith("-") and (i == 0 or args[i - 1] != "--lang"):
            return None  # the command's own arguments start here
    return None


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
@click.version_option(__version__, prog_name="shopbook", help=help_text("显示版本并退出。", "Show the version and exit."))
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, envvar="SHOPBOOK_LANG", is_eager=True,
              callback=lambda ctx, param, value: set_lang(value) or value,  # eager: `--lang en -h` is English too
              help=help_text("消息、报表与输出文件名的语言（默认 zh 中文；也可设 SHOPBOOK_LANG）。",
                             "Language of messages, reports and output file names (default zh; also SHOPBOOK_LANG)."))
def cli(lang: str | None) -> None:
    """shopbook — checks, reconciles and reports on the shop's own sheets. Run `shopbook demo` to see
    everything on a sample shop.

    店铺表格助手：校验订单、旗帜备注、快递对账、扣分与销售报表。运行 `shopbook demo` 在示例店铺上看全部功能。
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


def main() -> None:
    if os.name == "nt":  # Windows consoles default to a legacy code page
        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(encoding="utf-8", errors="replace")
    cli(prog_name="shopbook")


if __name__ == "__main__":
    main()
