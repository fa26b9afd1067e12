"""`[couriers.<name>]` and `[stubs]` in shop.toml: courier names, bill column profiles, tolerances."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..errors import UserError
from ..i18n import register

# Couriers a shop commonly uses, with the other ways sheets write them.
KNOWN_COURIERS: dict[str, tuple[str, ...]] = {
    "中通": ("中通快递", "ZTO"), "圆通": ("圆通速递", "圆通快递", "YTO"), "申通": ("申通快递", "STO"),
    "韵达": ("韵达快递", "韵达速递", "YUNDA"), "顺丰": ("顺丰速运", "顺丰快递", "SF"), "极兔": ("极兔速递", "J&T", "JT"),
    "邮政": ("中国邮政", "邮政快递包裹", "EMS"), "京东": ("京东快递", "京东物流", "JD"), "德邦": ("德邦快递", "德邦物流", "DEPPON"),
}

register({
    "courier.settings.bad": ("shop.toml 的 [{section}] 有误：{detail}。示例见 docs/courier.md。",
                             "[{section}] in shop.toml is invalid: {detail}. See docs/courier.md for an example."),
})


@dataclass(frozen=True)
class Tolerances:
    weight_kg: Decimal = Decimal("0.1")
    fee: Decimal = Decimal("0.00")
    archive_days: int = 15


@dataclass(frozen=True)
class CourierSettings:
    names: dict[str, tuple[str, ...]]  # canonical name -> other spellings
    bill_columns: dict[str, dict[str, tuple[str, ...]]]  # courier -> field -> their headers
    tolerances: Tolerances = Tolerances()
    bills_dir: str = "账单"
    extra: dict = field(default_factory=dict)

    def canonical(self, written: object) -> str | None:
        """'中通快递' / 'ZTO' / '中通' -> '中通'; None when it names no known courier."""
        if written is None:
            return None
        text = str(written).strip()
        if not text:
            return None
        upper = text.upper()
        for name, others in self.names.items():
            if text == name or upper in (o.upper() for o in others):
                return name
        hits = [n for n, others in self.names.items() if n in text or any(o in text for o in others if len(o) > 1 and not o.isascii())]
        return hits[0] if len(hits) == 1 else text

    def bill_aliases(self, courier: str) -> tuple[tuple[str, str], ...]:
        """The courier's bill profile in the form automation.headers takes: (their header, field)."""
        profile = self.bill_columns.get(courier, {})
        return tuple((header, field_name) for field_name, headers in profile.items() for header in headers)


def _decimal(section: str, key: str, value: object) -> Decimal:
    try:
        out = Decimal(str(value))
    except InvalidOperation:
        raise UserError("courier.settings.bad", section=section, detail=f"{key} = {value!r} is not a number")
    if not out.is_finite() or out < 0:
        raise UserError("courier.settings.bad", section=section, detail=f"{key} = {value!r} must be 0 or more")
    return out


def load_settings(config) -> CourierSettings:
    names = {k: tuple(v) for k, v in KNOWN_COURIERS.items()}
    bill_columns: dict[str, dict[str, tuple[str, ...]]] = {}
    for courier, raw in config.section("couriers").items():
        if not isinstance(raw, dict):
            raise UserError("courier.settings.bad", section=f"couriers.{courier}", detail="must be a table")
        names[courier] = tuple(dict.fromkeys([*names.get(courier, ()), *raw.get("aliases", [])]))
        profile = raw.get("bill_columns", {})
        if not isinstance(profile, dict):
            raise UserError("courier.settings.bad", section=f"couriers.{courier}",
                            detail='bill_columns = { waybill = "运单编号", fee = "运费" }')
        bill_columns[courier] = {f: (h,) if isinstance(h, str) else tuple(h) for f, h in profile.items()}
    for courier in config.section("rates"):
        names.setdefault(courier, ())
    stubs = config.section("stubs")
    defaults = Tolerances()
    tolerances = Tolerances(
        weight_kg=_decimal("stubs", "weight_tolerance_kg", stubs.get("weight_tolerance_kg", defaults.weight_kg)),
        fee=_decimal("stubs", "fee_tolerance", stubs.get("fee_tolerance", defaults.fee)),
        archive_days=int(_decimal("stubs", "archive_days",
                                  stubs.get("archive_days", stubs.get("archive_after_days", defaults.archive_days)))),
    )
    return CourierSettings(names, bill_columns, tolerances, str(stubs.get("bills_dir", "账单")))
