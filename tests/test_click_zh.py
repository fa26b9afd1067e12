"""Issue 10 §3: click's own messages and all our help (commands and options) in Chinese by default,
English with --lang en / SHOPBOOK_LANG=en. Every command the same way: its docstring has an English
and a Chinese paragraph, every option's help is help_text(zh, en); click_zh picks at format time."""

import re

import click
import pytest
from click.testing import CliRunner

from automation.cli import cli
from automation.click_zh import HELP_ZH, is_bilingual
from automation.textwidth import display_width

CJK = re.compile(r"[\u4e00-\u9fff]")
CLICK_ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Show the version", "[OPTIONS]",
                 "Error: Missing argument", "Try '")


def _commands(group=cli, path=()):
    """(path, command) of every command and group under `shopbook`, the group itself first."""
    yield path, group
    for name, sub in getattr(group, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


COMMANDS = list(_commands())


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) or "shopbook" for p, _ in COMMANDS])
def test_every_help_is_chinese_by_default_and_english_with_lang_en(path, command):
    options = [p for p in command.params if isinstance(p, click.Option) and not p.hidden]
    for option in options:  # every option's help goes through the one mechanism
        assert option.help in HELP_ZH, f"{option.opts}: help not given with help_text(zh, en)"
    assert is_bilingual(command.help), f"{path}: the docstring needs an English and a Chinese paragraph"
    paragraphs = [p for p in re.split(r"\n\s*\n", command.help) if p.strip()]
    help_zh = "".join(p for p in paragraphs if CJK.match(p.strip()))
    help_en = "".join(p for p in paragraphs if not CJK.match(p.strip()))
    zh = CliRunner().invoke(cli, [*path, "-h"], env={"COLUMNS": "80"})
    assert zh.exit_code == 0 and zh.output.startswith("用法：")
    assert not any(word in zh.output for word in CLICK_ENGLISH), zh.output
    flat = _flat(zh.output)
    assert _flat(help_zh) in flat and _flat(help_en) not in flat
    for text in (o.help for o in options):
        assert CJK.search(HELP_ZH[text]) and _flat(HELP_ZH[text]) in flat and _flat(text) not in flat
    assert "显示本帮助并退出" in zh.output
    # Chinese wraps at 80 display columns too (a long --kind choice list is click's, kept on its line)
    assert all(display_width(line) <= 80 for line in zh.output.splitlines() if "[bill|" not in line)

    en = CliRunner().invoke(cli, ["--lang", "en", *path, "-h"])
    assert en.exit_code == 0 and en.output.startswith("Usage:") and "Show this message and exit." in en.output
    flat = _flat(en.output)
    assert _flat(help_en) in flat and _flat(help_zh) not in flat
    for text in (o.help for o in options):
        assert _flat(text) in flat and _flat(HELP_ZH[text]) not in flat
    assert "用法" not in en.output and "选项" not in en.output


def test_lang_from_the_environment_and_before_or_after_help():
    assert CliRunner().invoke(cli, ["validate", "-h"], env={"SHOPBOOK_LANG": "en"}).output.startswith("Usage:")
    assert CliRunner().invoke(cli, ["--lang", "en", "-h"]).output.startswith("Usage:")
    assert CliRunner().invoke(cli, ["-h", "--lang", "en"]).output.startswith("Usage:")
    assert CliRunner().invoke(cli, ["-h", "--lang=en"]).output.startswith("Usage:")
    assert CliRunner().invoke(cli, ["-h"]).output.startswith("用法：")
    assert CliRunner().invoke(cli, ["-h", "--lang", "zh"], env={"SHOPBOOK_LANG": "en"}).output.startswith("用法：")
    # a command's own argument named like the option is not the option
    assert CliRunner().invoke(cli, ["rules", "--lang", "-h"]).output.startswith("错误")


def test_group_lists_commands_in_chinese_one_line_each():
    result = CliRunner().invoke(cli, ["-h"], env={"COLUMNS": "80"})
    listed = result.output.split("命令：")[1].strip().splitlines()
    assert len(listed) == len(cli.list_commands(click.Context(cli)))
    line = next(line for line in listed if line.strip().startswith("validate"))
    assert "校验表格" in line and "Check" not in line


def test_missing_argument_and_bad_values_are_chinese_by_default():
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2 and result.output.startswith("错误：缺少参数 'PATH'。") and "Missing argument" not in result.output
    result = CliRunner().invoke(cli, ["stubs", "--date", "2026-13-01"])
    assert result.exit_code == 2 and "'--date' 的取值无效：'2026-13-01' 不是有效的日期，请写成 2026-10-15 这样的格式" in result.output
    result = CliRunner().invoke(cli, ["validate", ".", "--as-of", "13/10/2026"])
    assert result.exit_code == 2 and "'--as-of' 的取值无效" in result.output and "does not match" not in result.output
    result = CliRunner().invoke(cli, ["validate", ".", "--nope"])
    assert result.exit_code == 2 and "没有选项 '--nope'" in result.output and "No such option" not in result.output


def test_english_with_lang_en():
    result = CliRunner().invoke(cli, ["--lang", "en", "validate"])
    assert "Error: Missing argument 'PATH'." in result.output
    result = CliRunner().invoke(cli, ["--lang", "en", "validate", ".", "--as-of", "13/10/2026"])
    assert "Invalid value for '--as-of': '13/10/2026' does not match the format" in result.output
    result = CliRunner().invoke(cli, ["--lang", "en", "monthly", "--help"])
    assert "Usage:" in result.output and "Send it over SMTP" in result.output


def test_option_help_is_chinese_by_default():
    result = CliRunner().invoke(cli, ["monthly", "--help"])
    assert result.exit_code == 0
    assert "用法：" in result.output and "选项：" in result.output
    assert "通过 SMTP 发送" in result.output and "数据不完整也照样发送" in result.output and "显示本帮助并退出" in result.output
    assert "Send it over SMTP" not in result.output
