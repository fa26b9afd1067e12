"""shop.toml: the shop's own settings. Every key has a documented default (docs/shop-folder.md).

This module owns the sections every command shares (shop, staff, calendar, email, rules, reports).
Feature modules read their own sections (couriers, rates, thresholds, promotions…) with
`ShopConfig.section(name)` and keep the parsing of those next to the code that uses them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .config_names import ROLES  # noqa: F401 - imported from here by the penalties
from .errors import UserError
from .i18n import pick

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from .config_schema import ShopToml

CONFIG_NAME = "shop.toml"
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
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)

    def people(self, *roles: str) -> list[Person]:
        return [p for p in self.staff if not roles or p.role in roles]

    def person(self, name: str) -> Person | None:
        return next((p for p in self.staff if p.name == name), None)


def load_config(path: Path | None) -> ShopConfig:
    """Read shop.toml and check it whole against the schema; `None` or a missing file gives the documented defaults."""
    if path is None or not path.exists():
        return ShopConfig(path=None)
    import tomllib  # not at the top: a folder without shop.toml never needs it

    cfg = ShopConfig(path=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        cfg.raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        cfg.fail(str(exc))
    model = validated(cfg.raw, text, path)
    cfg.name, cfg.timezone, cfg.lang = model.shop.name, model.shop.timezone, model.shop.lang
    cfg.staff = tuple(Person(p.name, p.role, p.shift, p.supervisor, p.rest_day, p.email) for p in model.staff)
    if model.shifts:
        cfg.shifts = tuple(Shift(s.name, s.start, s.end) for s in model.shifts)
    cfg.out_dir = model.reports.out_dir
    cfg.promotions = tuple(Promotion(p.name, _moment(p.start, False), _moment(p.end, True)) for p in model.promotions)
    return cfg


def config_path(path: Path) -> Path:
    """The shop.toml a user's path means: the file itself, or the one in the folder (a workbook's
    folder for a workbook). A path that does not exist is a clear error."""
    if not path.exists():
        raise UserError("err.missing_file", path=path)
    if path.is_file() and path.suffix.lower() != ".toml":
        path = path.parent
    return path / CONFIG_NAME if path.is_dir() else path


def validated(raw: dict, text: str, path: Path) -> ShopToml:
    """The whole file against the declared schema; every problem at once, each with its line.
    (pydantic and the schema are imported here: a run without a shop.toml never needs them.)"""
    from pydantic import ValidationError

    from .config_errors import problems
    from .config_schema import ShopToml

    found: list[str] = []
    try:
        model = ShopToml.model_validate(raw)
    except ValidationError as exc:
        model = None
        found = problems(exc, ShopToml, text)
    found += _header_kind_problems(raw, text)
    if found:
        if len(found) == 1:
            raise UserError("err.config", path=path, detail=found[0])
        raise UserError("config.problems", path=path, count=len(found), items=pick("；", "; ").join(found))
    assert model is not None
    return model


def _header_kind_problems(raw: dict, text: str) -> list[str]:
    from .config_errors import did_you_mean, key_lines, line_of, problem_line
    from .schema import schemas

    headers = raw.get("headers")
    if not isinstance(headers, dict):
        return []
    kinds, lines = list(schemas()), key_lines(text)
    return [problem_line(line_of(("headers", kind), lines), ("headers", kind),
                         pick(f"没有“{kind}”这种表格类型", f"no sheet kind '{kind}'") + did_you_mean(kind, kinds))
            for kind in headers if kind not in kinds]


def _moment(value: object, end: bool) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.max if end else dt.time.min)
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if "T" in str(value) or " " in str(value) else _moment(parsed.date(), end)
