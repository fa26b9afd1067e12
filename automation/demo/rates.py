"""The demo's courier rate cards: written into the demo's shop.toml and used to compute the fees the
generator expects. The arithmetic is the specification in docs/demo.md ("Rate cards"); the
reconciliation code (automation/courier/rates.py) must agree with it on the demo month.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
REMOTE = ("新疆", "西藏")
ZONES = (
    ("一区", ("浙江", "上海", "江苏", "安徽")),
    ("二区", ("北京", "天津", "河北", "山西", "山东", "河南", "湖北", "湖南", "江西", "福建", "广东")),
    ("三区", ("辽宁", "吉林", "黑龙江", "广西", "海南", "四川", "重庆", "贵州", "云南", "陕西")),
    ("四区", ("内蒙古", "甘肃", "宁夏", "青海")),
    ("五区", ("新疆", "西藏")),
)


@dataclass(frozen=True)
class Card:
    courier: str
    rounding: str  # "actual" | "up_0.5" | "up_1"
    first_weight: Decimal
    remote_surcharge: Decimal
    prices: tuple[tuple[Decimal, Decimal], ...]  # per zone in ZONES order: (first, additional per kg)

    def zone_of(self, province: str) -> int:
        return next(i for i, (_, provinces) in enumerate(ZONES) if province in provinces)

    def billable_weight(self, weight: Decimal) -> Decimal:
        if self.rounding == "up_1":
            return weight.to_integral_value(ROUND_CEILING)
        if self.rounding == "up_0.5":
            return (weight * 2).to_integral_value(ROUND_CEILING) / 2
        return weight

    def freight(self, province: str, weight: Decimal) -> Decimal:
        """First weight + additional weight, without the remote surcharge."""
        first, additional = self.prices[self.zone_of(province)]
        extra = max(Decimal(0), self.billable_weight(weight) - self.first_weight)
        return (first + additional * extra).quantize(CENT, ROUND_HALF_UP)

    def surcharge(self, province: str) -> Decimal:
        return self.remote_surcharge if province in REMOTE else Decimal("0.00")

    def expected_fee(self, province: str, weight: Decimal) -> Decimal:
        return self.freight(province, weight) + self.surcharge(province)


def _prices(*pairs: tuple[str, str]) -> tuple[tuple[Decimal, Decimal], ...]:
    return tuple((Decimal(a), Decimal(b)) for a, b in pairs)


CARDS = {
    "中通": Card("中通", "actual", Decimal("1.0"), Decimal("8.00"),
                 _prices(("4.00", "1.50"), ("5.00", "2.00"), ("6.00", "3.00"), ("8.00", "5.00"), ("12.00", "10.00"))),
    "圆通": Card("圆通", "up_1", Decimal("1.0"), Decimal("8.00"),
                 _prices(("4.50", "1.50"), ("5.50", "2.00"), ("6.50", "3.00"), ("8.50", "5.00"), ("12.00", "10.00"))),
    "顺丰": Card("顺丰", "up_0.5", Decimal("1.0"), Decimal("10.00"),
                 _prices(("12.00", "2.00"), ("14.00", "4.00"), ("16.00", "5.00"), ("18.00", "6.00"), ("22.00", "12.00"))),
}


def toml_section() -> str:
    """The [couriers.*] and [rates.*] sections of the demo's shop.toml."""
    patterns = {"中通": r"^7[3-8]\d{12}$", "圆通": r"^YT\d{13}$", "顺丰": r"^SF\d{13}$"}
    out = []
    for name, card in CARDS.items():
        out.append(f"[couriers.\"{name}\"]\nwaybill_pattern = '{patterns[name]}'\n\n")
        out.append(f"[rates.\"{name}\"]\nrounding = \"{card.rounding}\"    # actual | up_0.5 | up_1\n"
                   f"first_weight = {card.first_weight}    # kg\n"
                   f"remote_provinces = [{', '.join(repr(p).replace(chr(39), chr(34)) for p in REMOTE)}]\n"
                   f"remote_surcharge = {card.remote_surcharge}    # yuan per parcel, on top of the freight\n"
                   "zones = [\n")
        for (zone, provinces), (first, additional) in zip(ZONES, card.prices, strict=True):
            names = ", ".join(f'"{p}"' for p in provinces)
            out.append(f'  {{ name = "{zone}", provinces = [{names}], first = {first}, additional = {additional} }},\n')
        out.append("]\n\n")
    return "".join(out)
