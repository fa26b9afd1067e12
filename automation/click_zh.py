"""click's own words in Chinese: usage errors, headings and help lines follow --lang (zh by default).

click marks its messages with gettext (`_` and `ngettext` bound in each of its modules). Rather than
ship a compiled .mo catalogue, `install()` points those names at a lookup in CLICK_ZH, so
`Error: Missing argument 'PATH'.` reads `错误：缺少参数 'PATH'。` and English stays with --lang en.
Our own help (every command's and option's) is written once as a pair, `help=help_text(zh, en)`:
click keeps the English, the Chinese is looked up when the help is formatted, i.e. after the group's
--lang (or SHOPBOOK_LANG) has been read, so `shopbook --lang en validate -h` is English and
`shopbook validate -h` Chinese.
"""

from __future__ import annotations

import importlib
import inspect
import re

from .i18n import lang
from .lazyre import lazy_compile
from .textwidth import display_width

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
    # our only click.DateTime options take a day (%Y-%m-%d): say it the way staff write it
    "{value!r} does not match the format {format}.": "{value!r} 不是有效的日期，请写成 2026-10-15 这样的格式。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不是有效的日期，请写成 2026-10-15 这样的格式。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Aborted!": "已中止！",
    "file": "文件", "directory": "文件夹", "path": "路径",
    "default: {default}": "默认：{default}", "env var: {var}": "环境变量：{var}",
    "integer": "整数", "float": "数字", "text": "文本", "(dynamic)": "（动态）", "deprecated": "已弃用",
    "Did you mean {possibility}?": "是不是要用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是要用其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Error: invalid input": "错误：输入无效",
    "Do you want to continue?": "是否继续？",
    "unknown error": "未知错误",
}

# Usage-line and option-column words click prints as they are: [OPTIONS], COMMAND, TEXT…
METAVARS_ZH = {"[OPTIONS]": "[选项]", "COMMAND": "命令", "[ARGS]...": "[参数]...", "TEXT": "文本", "INTEGER": "整数",
               "FLOAT": "数字"}
_METAVAR = lazy_compile(r"(?<![\w-])(" + "|".join(re.escape(m) for m in METAVARS_ZH) + r")(?![\w-])")

# Our own help texts: English (as click stores it) -> Chinese. Filled by help_text().
HELP_ZH: dict[str, str] = {}
_DEFAULTS = lazy_compile(r"^(.*?)(\s+\[[^\[\]]*\])?$", re.S)  # click appends "  [default: …]" to option help


def help_text(zh: str, en: str) -> str:
    """Help for a command or option in both languages: returns the English for click to keep and
    remembers the Chinese shown by default. The same English may not stand for two Chinese texts."""
    en, zh = inspect.cleandoc(en), inspect.cleandoc(zh)
    if HELP_ZH.setdefault(en, zh) != zh:
        raise ValueError(f"help text given two Chinese versions: {en!r}")
    return en


# click makes its -h/--help line while parsing, before the group's --lang is read: keep it English
# there (not in CLICK_ZH) and translate it when formatting, like our own help.
help_text("显示本帮助并退出。", "Show this message and exit.")


def translated_help(text: str) -> str:
    """A help text as shown now: a command's docstring in the current language's paragraphs, the
    Chinese of a help_text() pair (keeping click's "[默认：…]" tail), or one of click's own lines."""
    if text in HELP_ZH:
        return HELP_ZH[text] if lang() == "zh" else text
    body, tail = _DEFAULTS.match(text).groups()
    if body in HELP_ZH:
        return (HELP_ZH[body] if lang() == "zh" else body) + (tail or "")
    return docstring_in_language(text) if is_bilingual(text) else zh(text)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _is_chinese(paragraph: str) -> bool:
    return bool(_WIDE.match(paragraph))  # a Chinese paragraph starts with a Chinese character


def is_bilingual(text: str) -> bool:
    """A command docstring as we write them: English paragraph(s), then Chinese paragraph(s)."""
    kinds = {_is_chinese(p) for p in _paragraphs(text)}
    return kinds == {True, False}


def docstring_in_language(text: str) -> str:
    """The paragraphs of the current language; Chinese lines join without the space English needs."""
    chinese = lang() == "zh"
    chosen = [p for p in _paragraphs(text) if _is_chinese(p) == chinese]
    joiner = "" if chinese else " "
    return "\n\n".join(joiner.join(line.strip() for line in p.splitlines()) for p in chosen)


def short_help(text: str, limit: int = 45) -> str:
    """A command's line in the group's list: its first sentence, cut to `limit` display columns (a
    CJK character takes two) like click cuts the English one."""
    first = re.split(r"(?<=[。；])", text.strip(), maxsplit=1)[0].strip()
    if display_width(first) <= limit:
        return first
    out = ""
    for ch in first:
        if display_width(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


def usage_message(exc) -> str:
    """A click usage error's message, with a Chinese full stop in Chinese (click writes "'PATH'.")."""
    message = exc.format_message()
    return message[:-1] + "。" if lang() == "zh" and message.endswith(".") else message


def zh(message: str) -> str:
    """click's own message in the current language (click calls this as its gettext `_`)."""
    return CLICK_ZH.get(message, message) if lang() == "zh" else message


def zh_n(singular: str, plural: str, n: int) -> str:
    return zh(singular if n == 1 else plural)


def install() -> None:
    """Point click's gettext names at the lookup, and resolve our help texts and click's placeholder
    words when help is formatted (idempotent)."""
    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = zh
        if hasattr(module, "ngettext"):
            module.ngettext = zh_n
    formatter = importlib.import_module("click.formatting").HelpFormatter
    if getattr(formatter.write_dl, "_shopbook", False):
        return
    _wrap(formatter, "write_dl", lambda original: lambda self, rows, *a, **k: original(
        self, [(metavars(term), translated_help(text)) for term, text in rows], *a, **k))
    _wrap(formatter, "write_text", lambda original: lambda self, text: original(self, translated_help(text)))
    _wrap(formatter, "write_usage", lambda original: lambda self, prog, args="", prefix=None: original(
        self, prog, metavars(args), prefix))
    _wrap(formatter, "write_heading", lambda original: lambda self, heading: (
        self.write(f"{'':>{self.current_indent}}{heading}：\n") if lang() == "zh" else original(self, heading)))
    _measure_in_display_columns()
    command = importlib.import_module("click.core").Command
    _wrap(command, "get_short_help_str", lambda original: lambda self, limit=45: (
        short_help(translated_help(inspect.cleandoc(self.short_help or self.help or "")), limit)
        if lang() == "zh" and (self.short_help or self.help) else original(self, limit)))


_WIDE = lazy_compile(r"([\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6])")


_CLOSING, _OPENING = set("，。、；：！？）》」』”’"), set("（《「『“‘")


def _measure_in_display_columns() -> None:
    """click wraps and aligns help by characters; a CJK character takes two columns and may break
    anywhere, so Chinese help would overrun the terminal. Measure with display_width and let every
    wide character be its own wrapping chunk."""
    compat, textwrap_, formatting = (importlib.import_module(f"click.{m}") for m in ("_compat", "_textwrap", "formatting"))
    term_width = lambda text: display_width(compat.strip_ansi(text))  # noqa: E731
    base = textwrap_.TextWrapper

    class WideWrapper(base):
        def _split(self, text):
            chunks: list[str] = []
            for piece in (p for chunk in super()._split(text) for p in _WIDE.split(chunk) if p):
                if chunks and (piece in _CLOSING or chunks[-1] in _OPENING):
                    chunks[-1] += piece  # no line starts with ，。） nor ends with （
                else:
                    chunks.append(piece)
            return chunks

    textwrap_.term_len = formatting.term_len = term_width
    textwrap_.TextWrapper = WideWrapper


def metavars(text: str) -> str:
    """[OPTIONS], COMMAND, TEXT… as 选项, 命令, 文本 in Chinese; option names and argument names stay."""
    return _METAVAR.sub(lambda m: METAVARS_ZH[m.group(1)], text) if lang() == "zh" else text


def _wrap(owner: type, name: str, make) -> None:
    wrapped = make(getattr(owner, name))
    wrapped._shopbook = True
    setattr(owner, name, wrapped)
