"""Rate cards (`[rates.<courier>]` in shop.toml): what a parcel should cost (M-CUR-MONTHLY, M-ORD-FREIGHT).

A card has zones by destination province. A zone prices a parcel either by first weight +
additional weight (`first`, `additional` per kg beyond `first_kg`, also spelt `first_weight`) or by flat weight bands
(`bands = [[0.5, 3.0], [1, 3.5], [3, 4.5]]`: up to 0.5 kg 3.00 …; above the last band `additional`
per kg). The weight is rounded first (`rounding`: "actual", "up_0.5", "up_1"), then a remote-area
surcharge is added for `remote_provinces`. Money is Decimal throughout; TOML numbers are read
through their text so 4.1 stays 4.10 exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

from ..errors import UserError
from ..i18n import register

CENT = Decimal("0.01")
ROUNDING_STEPS = {"actual": None, "up_0.5": Decimal("0.5"), "up_1": Decimal("1")}
_ROUNDING_SYNONYMS = {"none": "actual", "exact": "actual", "0.5": "up_0.5", "half": "up_0.5",
                      "1": "up_1", "kg": "up_1", "up_0.5kg": "up_0.5", "up_1kg": "up_1"}
DEFAULT_REMOTE = ("新疆", "西藏")
OTHER_ZONE = "*"  # a zone whose provinces list holds "*" prices every province not listed elsewhere

register({
    "courier.rates.bad": ("shop.toml 的 [rates.{courier}] 有误：{detail}。示例见 docs/courier.md。",
                          "[rates.{courier}] in shop.toml is invalid: {detail}. See docs/courier.md for an example."),
    "courier.rates.no_zone": ("[rates.{courier}] 中没有包含“{province}”的区域，无法计算运费。请在某个区域的 provinces 中加入该省，或加一个 provinces = [\"*\"] 的区域。",
                              "[rates.{courier}] has no zone for '{province}', so the fee cannot be computed. Add the province to a zone, or add a zone with provinces = [\"*\"]."),
})


class NoRate(UserError):
    """The card has no zone for a province (or the province is not recognised). Callers may catch it."""


def _short_province(text: str) -> str:
    """Minimal fallback normalisation (automation.geo does the full job when present)."""
    text = text.strip()
    for long, short in (("内蒙古", "内蒙古"), ("内蒙", "内蒙古"), ("广西", "广西"), ("宁夏", "宁夏"),
                        ("新疆", "新疆"), ("西藏", "西藏"), ("香港", "香港"), ("澳门", "澳门"), ("黑龙江", "黑龙江")):
        if text.startswith(long):
            return short
    for suffix in ("特别行政区", "自治区", "省", "市"):
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


@lru_cache(maxsize=4096)
def canonical_province(text: str | None) -> str | None:
    """'广东省', '广东', '广东省深圳市…', '内蒙' -> one short form ('广东', '内蒙古')."""
    if not text or not str(text).strip():
        return None
    text = str(text).strip()
    try:
        from ..geo import province_of  # another engineer's module; optional
    except ImportError:
        province_of = None
    found = province_of(text) if province_of else None
    return _short_province(found or text)


def _money(value: object, courier: str, what: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise UserError("courier.rates.bad", courier=courier, detail=f"{what} = {value!r} is not a number")
    if not amount.is_finite() or amount < 0:
        raise UserError("courier.rates.bad", courier=courier, detail=f"{what} = {value!r} must be 0 or more")
    return amount


@dataclass(frozen=True)
class Zone:
    name: str
    provinces: frozenset[str]
    first_kg: Decimal = Decimal("1")
    first: Decimal | None = None
    additional: Decimal = Decimal("0")  # per kg beyond first_kg (or beyond the last band)
    bands: tuple[tuple[Decimal, Decimal], ...] = ()  # (up to kg, fee), ascending

    def base_fee(self, weight: Decimal) -> Decimal:
        if self.bands:
            for limit, fee in self.bands:
                if weight <= limit:
                    return fee
            limit, fee = self.bands[-1]
            return fee + (weight - limit) * self.additional
        assert self.first is not None
        return self.first + max(weight - self.first_kg, Decimal(0)) * self.additional


@dataclass(frozen=True)
class RateCard:
    courier: str
    zones: tuple[Zone, ...]
    rounding: str = "up_1"
    remote_provinces: frozenset[str] = frozenset(DEFAULT_REMOTE)
    remote_surcharge: Decimal = Decimal("0")
    _by_province: dict = field(default_factory=dict, compare=False, repr=False)

    def zone_for(self, province: str | None) -> Zone | None:
        key = canonical_province(province)
        if key in self._by_province:
            return self._by_province[key]
        return self._by_province.get(OTHER_ZONE)

    def chargeable_weight(self, weight_kg: Decimal) -> Decimal:
        """The weight the price is computed on: never below zero, rounded up per the card's rule."""
        weight = max(Decimal(weight_kg), Decimal(0))
        step = ROUNDING_STEPS[self.rounding]
        if step is None:
            return weight
        return (weight / step).to_integral_value(rounding=ROUND_CEILING) * step

    def is_remote(self, province: str | None) -> bool:
        return canonical_province(province) in self.remote_provinces

    def expected_fee(self, province: str, weight_kg: Decimal) -> Decimal:
        """The fee this card gives a parcel of `weight_kg` to `province`, to the cent.

        Raises NoRate (a UserError) when no zone covers the province."""
        zone = self.zone_for(province)
        if zone is None:
            raise NoRate("courier.rates.no_zone", courier=self.courier, province=province)
        fee = zone.base_fee(self.chargeable_weight(weight_kg))
        if self.is_remote(province):
            fee += self.remote_surcharge
        return fee.quantize(CENT, rounding=ROUND_HALF_UP)


def _zone(courier: str, name: str, raw: dict, default_first_kg: Decimal) -> Zone:
    if not isinstance(raw, dict):
        raise UserError("courier.rates.bad", courier=courier, detail=f"zone {name!r} must be a table")
    provinces = raw.get("provinces", [])
    if isinstance(provinces, str):
        provinces = [provinces]
    if not provinces:
        raise UserError("courier.rates.bad", courier=courier, detail=f"zone {name!r} needs provinces = [\"广东\", …] (or [\"*\"])")
    keys = frozenset(OTHER_ZONE if p == OTHER_ZONE else canonical_province(p) for p in provinces)
    where = f"zone {name!r}"
    bands = raw.get("bands", [])
    try:
        parsed_bands = tuple(sorted((_money(b[0], courier, f"{where} band weight"), _money(b[1], courier, f"{where} band fee"))
                                    for b in bands))
    except (TypeError, IndexError, KeyError):
        raise UserError("courier.rates.bad", courier=courier, detail=f"{where}: bands = [[0.5, 3.0], [1, 3.5]] (up to kg, fee)")
    if not parsed_bands and "first" not in raw:
        raise UserError("courier.rates.bad", courier=courier, detail=f"{where} needs first (and additional) or bands")
    return Zone(
        name=name,
        provinces=keys,
        first_kg=_money(raw.get("first_kg", raw.get("first_weight", default_first_kg)), courier, f"{where} first_kg"),
        first=_money(raw["first"], courier, f"{where} first") if "first" in raw else None,
        additional=_money(raw.get("additional", 0), courier, f"{where} additional"),
        bands=parsed_bands,
    )


def _zones_of(courier: str, raw: dict, default_first_kg: Decimal) -> list[Zone]:
    zones = raw.get("zones", [])
    if isinstance(zones, dict):  # [rates."中通".zones."江浙沪"] tables
        return [_zone(courier, name, z, default_first_kg) for name, z in zones.items()]
    if isinstance(zones, list):  # [[rates."中通".zones]] with name = "江浙沪"
        return [_zone(courier, str(z.get("name", f"#{i + 1}")) if isinstance(z, dict) else f"#{i + 1}", z, default_first_kg)
                for i, z in enumerate(zones)]
    raise UserError("courier.rates.bad", courier=courier, detail="zones must be [[rates.<courier>.zones]] entries")


def parse_rate_card(courier: str, raw: dict) -> RateCard:
    if not isinstance(raw, dict):
        raise UserError("courier.rates.bad", courier=courier, detail="must be a table")
    rounding = str(raw.get("rounding", "up_1")).strip().lower()
    rounding = _ROUNDING_SYNONYMS.get(rounding, rounding)
    if rounding not in ROUNDING_STEPS:
        raise UserError("courier.rates.bad", courier=courier,
                        detail=f"rounding = {raw.get('rounding')!r}; use one of {', '.join(ROUNDING_STEPS)}")
    zones = _zones_of(courier, raw, _money(raw.get("first_kg", raw.get("first_weight", 1)), courier, "first_kg"))
    if not zones:
        raise UserError("courier.rates.bad", courier=courier, detail="no zones; add [[rates.<courier>.zones]] entries")
    by_province: dict = {}
    for zone in zones:
        for province in zone.provinces:
            if province in by_province:
                raise UserError("courier.rates.bad", courier=courier,
                                detail=f"{province} is in zones {by_province[province].name!r} and {zone.name!r}")
            by_province[province] = zone
    remote = raw.get("remote_provinces", list(DEFAULT_REMOTE))
    return RateCard(
        courier=courier,
        zones=tuple(zones),
        rounding=rounding,
        remote_provinces=frozenset(canonical_province(p) for p in remote),
        remote_surcharge=_money(raw.get("remote_surcharge", 0), courier, "remote_surcharge"),
        _by_province=by_province,
    )


def load_rate_cards(config) -> dict[str, RateCard]:
    """Every `[rates.<courier>]` of a ShopConfig, by courier name as written there (e.g. "中通")."""
    return {courier: parse_rate_card(courier, raw) for courier, raw in config.section("rates").items()}


def card_for(cards: dict[str, RateCard], courier: str | None) -> RateCard | None:
    """The card for a courier as a sheet writes it: '中通' / '中通快递' / 'ZTO中通' all find [rates.中通]."""
    if not courier:
        return None
    name = str(courier).strip()
    if name in cards:
        return cards[name]
    hits = [card for key, card in cards.items() if key in name or name in key]
    return hits[0] if len(hits) == 1 else None
