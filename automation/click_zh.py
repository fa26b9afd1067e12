"""click's own words in Chinese: usage errors, headings and help lines follow --lang (zh by default).

click marks its messages with gettext (`_` and `ngettext` bound in each of its modules). Rather than
ship a compiled .mo catalogue, `install()` points those names at a lookup in CLICK_ZH, so
`Error: Missing argument 'PATH'.` reads `错误：缺少参数 'PATH'。` and English stays with --lang en.
Option help is English in the source; HELP_ZH gives the Chinese line shown by default.
"""

from __future__ import annotations

import importlib

from .i18n import lang

CLICK_ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值之一：{choices}。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}（例如 2026-10-15）。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats}（例如 2026-10-15）。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Show the version and exit.": "显示版本并退出。",
    "Show this message and exit.": "显示本帮助并退出。",
    "Aborted!": "已中止！",
    "file": "文件", "directory": "文件夹", "path": "路径",
    "default: {default}": "默认：{default}", "env var: {var}": "环境变量：{var}",
    "integer": "整数", "float": "数字",
}

# Option help of the commands, English in the source; the Chinese line shown by default.
HELP_ZH = {
    "Language of messages and reports (default zh; also SHOPBOOK_LANG).": "消息与报表的语言（默认 zh 中文；也可设 SHOPBOOK_LANG）。",
    "Month to report, e.g. 2026-10 (default: last month).": "报告的月份，如 2026-10（默认：上个月）。",
    "Month to reconcile, e.g. 2026-10 (default: last month).": "对账的月份，如 2026-10（默认：上个月）。",
    "Send it over SMTP ([email] in shop.toml); without it the e-mail is only written to the outbox.":
        "通过 SMTP 发送（shop.toml 的 [email]）；不加则只写入发件箱。",
    "Send even if this month was already sent.": "即使本月已发送过也再发一次。",
    "Send or write an incomplete month anyway; the mail's first line says what is missing.":
        "数据不完整也照样发送/写入；邮件第一行写明缺少什么。",
    "A courier's bill file (repeatable). Default: the shop's 账单/ folder, e.g. 账单/中通_2026-10.xlsx.":
        "快递账单文件（可重复）。默认：店铺的 账单/ 文件夹，如 账单/中通_2026-10.xlsx。",
    "Send even if the sent-log has this month (sent, or delivery unknown).": "即使发送记录中已有本月（已发送或投递未知）也再发一次。",
    "Print the result as JSON.": "以 JSON 输出结果。",
    "Print the findings as JSON.": "以 JSON 输出结果。",
    "Day to check (default: the latest day in the shipment log and stubs).": "核对的日期（默认：发货登记与底单中最近的一天）。",
    "Check a whole month, e.g. 2026-10.": "核对整月，如 2026-10。",
    "Month to report, e.g. 2026-10 (default: last month, or the month of --day).": "报告的月份，如 2026-10（默认：上个月，或 --day 所在月）。",
    "Only this day's per-agent figures (M-DAILYSALES), e.g. 2026-10-15.": "只出这一天的分客服数据，如 2026-10-15。",
    "Judge deadlines as of this moment, e.g. 2026-11-01T09:00 (default: the end of the latest day in the sheets).":
        "按此时刻判断是否超时，如 2026-11-01T09:00（默认：表格中最近一天的结束）。",
}


def zh(message: str) -> str:
    return CLICK_ZH.get(message, HELP_ZH.get(message, message)) if lang() == "zh" else message


def zh_n(singular: str, plural: str, n: int) -> str:
    return zh(singular if n == 1 else plural)


def install() -> None:
    """Point click's gettext names at the lookup (idempotent)."""
    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = zh
        if hasattr(module, "ngettext"):
            module.ngettext = zh_n
    formatting = importlib.import_module("click.formatting")
    original = formatting.HelpFormatter.write_dl
    if getattr(original, "_shopbook", False):
        return

    def write_dl(self, rows, *args, **kwargs):
        return original(self, [(term, zh(text)) for term, text in rows], *args, **kwargs)

    write_dl._shopbook = True
    formatting.HelpFormatter.write_dl = write_dl
