"""shop.toml: the shop's own settings. Every key has a documented default (docs/shop-folder.md).

This module owns the sections every command shares (shop, staff, calendar, email, rules, reports).
Feature modules read their own sections (couriers, rates, thresholds, promotions…) with
`ShopConfig.section(name)` and keep the parsing of those next to the code that uses them.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from .errors import UserError

CONFIG_NAME = "shop.toml"
ROLES = ("客服", "客服主管", "仓库", "发货", "在线编辑", "文案", "美工", "负责人")
SHIFTS = ("白班", "晚班")


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    shift: str | None = None
    supervisor: str | None = None
    rest_day: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Shift:
    name: str
    start: str  # "09:00"
    end: str  # "17:30"; an end before the start runs past midnight


@dataclass(frozen=True)
class Promotion:
    """A promotion period (M-FLAG-PROMO): orders shared evenly, no agent name needed in remarks."""

    name: str
    start: dt.datetime
    end: dt.datetime

    def covers(self, moment: dt.datetime | dt.date) -> bool:
        if not isinstance(moment, dt.datetime):
            moment = dt.datetime(moment.year, moment.month, moment.day)
        return self.start <= moment <= self.end


@dataclass
class ShopConfig:
    path: Path | None  # None: no shop.toml, defaults only
    raw: dict = field(default_factory=dict)
    name: str = "店铺"
    timezone: str = "Asia/Shanghai"
    lang: str | None = None
    staff: tuple[Person, ...] = ()
    shifts: tuple[Shift, ...] = (Shift("白班", "09:00", "17:30"), Shift("晚班", "17:30", "22:30"))
    out_dir: str = "reports/out"
    promotions: tuple[Promotion, ...] = ()

    def promotion_at(self, moment: dt.datetime | dt.date | None) -> Promotion | None:
        if moment is None:
            return None
        return next((p for p in self.promotions if p.covers(moment)), None)

    def section(self, name: str) -> dict:
        value = self.raw.get(name, {})
        if not isinstance(value, dict):
            self.fail(f"[{name}] must be a table")
        return value

    def fail(self, detail: str) -> None:
        raise UserError("err.config", path=self.path or CONFIG_NAME, detail=detail)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def people(self, *roles: str) -> list[Person]:
        return [p for p in self.staff if not roles or p.role in roles]

    def person(self, name: str) -> Person | None:
        return next((p for p in self.staff if p.name == name), None)


def _person(raw: dict, cfg: ShopConfig) -> Person:
    if not isinstance(raw, dict) or "name" not in raw or "role" not in raw:
        cfg.fail("each [[staff]] entry needs name and role")
    if raw["role"] not in ROLES:
        cfg.fail(f"staff {raw['name']}: role {raw['role']!r} is not one of {', '.join(ROLES)}")
    return Person(raw["name"], raw["role"], raw.get("shift"), raw.get("supervisor"), raw.get("rest_day"), raw.get("email"))


def load_config(path: Path | None) -> ShopConfig:
    """Read shop.toml; `None` or a missing file gives the documented defaults."""
    if path is None or not path.exists():
        return ShopConfig(path=None)
    cfg = ShopConfig(path=path)
    try:
        cfg.raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        cfg.fail(str(exc))
    shop = cfg.section("shop")
    cfg.name = shop.get("name", cfg.name)
    cfg.timezone = shop.get("timezone", cfg.timezone)
    cfg.lang = shop.get("lang")
    try:
        ZoneInfo(cfg.timezone)
    except Exception:
        cfg.fail(f"unknown timezone {cfg.timezone!r}")
    staff = cfg.raw.get("staff", [])
    if not isinstance(staff, list):
        cfg.fail("staff must be written as [[staff]] entries")
    cfg.staff = tuple(_person(p, cfg) for p in staff)
    shifts = cfg.raw.get("shifts")
    if shifts:
        cfg.shifts = tuple(Shift(s["name"], s["start"], s["end"]) for s in shifts)
    cfg.out_dir = cfg.section("reports").get("out_dir", cfg.out_dir)
    cfg.promotions = tuple(_promotion(p, cfg) for p in cfg.raw.get("promotions", []))
    return cfg


def _moment(value: object, end: bool) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.max if end else dt.time.min)
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if "T" in str(value) or " " in str(value) else _moment(parsed.date(), end)


def _promotion(raw: dict, cfg: ShopConfig) -> Promotion:
    try:
        return Promotion(raw.get("name", "活动"), _moment(raw["start"], False), _moment(raw["end"], True))
    except (KeyError, ValueError, TypeError):
        cfg.fail("each [[promotions]] entry needs start and end dates, e.g. start = 2026-10-20")
