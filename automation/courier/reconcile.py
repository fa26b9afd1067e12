"""The three-way match of a courier's monthly bill: bill <-> our shipments <-> stubs (M-CUR-MONTHLY).

Every bill line gets exactly one category (first that applies, in CATEGORIES order) and an expected
amount; the difference is billed - expected. Our shipments of the month that no bill line covers
(carried to next month) are rows too, billed 0 and expected at the rate card. So the courier's
total - our expected total is the sum of the category differences, to the cent.
All matching is polars joins over integer cents and grams; the rate card (Decimal) is evaluated
once per distinct (province, weight).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from ..i18n import pick
from .bill import Bill
from .frames import to_money
from .months import month_range
from .rates import NoRate, RateCard
from .settings import Tolerances

LOST = ("丢件", "破损")  # M-CUR-CLAIM: claim
UNDELIVERED = ("无法送达", "退回")  # M-CUR-UNDELIV: deduct at settlement


@dataclass(frozen=True)
class Category:
    slug: str
    zh: str
    en: str
    clause: str
    action: str  # claim / dispute / deduct / check / carry / ""

    def title(self) -> str:
        return pick(self.zh, self.en)


CATEGORIES = (
    Category("unreadable", "无法核对（金额无法读取）", "Cannot be checked (amount unreadable)", "M-CUR-MONTHLY", "check"),
    Category("waybill_damaged", "运单号被Excel损坏", "Waybill damaged by Excel", "M-CUR-MONTHLY", "dispute"),
    Category("credit", "扣减/冲账行", "Credit line", "M-CUR-MONTHLY", ""),
    Category("duplicate", "重复计费", "Billed twice", "M-CUR-MONTHLY", "dispute"),
    Category("duplicate_prev", "与上月账单重复", "Already billed last month", "M-CUR-MONTHLY", "dispute"),
    Category("not_shipped", "非我方发货", "Billed but never shipped by us", "M-CUR-MONTHLY", "dispute"),
    Category("lost_billed", "丢件/破损/无法送达未扣减", "Lost/damaged/undelivered billed without deduction",
             "M-CUR-CLAIM", "deduct"),
    Category("no_rate", "无法按价目核价", "No rate for the destination", "M-CUR-MONTHLY", "check"),
    Category("weight_over", "计费重量超出容差", "Billed weight over tolerance", "M-CUR-WEIGH", "dispute"),
    Category("fee_mismatch", "运费与价目不符", "Fee differs from the rate card", "M-CUR-MONTHLY", "dispute"),
    Category("missing_stub", "缺少底单", "No stub", "M-CUR-COUNT", "check"),
    Category("ok", "核对无误", "Matched and correct", "M-CUR-MONTHLY", ""),
    Category("not_billed", "已发货未计费（结转下月）", "Shipped but not billed (carried to next month)",
             "M-CUR-MONTHLY", "carry"),
)
BY_SLUG = {c.slug: c for c in CATEGORIES}
ACTIONS = {"claim": ("索赔", "claim"), "dispute": ("申诉", "dispute"), "deduct": ("要求扣减", "deduct"),
           "check": ("核查", "check"), "carry": ("结转下月", "carry over"), "": ("", "")}


def action_label(action: str) -> str:
    return pick(*ACTIONS[action])


@dataclass(frozen=True)
class CategoryTotal:
    slug: str
    count: int
    billed: Decimal | None  # None: the amounts could not be read (无法核对), never shown as 0
    expected: Decimal | None
    difference: Decimal


@dataclass
class Reconciliation:
    courier: str
    month: str
    bill: Bill
    lines: pl.DataFrame  # bill lines + not-billed shipments, with category / expected_c / diff_c / action
    bill_total: Decimal
    expected_total: Decimal
    categories: dict[str, CategoryTotal]

    @property
    def difference(self) -> Decimal:
        return self.bill_total - self.expected_total

    @property
    def recoverable(self) -> Decimal:
        """What to claim back: the differences of the lines to dispute, claim or deduct."""
        to_send = self.lines.filter(pl.col("action").is_in(["dispute", "claim", "deduct"]))
        return to_money(to_send["diff_c"].sum() or 0)

    def closes(self) -> bool:
        return self.difference == sum((c.difference for c in self.categories.values()), Decimal("0.00"))

    def of(self, slug: str) -> pl.DataFrame:
        return self.lines.filter(pl.col("category") == slug)


def _expected_fees(keys: pl.DataFrame, card: RateCard | None) -> pl.DataFrame:
    """(province, weight_g) -> expected fee in cents, the rate card evaluated once per distinct pair."""
    out = []
    for province, weight_g in keys.iter_rows():
        fee = None
        if card is not None and province is not None and weight_g is not None:
            try:
                fee = int(card.expected_fee(province, Decimal(weight_g) / 1000) * 100)
            except NoRate:
                fee = None
        out.append(fee)
    return keys.with_columns(pl.Series("rate_c", out, dtype=pl.Int64))


def _with_rates(frame: pl.DataFrame, card: RateCard | None) -> pl.DataFrame:
    keys = frame.select("province", "our_weight_g").unique()
    return frame.join(_expected_fees(keys, card), on=["province", "our_weight_g"], how="left", nulls_equal=True,
                      maintain_order="left")


def _first_by_waybill(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.filter(pl.col("waybill").is_not_null())
    # the usual sheet: no waybill twice. Counting distinct 64-bit hashes is 5x cheaper than distinct
    # strings (0.03 s for 1M) and never wrong: distinct hashes are distinct waybills, and two waybills
    # sharing a hash only send the sheet the way of the rare one holding a waybill twice.
    if frame["waybill"].hash().n_unique() == frame.height:
        return frame
    return frame.unique("waybill", keep="first")


def classify(bill: Bill, shipments: pl.DataFrame, stubs: pl.DataFrame, card: RateCard | None,
             tolerances: Tolerances, previous: Bill | None = None) -> pl.DataFrame:
    """Every bill line with its category, expected amount and difference (cents).

    `shipments` and `stubs` hold one row per waybill (reconcile() makes them so)."""
    tol_g = int(tolerances.weight_kg * 1000)
    tol_c = int(tolerances.fee * 100)
    prev_waybills = (previous.lines.filter(pl.col("total_c") > 0)["waybill"].drop_nulls().unique()
                     if previous is not None else pl.Series("waybill", [], dtype=pl.Utf8))
    lines = bill.lines.with_columns(
        credit=pl.col("total_c") < 0,
        waybill_key=pl.when(pl.col("total_c") >= 0).then(pl.col("waybill")),
    ).with_columns(
        repeat=pl.col("waybill_key").is_not_null() & ~pl.col("waybill_key").is_first_distinct(),
        in_prev=pl.col("waybill").is_in(prev_waybills.implode()),
    ).with_columns(  # what the courier nets for a waybill: its first line and any credits (not the repeats)
        net_c=pl.when(pl.col("repeat")).then(0).otherwise(pl.col("total_c")).sum().over("waybill"),
    )
    lines = (lines.join(shipments, on="waybill", how="left", maintain_order="left")
                  .join(stubs, on="waybill", how="left", maintain_order="left")
                  .with_columns(province=pl.coalesce("ship_province", "bill_province"),
                                our_weight_g=pl.coalesce("ship_weight_g", "stub_weight_g", "bill_weight_g"),
                                ref_weight_g=pl.coalesce("ship_weight_g", "stub_weight_g")))
    lines = _with_rates(lines, card)
    expected_fee = pl.col("rate_c") + pl.col("insurance_c").fill_null(0)  # insurance is the shop's choice
    category = (
        pl.when(pl.col("unreadable")).then(pl.lit("unreadable"))
        .when(pl.col("damaged")).then(pl.lit("waybill_damaged"))
        .when(pl.col("credit")).then(pl.lit("credit"))
        .when(pl.col("repeat")).then(pl.lit("duplicate"))
        .when(pl.col("in_prev")).then(pl.lit("duplicate_prev"))
        .when(pl.col("ship_row").is_null()).then(pl.lit("not_shipped"))
        .when(pl.col("stub_status").is_in(LOST + UNDELIVERED) & (pl.col("net_c") > 0)).then(pl.lit("lost_billed"))
        .when(pl.col("stub_status").is_in(LOST + UNDELIVERED)).then(pl.lit("ok"))  # deducted by a credit line
        .when(pl.col("rate_c").is_null()).then(pl.lit("no_rate"))
        .when((pl.col("bill_weight_g") - pl.col("ref_weight_g")) > tol_g).then(pl.lit("weight_over"))
        .when((pl.col("total_c") - expected_fee).abs() > tol_c).then(pl.lit("fee_mismatch"))
        .when(pl.col("stub_row").is_null()).then(pl.lit("missing_stub"))
        .otherwise(pl.lit("ok"))
    )
    lines = lines.with_columns(category=category)
    cat = pl.col("category")
    expected = (
        pl.when(cat == "unreadable").then(None)  # unknown: neither billed nor expected is summed
        .when(cat.is_in(["waybill_damaged", "duplicate", "duplicate_prev", "not_shipped"])).then(0)
        .when(cat == "lost_billed").then(pl.col("total_c") - pl.col("net_c"))  # should net to zero
        .when(cat.is_in(["credit", "no_rate"]) | pl.col("stub_status").is_in(LOST + UNDELIVERED)).then(pl.col("total_c"))
        .otherwise(expected_fee)
    )
    lost_action = pl.when(pl.col("stub_status").is_in(LOST)).then(pl.lit("claim")).otherwise(pl.lit("deduct"))
    action = pl.when(cat == "lost_billed").then(lost_action).otherwise(
        cat.replace_strict({c.slug: c.action for c in CATEGORIES}, default=""))
    return (lines.with_columns(expected_c=expected.cast(pl.Int64), action=action)
                 .with_columns(diff_c=pl.col("total_c") - pl.col("expected_c")))


def not_billed(bill: Bill, shipments: pl.DataFrame, stubs: pl.DataFrame, card: RateCard | None,
               month: str, previous: Bill | None = None) -> pl.DataFrame:
    """Our shipments of the month with this courier that no bill line (this month's or last) covers."""
    start, end = month_range(month)
    billed = pl.concat([bill.lines.select("waybill"), previous.lines.select("waybill") if previous else bill.lines[:0].select("waybill")])
    lost = stubs.filter(pl.col("stub_status").is_in(LOST + UNDELIVERED))["waybill"]
    ours = shipments.filter(
        (pl.col("ship_courier") == bill.courier) & pl.col("waybill").is_not_null()
        & pl.col("ship_date").is_between(start, end) & ~pl.col("waybill").is_in(lost.implode())
    ).join(billed.drop_nulls(), on="waybill", how="anti")  # a join, not is_in: a million billed waybills
    their_stubs = stubs.filter(pl.col("waybill").is_in(ours["waybill"].implode()))  # so the join hashes a few, not all
    ours = ours.sort("ship_date", "ship_row").join(their_stubs, on="waybill", how="left", maintain_order="left").with_columns(
        province=pl.col("ship_province"), our_weight_g=pl.coalesce("ship_weight_g", "stub_weight_g"))
    ours = _with_rates(ours, card)
    return ours.with_columns(shown=pl.col("waybill"), category=pl.lit("not_billed"), action=pl.lit("carry"),
                             total_c=pl.lit(0, pl.Int64), expected_c=pl.col("rate_c").fill_null(0)).with_columns(
        diff_c=-pl.col("expected_c"))


def reconcile(bill: Bill, shipments: pl.DataFrame, stubs: pl.DataFrame, card: RateCard | None,
              tolerances: Tolerances, month: str, previous: Bill | None = None) -> Reconciliation:
    shipments, stubs = _first_by_waybill(shipments), _first_by_waybill(stubs)  # once, for both steps
    lines = classify(bill, shipments, stubs, card, tolerances, previous)
    carried = not_billed(bill, shipments, stubs, card, month, previous)
    everything = pl.concat([lines, carried], how="diagonal_relaxed")
    sums = (everything.group_by("category")
            .agg(count=pl.len(), billed=pl.col("total_c").sum(), expected=pl.col("expected_c").sum(),
                 difference=pl.col("diff_c").sum()))
    categories = {}
    for row in sums.iter_rows(named=True):
        unknown = row["category"] == "unreadable"
        categories[row["category"]] = CategoryTotal(row["category"], row["count"],
                                                     None if unknown else to_money(row["billed"] or 0),
                                                     None if unknown else to_money(row["expected"] or 0),
                                                     to_money(row["difference"] or 0))
    ordered = {c.slug: categories[c.slug] for c in CATEGORIES if c.slug in categories}
    return Reconciliation(bill.courier, month, bill, everything, to_money(lines["total_c"].sum() or 0),
                          to_money(everything["expected_c"].sum() or 0), ordered)
