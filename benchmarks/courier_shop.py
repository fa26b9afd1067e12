"""A big shop folder for the reconcile benchmark: the demo's 中通 bill layout, shipment log and stub
headers, rate cards and provinces (automation/demo), scaled to LINES parcels in October 2026.

    发货.xlsx            shipment log (发货登记), the demo's SHIPMENT_HEADERS
    底单.xlsx            stubs (快递底单), the demo's STUB_HEADERS
    账单/中通_2026-10.xlsx the courier's bill: title block, the demo's 中通 columns, totals and signature rows
    shop.toml            the demo's [couriers.*] / [rates.*]

Like a real month, most lines match and a few fall in every category: about 1 % billed over the
weight tolerance, 1 % at a wrong fee, 0.1 % billed twice, 0.1 % never shipped by us, 0.2 % of the
stubs lost or damaged, 0.5 % without a stub, 0.5 % shipped but not billed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np

from automation.demo import reference as ref
from automation.demo.rates import CARDS, toml_section
from automation.demo.world_bills import LAYOUTS
from automation.demo.world_logistics import SHIPMENT_HEADERS, STUB_HEADERS

from .common import write_sheet

MONTH = "2026-10"
COURIER = "中通"
BILL = f"账单/{COURIER}_{MONTH}.xlsx"


def _provinces(rng: np.random.Generator, n: int) -> list[str]:
    names = list(ref.PROVINCE_WEIGHTS)
    weights = np.array(list(ref.PROVINCE_WEIGHTS.values()), dtype=float)
    picks = rng.choice(len(names), size=n, p=weights / weights.sum())
    short = [ref.PROVINCES[name][0] for name in names]
    return [short[i] for i in picks]


def make_courier_shop(folder: Path, lines: int, seed: int = 11) -> list[Path]:
    """Write the shop folder; returns the three workbooks (shipments, stubs, bill)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    card = CARDS[COURIER]
    waybills = [f"7731{(i * 7_919_117 + 3_210_005) % 10 ** 10:010d}" for i in range(lines)]  # unique: 7919117 is prime to 10**10
    provinces = _provinces(rng, lines)
    weights = [Decimal(int(w)) / 100 for w in rng.integers(30, 250, lines)]
    seconds = np.sort(rng.integers(0, 31 * 86400, lines))
    start = dt.datetime(2026, 10, 1, 8)
    when = [start + dt.timedelta(seconds=int(s)) for s in seconds]
    noise = rng.random(lines)
    fee_of: dict[tuple[str, Decimal], tuple[Decimal, Decimal]] = {}

    def ship_rows():
        for i in range(lines):
            yield [when[i].date(), f"O{5121910154426000000 + i}", COURIER, waybills[i], provinces[i], float(weights[i]),
                   "纯棉圆领T恤 白色 L", "仓库小刘", None]

    stub_status = np.where(noise < 0.001, "丢件", np.where(noise < 0.002, "破损", "正常"))
    has_stub = (noise < 0.5) | (noise >= 0.505)

    def stub_rows():
        for i in range(lines):
            if has_stub[i]:
                yield [when[i].date(), COURIER, waybills[i], float(weights[i]), None, "钱师傅", str(stub_status[i]), "是", None]

    def bill_line(i: int, waybill: str, weight: Decimal, bump: Decimal) -> list:
        key = (provinces[i], weight)
        if key not in fee_of:
            fee_of[key] = (card.freight(*key), card.surcharge(provinces[i]))
        freight, other = fee_of[key]
        freight += bump
        return [None, waybill, when[i], provinces[i], float(weight), float(freight), float(other), float(freight + other), None]

    def bill_rows():
        number = 0
        for i in range(lines):
            if 0.6 <= noise[i] < 0.605:  # carried to next month
                continue
            weight = weights[i] + (Decimal("0.8") if 0.7 <= noise[i] < 0.71 else 0)
            row = bill_line(i, waybills[i], weight, Decimal("1.00") if 0.8 <= noise[i] < 0.81 else Decimal(0))
            number += 1
            row[0] = number
            yield row
            if 0.9 <= noise[i] < 0.901:  # billed twice
                number += 1
                yield [number, *row[1:]]
            if 0.95 <= noise[i] < 0.951:  # a parcel that is not ours
                number += 1
                yield [number, *bill_line(i, f"7735{i:010d}", weights[i], Decimal(0))[1:]]
        yield []
        yield [LAYOUTS[COURIER].total_label]

    layout = LAYOUTS[COURIER]
    (folder / "shop.toml").write_text('[shop]\nname = "基准测试小店"\ntimezone = "Asia/Shanghai"\n\n' + toml_section(),
                                      encoding="utf-8")
    shipments, stubs, bill = folder / "发货.xlsx", folder / "底单.xlsx", folder / BILL
    bill.parent.mkdir(exist_ok=True)
    write_sheet(shipments, "发货登记", SHIPMENT_HEADERS, ship_rows())
    write_sheet(stubs, "快递底单", STUB_HEADERS, stub_rows())
    write_sheet(bill, layout.sheet, list(layout.headers), bill_rows(), title=layout.title(MONTH))
    return [shipments, stubs, bill]
