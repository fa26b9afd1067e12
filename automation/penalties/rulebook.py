"""The penalty rulebook (扣分规则.toml): data the shop edits, loaded into `Rule`s.

The shop's own file (shop folder, name from `[penalties] rulebook`) wins; without one the built-in
file shipped in workbook_templates/shop_files/ is used. Every problem is a one-line UserError.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..config import ROLES
from ..errors import UserError
from ..i18n import pick, register
from ..paths import data_dir

RULEBOOK_NAME = "扣分规则.toml"
PREFIX = "M-PEN-"

register({
    "penalties.rulebook_bad": ("扣分规则文件 {path} 有误：{detail}。请参照 docs/reports.md 修改，或删除该文件以使用内置规则。",
                               "Rulebook {path} is invalid: {detail}. See docs/reports.md, or delete the file to use the built-in rules."),
})


@dataclass(frozen=True)
class Rule:
    code: str  # M-PEN-…
    clause: str
    zh: str
    en: str
    roles: tuple[str, ...]
    low: Decimal  # points per occurrence; low == high unless the manual gives a range
    high: Decimal
    text_points: Decimal | None = None  # M-PEN-BADREV: a bad review with written text
    supervisor_points: Decimal | None = None  # linked points for the person's supervisor (M-PEN-AWAY)
    escalate_from: int | None = None  # the Nth occurrence in a month and later are multiplied
    escalate_factor: Decimal = Decimal(1)
    every_agent_on_duty: bool = False  # M-PEN-LUNCH
    role_points: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        return pick(self.zh, self.en)

    def range_for(self, role: str | None) -> tuple[Decimal, Decimal]:
        return self.role_points.get(role or "", (self.low, self.high))

    def range_text(self, role: str | None = None) -> str:
        low, high = self.range_for(role)
        return _num(low) if low == high else f"{_num(low)}–{_num(high)}"


@dataclass(frozen=True)
class Rulebook:
    rules: dict[str, Rule]
    path: Path

    def find(self, text: object) -> Rule | None:
        """A rule by code (with or without M-PEN-, any case) or by one of its aliases / zh text."""
        key = str(text or "").strip()
        if not key:
            return None
        upper = key.upper()
        code = upper if upper.startswith(PREFIX) else PREFIX + upper
        if code in self.rules:
            return self.rules[code]
        return next((r for r in self.rules.values() if key in r.aliases or key == r.zh), None)

    def __getitem__(self, code: str) -> Rule:
        return self.rules[code]


def builtin_path() -> Path:
    return data_dir("workbook_templates") / "shop_files" / RULEBOOK_NAME


def load_rulebook(shop_root: Path | None = None, name: str = RULEBOOK_NAME) -> Rulebook:
    own = shop_root / name if shop_root is not None else None
    path = own if own is not None and own.is_file() else builtin_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError("penalties.rulebook_bad", path=path, detail=exc) from exc
    entries = raw.get("rule")
    if not isinstance(entries, list) or not entries:
        raise UserError("penalties.rulebook_bad", path=path, detail="no [[rule]] entries")
    rules: dict[str, Rule] = {}
    for entry in entries:
        rule = _rule(entry, path)
        if rule.code in rules:
            raise UserError("penalties.rulebook_bad", path=path, detail=f"{rule.code} is listed twice")
        rules[rule.code] = rule
    return Rulebook(rules, path)


def _rule(entry: object, path: Path) -> Rule:
    def fail(detail: str):
        raise UserError("penalties.rulebook_bad", path=path, detail=detail)

    if not isinstance(entry, dict) or not str(entry.get("code", "")).upper().startswith(PREFIX):
        fail(f"each [[rule]] needs code = \"{PREFIX}…\" (found {entry!r:.60})")
    code = str(entry["code"]).upper()
    roles = tuple(entry.get("roles", ["客服"]))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        fail(f"{code}: unknown role {unknown[0]!r} (roles: {', '.join(ROLES)})")
    try:
        low, high = _range(entry.get("points"))
        role_points = {role: _range(value) for role, value in dict(entry.get("role_points", {})).items()}
        text_points = _dec(entry["text_points"]) if "text_points" in entry else None
        supervisor = _dec(entry["supervisor_points"]) if "supervisor_points" in entry else None
        factor = _dec(entry.get("escalate_factor", 1))
    except (InvalidOperation, TypeError, ValueError) as exc:
        fail(f"{code}: points must be a number or [min, max] ({exc})")
    escalate_from = entry.get("escalate_from")
    if escalate_from is not None and (not isinstance(escalate_from, int) or escalate_from < 1):
        fail(f"{code}: escalate_from must be a whole number ≥ 1")
    return Rule(code, str(entry.get("clause", "")), str(entry.get("zh", code)), str(entry.get("en", code)), roles,
                low, high, text_points, supervisor, escalate_from, factor, bool(entry.get("every_agent_on_duty", False)),
                role_points, tuple(str(a) for a in entry.get("aliases", [])))


def _dec(value: object) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a number: {value!r}")
    number = Decimal(str(value))  # str(): 1.5 from TOML must stay exactly 1.5
    if not number.is_finite():  # TOML's inf / nan
        raise ValueError(f"not a number: {value!r}")
    return number


def _range(value: object) -> tuple[Decimal, Decimal]:
    if isinstance(value, list):
        if len(value) != 2:
            raise ValueError("a range is [min, max]")
        low, high = _dec(value[0]), _dec(value[1])
    else:
        low = high = _dec(value)
    if low < 0 or high < low:
        raise ValueError(f"bad range {value!r}")
    return low, high


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")
