"""From a shop folder to the month's reconciliation and its files (the edge the commands call)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..outnames import output_name
from ..coverage import NotChecked
from ..errors import UserError
from ..rules.needs import Declared, gaps, label, own, table_where
from .arrow import read_columns
from .bill import Bill, bill_identity, find_bills, read_bill
from .frames import empty_stubs, shipments_frame, stubs_frame
from .months import check_month, previous_month
from .rates import load_rate_cards
from .reconcile import Reconciliation, reconcile
from .settings import CourierSettings, load_settings
from .workbook import write_dispute_list, write_reconciliation

@dataclass
class MonthReconciliation:
    month: str
    results: list[Reconciliation]
    written: list[Path] = field(default_factory=list)
    workbook: Path | None = None
    not_checked: list[NotChecked] = field(default_factory=list)  # what the month's match could not check


# What the three-way match reads besides the bill; without it part of the match is not checked.
CHECKS = (
    Declared("reconcile.not-billed", "M-CUR-MONTHLY", "shipments", (own("province"),)),  # unbilled parcels priced
    Declared("reconcile.missing-stub", "M-CUR-COUNT", "stubs", (own("waybill"),)),
    Declared("reconcile.lost-billed", "M-CUR-CLAIM", "stubs", (own("waybill", "status"),)),
)


def not_checked(shipments, stubs) -> list[NotChecked]:
    """The declared gaps, and the weight check when neither our shipments nor the stubs carry a weight."""
    out = gaps(CHECKS, {"shipments": shipments, "stubs": stubs})
    if not shipments.has("weight") and (stubs is None or not stubs.has("weight")):
        missing = (label("shipments", "weight"), label("stubs", "weight"))
        out.append(NotChecked("reconcile.weight", "M-CUR-WEIGH", "no_columns", missing, table_where(shipments)))
    return out


def _bills(shop, month: str, files: list[Path] | None, settings: CourierSettings) -> list[tuple[Bill, Bill | None]]:
    folder = shop.root / settings.bills_dir
    own = shop.own_headers
    if files:
        chosen = {}
        for path in files:
            courier, _ = bill_identity(Path(path), settings)
            bill = read_bill(path, courier, settings, own)
            chosen[bill.courier] = bill
    else:
        found = find_bills(folder, month, settings)
        if not found:
            raise UserError("courier.bill.none", folder=folder, month=month)
        chosen = {c: read_bill(p, c, settings, own) for c, p in found.items()}
    pairs = []
    for courier, bill in chosen.items():
        bill.month = month
        prev_path = None
        for place in dict.fromkeys([bill.path.parent, folder]):
            prev_path = prev_path or find_bills(place, previous_month(month), settings).get(courier)
        pairs.append((bill, read_bill(prev_path, courier, settings, own) if prev_path else None))
    return pairs


def reconcile_month(shop, month: str, bill_files: list[Path] | None = None) -> MonthReconciliation:
    from ..months import require_shipments_cover

    check_month(month)
    shipment_table = shop.require("shipments", read=read_columns)  # one read for the match and every later job
    require_shipments_cover(shop, month)
    settings = load_settings(shop.config)
    cards = load_rate_cards(shop.config)
    shipments = shipments_frame(shipment_table, settings)
    stub_table = shop.table("stubs", read=read_columns)
    stubs = stubs_frame(stub_table, settings) if stub_table is not None else empty_stubs()
    results, skipped = [], not_checked(shipment_table, stub_table)
    for bill, previous in _bills(shop, month, bill_files, settings):
        card = cards.get(bill.courier) or next((c for name, c in cards.items() if settings.canonical(name) == bill.courier), None)
        if card is None:  # every line lands in no_rate: the fees are not checked
            skipped.append(NotChecked("reconcile.rates", "M-CUR-MONTHLY", "no_config", (f"shop.toml [rates.{bill.courier}]",),
                                      bill.path.name))
        results.append(reconcile(bill, shipments, stubs, card, settings.tolerances, month, previous))
    return MonthReconciliation(month, results, not_checked=skipped)


def write_month(shop, done: MonthReconciliation) -> MonthReconciliation:
    out = shop.month_dir(done.month)
    done.workbook = write_reconciliation(done.results, done.month, out / output_name("reconciliation", ".xlsx", month=done.month))
    done.written = [done.workbook]
    for res in done.results:
        path = write_dispute_list(res, out / output_name("disputes", ".xlsx", courier=res.courier, month=done.month))
        if path:
            done.written.append(path)
    return done
