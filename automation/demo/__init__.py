"""The demo shop: a deterministic month (2026-10) of a small clothing shop with planted problems.

`build_demo(folder, seed)` writes the workbooks, the couriers' bills, shop.toml and answer_key.json.
Layout and the answer-key format: docs/demo.md.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..jsonout import dumps
from ..paths import data_dir
from . import plant_courier, plant_people, plant_rules, plant_validation, world, world_bills, world_books, world_logistics
from .answer_key import build_key
from .model import Sheet, World
from .shop_toml import shop_toml
from .write import write_workbooks

DEFAULT_SEED = 20261031
KEY_NAME = "answer_key.json"
SHEET_ORDER = ("orders", "stock", "movements", "shipments", "stubs", "handover", "service", "followups", "messages",
               "submissions", "reviews", "returns", "staff", "incidents")


@dataclass
class Demo:
    folder: Path
    world: World | None  # None when the files were copied from the cache (automation.demo.cache)
    key: dict
    written: list[Path]


def generate(seed: int = DEFAULT_SEED) -> World:
    """The world with every plant applied, not yet written."""
    w = World.create(seed)
    world.make_staff(w)
    world.make_orders(w)
    w.sheets["orders"] = Sheet("订单.xlsx", "订单", "orders", list(world.ORDER_HEADERS), w.orders)
    plant_validation.plant_orders(w)
    plant_rules.plant_order_rules(w)
    world_logistics.make_after_sales(w)
    plant_validation.plant_after_sales(w)
    plant_rules.plant_after_sales_rules(w)
    world_logistics.finish_returns(w)
    plant_rules.plant_returns_log(w)
    world_logistics.make_shipments(w)
    plant_courier.plant_stubs(w)
    plant_validation.plant_order_waybills(w)
    plant_rules.plant_shipping_rules(w)
    world_logistics.make_stock(w)
    plant_validation.plant_stock(w)
    plant_rules.plant_stock_rules(w)
    world_bills.make_bills(w)
    plant_courier.plant_bills(w)
    world_bills.finish_bills(w)
    world_books.make_books(w)
    plant_validation.plant_handover(w)
    plant_people.plant_people(w)
    plant_rules.plant_book_rules(w)
    plant_validation.check_clean_rules(w)
    w.sheets = {key: w.sheets[key] for key in (*SHEET_ORDER, *sorted(set(w.sheets) - set(SHEET_ORDER)))}
    return w


def copy_shop_files(folder: Path) -> list[Path]:
    """The files `shopbook init` puts into every new shop (e.g. the editable 扣分规则.toml)."""
    root = data_dir("workbook_templates") / "shop_files"
    copied = []
    for source in sorted(root.rglob("*")) if root.is_dir() else []:
        if source.is_file():
            target = folder / source.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            copied.append(target)
    return copied


def build_demo(folder: str | Path, seed: int = DEFAULT_SEED, *, meanwhile: Callable[[], object] | None = None) -> Demo:
    """Generate and write the shop; `meanwhile` runs while the workbooks are being written (see
    `write_workbooks`), or not at all where they are written in one process."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    w = generate(seed)
    written = write_workbooks(folder, list(w.sheets.values()), meanwhile=meanwhile)
    (folder / "shop.toml").write_text(shop_toml(w), encoding="utf-8")
    written += copy_shop_files(folder)
    key = build_key(w, str(folder))
    (folder / KEY_NAME).write_text(dumps(key) + "\n", encoding="utf-8")
    return Demo(folder, w, key, [folder / "shop.toml", *written, folder / KEY_NAME])
