"""shop.toml problems as the team reads them: line number, section and key, what is wrong, in zh/en.

tomllib gives no positions, so `key_lines` scans the TOML text for table headers and `key =` lines
and maps each path (("staff", 1, "name"), ("calendar", "holidays")) to its line.
"""

from __future__ import annotations

import difflib
import re
import typing
from types import UnionType

from pydantic import BaseModel, ValidationError

from .config_schema import ConfigValueError
from .i18n import pick, register

register({
    "config.problems": ("配置文件 {path} 有 {count} 处错误：{items}。请参照 docs/shop-folder.md 修改。",
                        "Config file {path} has {count} problems: {items}. See docs/shop-folder.md."),
})

_HEADER = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*(\]\]?)\s*(?:#.*)?$")
_KEY = re.compile(r'^\s*((?:"[^"]*"|\'[^\']*\'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|\'[^\']*\'|[A-Za-z0-9_-]+))*)\s*=')
_PART = re.compile(r'"([^"]*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)')


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(next(g for g in m.groups() if g is not None) for m in _PART.finditer(dotted))


def key_lines(text: str) -> dict[tuple, int]:
    """Path of every table and key in the TOML text -> its 1-based line; array tables get their index."""
    lines: dict[tuple, int] = {}
    counts: dict[tuple, int] = {}
    table: tuple = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            names = _parts(header.group(2))
            prefix = _indexed(names[:-1], counts)
            if header.group(1) == "[[":
                counts[prefix + names[-1:]] = counts.get(prefix + names[-1:], -1) + 1
                table = prefix + names[-1:] + (counts[prefix + names[-1:]],)
            else:
                table = prefix + names[-1:]
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            lines.setdefault(table + _parts(key.group(1)), number)
    return lines


def _indexed(names: tuple, counts: dict[tuple, int]) -> tuple:
    """[[rates."中通".zones]] under [rates."中通"]: a name that is an array table gets its current index."""
    out: tuple = ()
    for name in names:
        out += (name,)
        if out in counts:
            out += (counts[out],)
    return out


def line_of(loc: tuple, lines: dict[tuple, int]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


NAMED_TABLES = ("couriers", "rates", "headers")  # [rates."中通"]: one table per courier / sheet kind


def where(loc: tuple) -> str:
    """("staff", 1, "name") -> "[[staff]] 第 2 项 name"; ("rates", "中通", "first_kg") -> '[rates."中通"] first_kg'."""
    if not loc:
        return "shop.toml"
    out = f"[{loc[0]}]"
    rest = list(loc[1:])
    if loc[0] in NAMED_TABLES and rest:
        name = rest.pop(0)
        out = f'[{loc[0]}."{name}"]' if not str(name).isascii() or not str(name).isidentifier() else f"[{loc[0]}.{name}]"
    if rest and isinstance(rest[0], int):
        out = f"[[{loc[0]}]] " + pick(f"第 {rest.pop(0) + 1} 项", f"entry {loc[1] + 1}")
    words = []
    for part in rest:
        words.append(pick(f"第 {part + 1} 个", f"item {part + 1}") if isinstance(part, int) else str(part))
    return " ".join([out, *words]) if words else out


_WHAT = {
    "missing": ("缺少必填项（请补上，例如 {example}）", "required key missing (add it, e.g. {example})"),
    "extra_forbidden": ("没有这一项{hint}", "unknown key{hint}"),
    "string_type": ("应为文字（加双引号），而不是 {value}", "must be text (in double quotes), not {value}"),
    "text": ("应为非空的文字（加双引号），而不是 {value}", "must be non-empty text (in double quotes), not {value}"),
    "int_type": ("应为整数，而不是 {value}", "must be a whole number, not {value}"),
    "int_from_float": ("应为整数，而不是 {value}", "must be a whole number, not {value}"),
    "bool_type": ("应为 true 或 false，而不是 {value}", "must be true or false, not {value}"),
    "list_type": ("应为列表，例如 [\"…\", \"…\"]，而不是 {value}", "must be a list like [\"…\", \"…\"], not {value}"),
    "dict_type": ("应为一段表（[…] 段或 {{ … }}），而不是 {value}", "must be a table ([…] section or {{ … }}), not {value}"),
    "model_type": ("应为一段表（[…] 段或 {{ … }}），而不是 {value}", "must be a table ([…] section or {{ … }}), not {value}"),
    "model_attributes_type": ("应为一段表（[…] 段或 {{ … }}），而不是 {value}", "must be a table ([…] section or {{ … }}), not {value}"),
    "literal_error": ("{value} 不是可选值之一（{expected}）", "{value} is not one of {expected}"),
    "greater_than_equal": ("应不小于 {ge}，而不是 {value}", "must be at least {ge}, not {value}"),
    "less_than_equal": ("应不大于 {le}，而不是 {value}", "must be at most {le}, not {value}"),
    "hhmm": ("时间 {value} 应写成 HH:MM，例如 \"09:00\"", "time {value} must be written HH:MM, e.g. \"09:00\""),
    "weekday": ("{value} 不是星期几，请写 周一…周日（或 星期一…、Mon…）", "{value} is not a weekday; write 周一…周日 (or 星期一…, Mon…)"),
    "date": ("{value} 不是日期，请写成 2026-10-01", "{value} is not a date; write it like 2026-10-01"),
    "moment": ("{value} 不是日期或时间，请写成 2026-11-01 或 2026-11-11 00:00:00", "{value} is not a date or time; write 2026-11-01 or 2026-11-11 00:00:00"),
    "number": ("应为数字，而不是 {value}", "must be a number, not {value}"),
    "not_negative": ("应为 0 或更大的数，而不是 {value}", "must be 0 or more, not {value}"),
    "timezone": ("未知的时区 {value}，例如 \"Asia/Shanghai\"", "unknown time zone {value}, e.g. \"Asia/Shanghai\""),
    "password_in_file": ("密码不能写在 shop.toml 中：请删除这一行，用 password_env 指定的环境变量或系统钥匙串（keyring set shopbook 用户名）提供密码",
                         "the password must not be written in shop.toml: delete this line and give it through the environment variable named by password_env or the OS keyring (keyring set shopbook USER)"),
    "unknown_kind": ("没有“{value}”这种表格类型{hint}", "no sheet kind '{value}'{hint}"),
}
_EXAMPLES = {"end": 'end = "17:30"', "start": 'start = "09:00"', "name": 'name = "李娜"', "role": 'role = "客服"'}


def _shown(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:37] + "…"


def describe(error: dict, model: type[BaseModel]) -> str:
    kind = error["type"]
    ctx = dict(error.get("ctx") or {})
    custom = ctx.pop("error", None)
    if kind == "value_error" and isinstance(custom, ConfigValueError):
        kind, ctx["value"] = custom.kind, custom.value
    loc = tuple(error["loc"])
    params = {"value": _shown(ctx.pop("value", error.get("input"))), "example": _EXAMPLES.get(str(loc[-1]) if loc else "", f"{loc[-1]} = …" if loc else ""),
              "hint": "", "expected": ctx.get("expected", ""), **{k: v for k, v in ctx.items() if k != "expected"}}
    if params["expected"]:
        params["expected"] = pick("、", ", ").join(p.strip(" '") for p in re.split(r",| or ", str(params["expected"])))
    if kind == "extra_forbidden":
        params["hint"] = did_you_mean(str(loc[-1]), allowed_keys(model, loc[:-1]))
    if kind == "unknown_kind":
        params["value"] = str(error.get("input"))
    zh, en = _WHAT.get(kind, ("{message}", "{message}"))
    return pick(zh, en).format(message=error.get("msg", kind), **params)


def did_you_mean(written: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(written, allowed, n=1, cutoff=0.6)
    if close:
        return pick(f"（是不是要写 {close[0]}）", f" (did you mean {close[0]}?)")
    return pick(f"（可用：{'、'.join(allowed)}）", f" (known: {', '.join(allowed)})") if allowed else ""


def allowed_keys(model: type, loc: tuple) -> list[str]:
    """The keys the model declares at a location (for "did you mean")."""
    current: object = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    current = _model(current)
    if current is None:
        return []
    return [field.alias or name for name, field in current.model_fields.items()]


def _options(annotation: object) -> list:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _options(typing.get_args(annotation)[0])
    if origin in (typing.Union, UnionType):
        return [o for a in typing.get_args(annotation) for o in _options(a)]
    return [annotation]


def _model(annotation: object) -> type[BaseModel] | None:
    return next((o for o in _options(annotation) if isinstance(o, type) and issubclass(o, BaseModel)), None)


def _step(annotation: object, part: object) -> object:
    for option in _options(annotation):
        if isinstance(option, type) and issubclass(option, BaseModel):
            field = option.model_fields.get(part) or next((f for f in option.model_fields.values() if f.alias == part), None)
            if field is not None:
                return field.annotation
        origin = typing.get_origin(option)
        if origin is list and isinstance(part, int):
            return typing.get_args(option)[0]
        if origin is dict and not isinstance(part, int):
            return typing.get_args(option)[1]
    return None


def problems(exc: ValidationError, model: type[BaseModel], text: str) -> list[str]:
    """One line per problem, in file order; a value that fits no branch of a union is reported once."""
    lines = key_lines(text)
    seen: set[tuple] = set()
    found = []
    for error in exc.errors(include_url=False):
        loc = _clean(tuple(error["loc"]))
        if loc in seen:
            continue
        seen.add(loc)
        found.append((line_of(loc, lines), loc, describe({**error, "loc": loc}, model)))
    found.sort(key=lambda p: (p[0] is None, p[0] or 0))
    return [problem_line(line, loc, what) for line, loc, what in found]


def problem_line(line: int | None, loc: tuple, what: str) -> str:
    if line is None:
        return f"{where(loc)}：{what}" if lang_zh() else f"{where(loc)}: {what}"
    return pick("第 {line} 行 {where}：{what}", "line {line}, {where}: {what}").format(line=line, where=where(loc), what=what)


def lang_zh() -> bool:
    return pick(True, False)


def _clean(loc: tuple) -> tuple:
    """pydantic puts union branch names in the location (`list[Zone]`, `str`): drop them."""
    return tuple(p for p in loc if isinstance(p, int) or not ("[" in p or p in ("str", "int", "float", "function-after", "function-before")))
