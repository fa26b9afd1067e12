"""answer_key.json: every planted problem with its sheet row, the couriers' money, the expected points.

Format: docs/demo.md. Decimal values are written as strings ("12.50") so they stay exact.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .model import AS_OF, MONTH, Order, World
from .world_bills import courier_summary

PREFIX = {"validation": "V", "courier": "C", "people": "P"}

# The rule code `shopbook validate` reports for each validation category (by sheet where a category
# sits on two sheets). Plants made with `rule=` carry their own; written here as literals so the key
# is an independent statement of what the catalog must find.
RULES = {
    "order_no_consignee": "ORD001", "addr_no_province": "ORD003", "phone_bad": "ORD005", "postcode_bad": "ORD006",
    "postcode_placeholder": "ORD007", "items_no_size": "ORD008", "items_no_color_size": "ORD008",
    "price_change": "ORD009", "postage_mismatch": "ORD010", "ship_late": "ORD011", "shipped_no_waybill": "ORD012",
    "waybill_implausible": "ORD013", "waybill_dup": "ORD014", "order_dup": "ORD015", "order_id_damaged": "READ001",
    ("exchange_no_waybill", "returns"): "AS003", ("exchange_no_waybill", "orders"): "AS005",
    "cod_contact_late": "ORD016", "remark_red_no_name": "FLG001", "remark_green_incomplete": "FLG003",
    "remark_purple_incomplete": "FLG004", "remark_blue_incomplete": "FLG005",
    ("exchange_late", "returns"): "AS001", ("exchange_late", "orders"): "AS008", "postage_wrong_party": "AS002",
    "exchange_freight_collect": "AS004", "stock_count_old": "STK001", "stock_count_mismatch": "STK007",
    "stock_page_diff": "STK002", "stock_low": "STK003", "stock_negative": "STK004", "stock_oversell": "STK005",
    "inbound_no_inspection": "STK006", "handover_missing": "HND001", "handover_missing_field": "HND002",
    "handover_unresolved": "HND003", "badreview_not_handed_over": "HND004", "message_24h": "SVC002",
}


def rule_of(category: str, sheet_kind: str) -> str | None:
    return RULES.get((category, sheet_kind)) or RULES.get(category)
AREAS = tuple(PREFIX)


def header_text(header: str | None) -> str | None:
    """The header as automation.tables reports it (trimmed: Taobao writes some with a trailing space)."""
    return header.strip() if header else header


def problem_entries(world: World) -> list[dict]:
    counters: dict[str, int] = defaultdict(int)
    out = []
    for problem in sorted(world.problems, key=lambda p: AREAS.index(p.area)):
        counters[problem.area] += 1
        sheet = world.sheets[problem.sheet]
        entry = {
            "id": f"{PREFIX[problem.area]}{counters[problem.area]:03d}",
            "area": problem.area, "clause": problem.clause, "category": problem.category,
            "file": sheet.file, "sheet": sheet.name,
            "row": sheet.row_number(problem.row) if problem.row is not None else None,
            "column": header_text(problem.column), "key": problem.key, "detail": problem.detail,
        }
        entry.update({k: points_text(v) if k == "points" else v for k, v in problem.extra.items() if v is not None})
        if problem.area == "validation" and "rule" not in entry:
            entry["rule"] = rule_of(problem.category, problem.sheet)
        out.append(entry)
    return out


def penalties(world: World, entries: list[dict]) -> dict[str, Decimal]:
    totals = {p["name"]: Decimal("0") for p in world.staff}
    for entry in entries:
        if entry["area"] == "people" and "points" in entry:
            totals[entry["person"]] += Decimal(str(entry["points"]))
    return totals


def points_text(value: Decimal) -> str:
    """3.0 -> "3", 6.5 -> "6.5", 10 -> "10" (never "1E+1")."""
    return f"{value.normalize():f}"


def clean_order_count(world: World) -> int:
    planted = {id(p.row) for p in world.problems if isinstance(p.row, Order)}
    return sum(1 for o in world.orders if id(o) not in planted)


def build_key(world: World, shop_dir: str) -> dict:
    entries = problem_entries(world)
    files = {}
    sheets = {}
    for key, sheet in world.sheets.items():
        if ":" not in key:
            files[key] = sheet.file
            sheets[key] = {"file": sheet.file, "sheet": sheet.name, "header_row": sheet.header_row, "rows": len(sheet.rows)}
    bills = {k.split(":")[1]: s.file for k, s in world.sheets.items() if k.startswith("bill:")}
    previous = {k.split(":")[1]: s.file for k, s in world.sheets.items() if k.startswith("bill_prev:")}
    by_area = {area: sum(1 for e in entries if e["area"] == area) for area in AREAS}
    return {
        "seed": world.seed, "month": MONTH, "as_of": AS_OF, "shop_dir": shop_dir,
        "files": files, "bills": bills, "previous_bills": previous, "sheets": sheets,
        "counts": {"orders": len(world.orders), "problems": by_area},
        "problems": entries,
        "courier": courier_summary(world),
        "penalties": {name: points_text(total) for name, total in penalties(world, entries).items()},
        "clean_orders": clean_order_count(world),
    }
