"""`[sales]` in shop.toml (documented in docs/reports.md): pay = base + rate × sales (M-PAY)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..config import ShopConfig

QUALITY_WORDS = ("质量", "破损", "破洞", "开线", "脱线", "起球", "掉色", "褪色", "瑕疵", "做工", "坏", "污渍", "断")
COLOUR_WORDS = ("色差", "颜色不符", "颜色不一样", "颜色与图片", "颜色和图片", "与图片不符")


@dataclass(frozen=True)
class Pay:
    base: Decimal
    rate: Decimal


@dataclass(frozen=True)
class SalesSettings:
    base: Decimal = Decimal(0)
    rate: Decimal = Decimal(0)
    commission_on: str = "net"  # "net": sales minus refunds; "gross": sales
    top_products: int = 10
    quality_words: tuple[str, ...] = QUALITY_WORDS
    colour_words: tuple[str, ...] = COLOUR_WORDS
    agents: dict[str, Pay] = field(default_factory=dict)  # per-agent base/rate

    def pay(self, agent: str) -> Pay:
        return self.agents.get(agent, Pay(self.base, self.rate))


def _dec(value: object, what: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number")
    try:
        return Decimal(str(value))  # str(): 0.03 from TOML stays exactly 0.03
    except InvalidOperation:
        raise ValueError(f"{what} must be a number, not {value!r}") from None


KEYS = {"base_pay", "commission_rate", "base", "rate", "commission_on", "top_products", "quality_words", "colour_words", "agents"}


def _pay_value(entry: dict, name: str, alias: str, default: Decimal, where: str) -> Decimal:
    """`base_pay`/`commission_rate` (short forms `base`/`rate` accepted)."""
    value = entry.get(name, entry.get(alias))
    return default if value is None else _dec(value, f"{where}{name}")


def sales_settings(config: ShopConfig) -> SalesSettings:
    raw = config.section("sales")
    base = SalesSettings()
    try:
        unknown = sorted(set(raw) - KEYS)
        if unknown:
            raise ValueError(f"unknown key {unknown[0]!r} (keys: base_pay, commission_rate, commission_on, top_products, "
                             "quality_words, colour_words, agents)")
        default_base = _pay_value(raw, "base_pay", "base", base.base, "")
        default_rate = _pay_value(raw, "commission_rate", "rate", base.rate, "")
        agents = {}
        for name, entry in dict(raw.get("agents", {})).items():
            agents[name] = Pay(_pay_value(entry, "base_pay", "base", default_base, f"agents.{name}."),
                               _pay_value(entry, "commission_rate", "rate", default_rate, f"agents.{name}."))
        commission_on = str(raw.get("commission_on", base.commission_on))
        if commission_on not in ("net", "gross"):
            raise ValueError("commission_on must be \"net\" or \"gross\"")
        if not Decimal(0) <= default_rate < 1:
            raise ValueError("commission_rate is a fraction of sales, e.g. 0.02 for 2%")
        return SalesSettings(default_base, default_rate, commission_on, int(raw.get("top_products", base.top_products)),
                             tuple(raw.get("quality_words", base.quality_words)),
                             tuple(raw.get("colour_words", base.colour_words)), agents)
    except (ValueError, TypeError, AttributeError) as exc:
        config.fail(f"[sales]: {exc}")
        raise
