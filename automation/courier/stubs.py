"""The daily stub check (底单核对): stubs against shipments per day and courier.

M-CUR-COUNT (counts, missing stubs, stubs without a shipment), M-CUR-WEIGH (stub weight vs ours),
M-CUR-ARCHIVE (stubs older than `archive_days` not archived), M-CUR-CLAIM / M-CUR-UNDELIV (lost,
damaged and undeliverable parcels to the claims and deductions lists).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from ..coverage import NotChecked
from ..rules.needs import Declared, own, sheet
from .reconcile import LOST, UNDELIVERED
from .settings import Tolerances

# What each list of the stub check reads; a list whose columns are absent is reported as not checked
# (a stub sheet without a weight column gets no weight check, rather than an empty weight list).
CHECKS = (
    Declared("stubs.count", "M-CUR-COUNT", "stubs", (own("date", "courier"), sheet("shipments", "date", "courier", "waybill"))),
    Declared("stubs.missing_stub", "M-CUR-COUNT", "stubs", (own("waybill"), sheet("shipments", "date", "waybill"))),
    Declared("stubs.no_shipment", "M-CUR-COUNT", "stubs", (own("date", "waybill"), sheet("shipments", "waybill"))),
    Declared("stubs.weight", "M-CUR-WEIGH", "stubs", (own("waybill", "weight"), sheet("shipments", "waybill", "weight"))),
    Declared("stubs.unarchived", "M-CUR-ARCHIVE", "stubs", (own("date", "archived"),)),
    Declared("stubs.claim", "M-CUR-CLAIM", "stubs", (own("status"),)),
    Declared("stubs.deduct", "M-CUR-UNDELIV", "stubs", (own("status"),)),
)


@dataclass
class StubCheck:
    start: dt.date
    end: dt.date  # inclusive
    counts: pl.DataFrame  # date, courier, shipped, stubs, difference
    missing_stub: pl.DataFrame
    no_shipment: pl.DataFrame
    weight: pl.DataFrame
    unarchived: pl.DataFrame
    claims: pl.DataFrame
    deductions: pl.DataFrame
    not_checked: list[NotChecked] = field(default_factory=list)  # lists that could not be made, and why
    unreadable: pl.DataFrame | None = None  # sheet, row, column, message: stub cells the check could not read

    def findings(self) -> dict[str, pl.DataFrame]:
        """Each list by its stable code (the clause ids are in docs/courier.md)."""
        return {"count": self.counts.filter(pl.col("difference") != 0), "missing_stub": self.missing_stub,
                "no_shipment": self.no_shipment, "weight": self.weight, "unarchived": self.unarchived,
                "claim": self.claims, "deduct": self.deductions}

    @property
    def clean(self) -> bool:
        return all(frame.height == 0 for frame in self.findings().values())


def _in(frame: pl.DataFrame, column: str, start: dt.date, end: dt.date) -> pl.DataFrame:
    return frame.filter(pl.col(column).is_between(start, end))


def check_stubs(shipments: pl.DataFrame, stubs: pl.DataFrame, start: dt.date, end: dt.date,
                tolerances: Tolerances, orders: pl.DataFrame | None = None) -> StubCheck:
    shipped = _in(shipments, "ship_date", start, end).filter(pl.col("waybill").is_not_null())
    filed = _in(stubs, "stub_date", start, end)
    per_ship = shipped.group_by(date="ship_date", courier="ship_courier").agg(shipped=pl.len())
    per_stub = filed.group_by(date="stub_date", courier="stub_courier").agg(stubs=pl.len())
    counts = (per_ship.join(per_stub, on=["date", "courier"], how="full", coalesce=True, nulls_equal=True)
              .with_columns(pl.col("shipped").fill_null(0), pl.col("stubs").fill_null(0))
              .with_columns(difference=pl.col("stubs") - pl.col("shipped")).sort("date", "courier"))
    all_stubs = stubs.filter(pl.col("waybill").is_not_null())
    missing = shipped.join(all_stubs, on="waybill", how="anti").sort("ship_date", "ship_row")
    no_ship = filed.filter(pl.col("waybill").is_not_null()).join(shipments, on="waybill", how="anti").sort("stub_date", "stub_row")
    tol_g = int(tolerances.weight_kg * 1000)
    both = filed.join(shipments.unique("waybill", keep="first"), on="waybill", how="inner")
    weight = (both.with_columns(weight_diff_g=pl.col("stub_weight_g") - pl.col("ship_weight_g"))
              .filter(pl.col("weight_diff_g").abs() > tol_g).sort("stub_date", "stub_row"))
    cutoff = end - dt.timedelta(days=tolerances.archive_days)
    unarchived = stubs.filter((pl.col("stub_date") < cutoff) & ~pl.col("stub_archived").fill_null(False)).sort("stub_date", "stub_row")
    # a lost parcel whose date cannot be read is still claimed: never dropped for want of a date
    undated = stubs.filter(pl.col("stub_date").is_null() & pl.col("stub_status").is_in(LOST + UNDELIVERED))
    lost = pl.concat([filed, undated]).join(shipments.unique("waybill", keep="first"), on="waybill", how="left")
    if orders is not None:
        lost = lost.join(orders, on="order_id", how="left")
    claims = lost.filter(pl.col("stub_status").is_in(LOST)).sort("stub_date", "stub_row")
    deductions = lost.filter(pl.col("stub_status").is_in(UNDELIVERED)).sort("stub_date", "stub_row")
    return StubCheck(start, end, counts, missing, no_ship, weight, unarchived, claims, deductions)
