"""Is a month there? One answer for every command that reports, reconciles or sends a month.

A month is complete only when all of these hold (docs/months.md):
- every configured courier ([couriers.*] / [rates.*] in shop.toml; else every courier the month's
  shipments name) has a bill for it in the bills folder;
- the shipment log and the courier stubs each have entries on most of the month's working days:
  at least COVERAGE (60 %) of them, by the shop's calendar (holidays and make-up days included);
- there are orders in it (created or paid in the month).

Commands ask `month_check(shop, month)` and refuse (or, with --allow-partial, say) what is missing.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from decimal import Decimal

from .courier.months import check_month, last_month, month_range
from .errors import UserError
from .i18n import pick, register, t

COVERAGE = Decimal("0.6")  # share of the month's working days that must have entries ("most")
SHOWN_RANGES = 4  # date ranges named when saying what a log covers

register({
    "months.no_bill": ("缺少 {courier} 的 {month} 账单（放在 {folder}/，文件名如 {courier}_{month}.xlsx）",
                       "no {month} bill from {courier} (put it in {folder}/, named like {courier}_{month}.xlsx)"),
    "months.thin_log": ("{sheet}只有 {days}/{workdays} 个工作日有记录（至少需要 {need} 天）；现有日期：{covered}",
                        "the {sheet} has entries on {days} of {workdays} working days (needs {need}); dates it covers: {covered}"),
    "months.no_sheet": ("找不到{sheet}", "no {sheet} found"),
    "months.no_orders": ("订单表中没有 {month} 的订单（按下单或付款时间）", "no orders in {month} in the orders sheet (by created or paid time)"),
    "months.incomplete": ("{month} 的数据不完整，不予{action}：\n{missing}\n补齐后重新运行；确需{action}请加 --allow-partial。",
                          "{month} is incomplete, not {action}:\n{missing}\nAdd what is missing and run again, or pass --allow-partial."),
    "months.log_not_covering": ("发货登记没有覆盖 {month}（{days}/{workdays} 个工作日有记录），无法核对该月账单，否则整张账单都会被判为“非我方发货”。发货登记现有日期：{covered}。",
                                "The shipment log does not cover {month} ({days} of {workdays} working days have entries), so its bill cannot be reconciled (every line would look 'never shipped by us'). The log covers: {covered}."),
    "months.incomplete_preview": ("{month} 的数据不完整（预览顶部已列出）：\n{missing}\n补齐后重新运行；确需按不完整数据发出请加 --allow-partial。",
                                  "{month} is incomplete (listed at the top of the preview):\n{missing}\nAdd what is missing and run again, or pass --allow-partial."),
    "months.default": ("未指定 --month，使用上个月：{month}", "No --month given; using last month: {month}"),
    "months.no_data": ("{month}：无数据 —— {missing}", "{month}: no data — {missing}"),
    "months.no_data_report": ("{month} 无数据，报表只写了“无数据”：\n{missing}", "{month} has no data; the report only says so:\n{missing}"),
    "months.partial_banner": ("注意：{month} 数据不完整 —— {missing}", "Note: {month} is incomplete — {missing}"),
})

SHEET_NAMES = {"shipments": ("发货登记", "shipment log"), "stubs": ("快递底单", "courier stubs"), "orders": ("订单表", "orders sheet")}


def _sheet(kind: str) -> str:
    return pick(*SHEET_NAMES[kind])


@dataclass(frozen=True)
class LogCoverage:
    kind: str  # shipments / stubs
    days: tuple[dt.date, ...]  # the month's working days with entries
    workdays: int
    all_days: tuple[dt.date, ...]  # every day the log has, any month

    @property
    def needed(self) -> int:
        return int((COVERAGE * self.workdays).to_integral_value(rounding="ROUND_CEILING"))

    @property
    def covers(self) -> bool:
        return self.workdays == 0 or len(self.days) >= self.needed

    def covered_text(self) -> str:
        return date_ranges(self.all_days) or pick("无", "none")


@dataclass
class MonthCheck:
    month: str
    missing: list[str] = field(default_factory=list)  # what is missing, one readable line each
    logs: dict[str, LogCoverage] = field(default_factory=dict)
    orders: int = 0

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def has_data(self) -> bool:
        """Enough for sales and penalty figures: orders in the month, and a shipment log (if the shop
        keeps one) that covers it. Otherwise the reports say 无数据 instead of writing zeros."""
        log = self.logs.get("shipments")
        return self.orders > 0 and (log is None or log.covers)

    def listing(self) -> str:
        return "\n".join(f"  - {line}" for line in self.missing)

    def banner(self) -> str:
        """One line for the top of a mail or report: what is missing."""
        return t("months.partial_banner", month=self.month, missing=pick("；", "; ").join(self.missing))

    def no_data_line(self) -> str:
        return t("months.no_data", month=self.month, missing=pick("；", "; ").join(self.missing))

    def refuse_report(self) -> UserError:
        return UserError("months.no_data_report", month=self.month, missing=self.listing())

    def refuse(self, action: str) -> UserError:
        return UserError("months.incomplete", month=self.month, action=action, missing=self.listing())

    def refuse_preview(self) -> UserError:
        return UserError("months.incomplete_preview", month=self.month, missing=self.listing())


def date_ranges(days) -> str:
    """2026-10-01 ~ 2026-10-31, 2026-11-03: consecutive days joined, the first few ranges named."""
    ordered = sorted(set(days))
    if not ordered:
        return ""
    ranges, start, prev = [], ordered[0], ordered[0]
    for day in ordered[1:]:
        if (day - prev).days > 3:  # weekends and short holidays do not break a range
            ranges.append((start, prev))
            start = day
        prev = day
    ranges.append((start, prev))
    shown = [f"{a}" if a == b else f"{a} ~ {b}" for a, b in ranges[:SHOWN_RANGES]]
    if len(ranges) > SHOWN_RANGES:
        shown.append(pick(f"等 {len(ranges)} 段", f"and {len(ranges) - SHOWN_RANGES} more"))
    return pick("、", ", ").join(shown)


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def log_days(shop, kind: str) -> tuple[dt.date, ...] | None:
    """Every day a log (shipments, stubs) has entries on, oldest first; None without that sheet."""
    table = shop.table(kind)
    if table is None:
        return None
    if hasattr(table, "typed"):  # read to Arrow columns (automation.courier.arrow): no Record is built for it
        import polars as pl

        return tuple(table.typed("date", _day, pl.Date).drop_nulls().unique().sort().to_list())
    return tuple(sorted({d for r in table.records if (d := _day(r.data.get("date"))) is not None}))


def log_coverage(shop, kind: str, month: str) -> LogCoverage | None:
    every = log_days(shop, kind)
    if every is None:
        return None
    first, last = month_range(month)
    workdays = set(shop.calendar.workdays(first, last))
    return LogCoverage(kind, tuple(d for d in every if d in workdays), len(workdays), every)


def configured_couriers(shop) -> list[str]:
    """Couriers shop.toml names ([couriers.*], [rates.*]); else those the month's shipments use."""
    from .courier.settings import load_settings

    settings = load_settings(shop.config)
    named = [settings.canonical(c) for c in [*shop.config.section("couriers"), *shop.config.section("rates")]]
    return list(dict.fromkeys(c for c in named if c))


def _couriers_shipped(shop, month: str) -> list[str]:
    from .courier.settings import load_settings

    table = shop.table("shipments")
    if table is None:
        return []
    settings = load_settings(shop.config)
    first, last = month_range(month)
    seen = [settings.canonical(r.data.get("courier")) for r in table.records
            if (d := _day(r.data.get("date"))) is not None and first <= d <= last]
    return list(dict.fromkeys(c for c in seen if c))


def _orders_in(shop, month: str) -> int:
    table = shop.table("orders")
    if table is None:
        return 0
    first, last = month_range(month)
    count = 0
    for record in table.records:
        day = _day(record.data.get("paid_at")) or _day(record.data.get("created_at"))
        count += day is not None and first <= day <= last
    return count


def month_check(shop, month: str) -> MonthCheck:
    """What the month has and what it lacks (see the module docstring for the rule)."""
    from .courier.bill import find_bills
    from .courier.settings import load_settings

    check_month(month)
    result = MonthCheck(month)
    settings = load_settings(shop.config)
    couriers = configured_couriers(shop) or _couriers_shipped(shop, month)
    bills = find_bills(shop.root / settings.bills_dir, month, settings)
    for courier in couriers:
        if courier not in bills:
            result.missing.append(t("months.no_bill", courier=courier, month=month, folder=settings.bills_dir))
    for kind in ("shipments", "stubs"):
        log = log_coverage(shop, kind, month)
        if log is None:
            result.missing.append(t("months.no_sheet", sheet=_sheet(kind)))
            continue
        result.logs[kind] = log
        if not log.covers:
            result.missing.append(t("months.thin_log", sheet=_sheet(kind), days=len(log.days), workdays=log.workdays,
                                    need=log.needed, covered=log.covered_text()))
    result.orders = _orders_in(shop, month)
    if result.orders == 0:
        result.missing.append(t("months.no_orders", month=month))
    return result


def require_shipments_cover(shop, month: str) -> None:
    """reconcile: a bill is only checked against a shipment log that covers its month."""
    log = log_coverage(shop, "shipments", month)
    if log is not None and not log.covers:
        raise UserError("months.log_not_covering", month=month, days=len(log.days), workdays=log.workdays,
                        covered=log.covered_text())


def chosen_month(month: str | None, today: dt.date | None = None) -> str:
    """The --month given, or last calendar month (the README's cron line relies on it), said on stderr."""
    if month:
        return check_month(month)
    month = last_month(today)
    print(t("months.default", month=month), file=sys.stderr)
    return month
