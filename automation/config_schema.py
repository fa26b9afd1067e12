"""The declared schema of shop.toml (pydantic v2), checked whole when the file is loaded.

pydantic rather than hand-written checks: every section and key is declared once with its type, all
problems come back at once, each with its exact location (section, entry, key), which
`automation.config_lines` turns into a line number. Feature code still parses its own section next
to the code that uses it; by then the section is known to be well-formed.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, Union
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from .config_names import ROLES, WEEKDAY_NAMES, WEEKDAYS  # noqa: F401 - also imported from here

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ConfigValueError(ValueError):
    """A value of the wrong shape; `kind` picks the message in automation.config_errors."""

    def __init__(self, kind: str, value: object):
        super().__init__(kind)
        self.kind = kind
        self.value = value


def _fail(kind: str, value: object) -> ConfigValueError:
    return ConfigValueError(kind, value)


def _hhmm(value: object) -> str:
    if not isinstance(value, str) or not _HHMM.match(value.strip()):
        raise _fail("hhmm", value)
    hours, minutes = value.strip().split(":")
    return f"{int(hours):02d}:{minutes}"


def _weekday(value: object) -> str:
    if not isinstance(value, str) or value.strip().lower() not in WEEKDAYS:
        raise _fail("weekday", value)
    return value.strip()


def _day(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _fail("date", value) from None


def _moment(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    try:
        dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise _fail("moment", value) from None
    return value


def _number(value: object) -> object:
    """A TOML number (or a number written as text); never a bool, never NaN or infinity."""
    if isinstance(value, bool):
        raise _fail("number", value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _fail("number", value) from None
    if not number.is_finite():
        raise _fail("number", value)
    return value


def _not_negative(value: object) -> object:
    if Decimal(str(value).strip()) < 0:
        raise _fail("not_negative", value)
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except Exception:
        raise _fail("timezone", value) from None
    return value


def _text(value: object) -> object:
    if not isinstance(value, str) or not value.strip():
        raise _fail("text", value)
    return value


def _no_password(value: object) -> object:
    raise _fail("password_in_file", "***")


HHMM = Annotated[StrictStr, BeforeValidator(_hhmm)]
Weekday = Annotated[StrictStr, BeforeValidator(_weekday)]
Day = Annotated[dt.date, BeforeValidator(_day)]
Moment = Annotated[Any, BeforeValidator(_moment)]
Number = Annotated[Any, BeforeValidator(_number)]
Amount = Annotated[Any, BeforeValidator(_number), AfterValidator(_not_negative)]
Count = Annotated[StrictInt, Field(ge=0)]
Name = Annotated[StrictStr, BeforeValidator(_text)]
Text = StrictStr
Texts = list[StrictStr]
OneOrMore = Union[StrictStr, list[StrictStr]]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ShopSection(Section):
    name: Name = "店铺"
    timezone: Annotated[StrictStr, AfterValidator(_timezone)] = "Asia/Shanghai"
    lang: Literal["zh", "en"] | None = None


class StaffEntry(Section):
    name: Name
    role: Literal[ROLES]  # type: ignore[valid-type]
    shift: Name | None = None
    supervisor: Name | None = None
    rest_day: Weekday | None = None
    email: Text | None = None


class ShiftEntry(Section):
    name: Name
    start: HHMM
    end: HHMM


class CalendarSection(Section):
    rest_days: list[Weekday] | None = None
    holidays: list[Day] = []
    workdays: list[Day] = []


class PromotionEntry(Section):
    name: Name = "活动"
    start: Moment
    end: Moment


class ReportsSection(Section):
    out_dir: Annotated[StrictStr, BeforeValidator(_text)] = "reports/out"


class RulesSection(Section):
    select: Texts = ["ALL"]
    ignore: Texts = []
    options: dict[str, dict[str, Any]] = {}  # per-rule option names and types: automation.rules.engine


class CourierSection(Section):
    aliases: Texts = []
    bill_columns: dict[str, OneOrMore] = {}
    waybill_pattern: Text | None = None


class Zone(Section):
    name: Name | None = None
    provinces: Texts = []
    first: Amount | None = None
    additional: Amount | None = None
    first_kg: Amount | None = None
    first_weight: Amount | None = None
    bands: list[list[Amount]] | None = None


def _zone_list(value: object) -> object:
    """[rates."中通".zones."江浙沪"] tables and [[rates."中通".zones]] entries are the same zones."""
    if isinstance(value, dict):
        return [{"name": name, **zone} if isinstance(zone, dict) else zone for name, zone in value.items()]
    return value


class RateCardSection(Section):
    rounding: Text = "up_1"
    first_kg: Amount | None = None
    first_weight: Amount | None = None
    remote_provinces: Texts | None = None
    remote_surcharge: Amount | None = None
    zones: Annotated[list[Zone], BeforeValidator(_zone_list)] = []


class StubsSection(Section):
    weight_tolerance_kg: Amount | None = None
    fee_tolerance: Amount | None = None
    archive_days: Count | None = None
    archive_after_days: Count | None = None
    bills_dir: Name | None = None


class EmailSection(Section):
    to: OneOrMore = []
    cc: OneOrMore = []
    from_: Text | None = Field(None, alias="from")
    smtp_host: Name | None = None
    smtp_port: Annotated[StrictInt, Field(ge=1, le=65535)] | None = None
    security: Literal["ssl", "starttls", "none", "SSL", "STARTTLS", "NONE"] = "ssl"
    username: Text | None = None
    user: Text | None = None
    password_env: Name | None = None
    password: Annotated[Any, BeforeValidator(_no_password)] = None  # declared only to refuse it clearly
    ca_file: Text | None = None
    retries: Count | None = None
    retry_delay_seconds: Amount | None = None
    timeout_seconds: Amount | None = None
    deadline_seconds: Amount | None = None
    outbox: Name | None = None


class PenaltiesSection(Section):
    rulebook: Name | None = None
    repeat_count: Count | None = None
    fail_points: Amount | None = None
    fail_months: Count | None = None
    monthend_workdays: Count | None = None
    daily_deadline: HHMM | None = None
    message_deadline: HHMM | None = None
    message_cutoff: HHMM | None = None
    agent_roles: list[Literal[ROLES]] | None = None  # type: ignore[valid-type]
    monthend_roles: list[Literal[ROLES]] | None = None  # type: ignore[valid-type]


class AgentPay(Section):
    base_pay: Amount | None = None
    commission_rate: Amount | None = None
    base: Amount | None = None
    rate: Amount | None = None


class SalesSection(AgentPay):
    commission_on: Literal["net", "gross"] = "net"
    top_products: Annotated[StrictInt, Field(ge=1)] | None = None
    quality_words: Texts | None = None
    colour_words: Texts | None = None
    agents: dict[str, AgentPay] = {}


class FilesSection(Section):
    backups: Annotated[StrictInt, Field(ge=1)] | None = None  # backups kept per workbook (automation.shop)


class ShopToml(Section):
    shop: ShopSection = ShopSection()
    staff: list[StaffEntry] = []
    shifts: list[ShiftEntry] | None = None
    calendar: CalendarSection = CalendarSection()
    promotions: list[PromotionEntry] = []
    reports: ReportsSection = ReportsSection()
    headers: dict[str, dict[str, StrictStr]] = {}
    rules: RulesSection = RulesSection()
    couriers: dict[str, CourierSection] = {}
    rates: dict[str, RateCardSection] = {}
    stubs: StubsSection = StubsSection()
    email: EmailSection = EmailSection()
    penalties: PenaltiesSection = PenaltiesSection()
    sales: SalesSection = SalesSection()
    files: FilesSection = FilesSection()


__all__ = ["ShopToml", "WEEKDAYS", "ROLES", "StrictBool"]
