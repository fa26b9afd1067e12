"""Sales and service statistics for a month (pure over tables).

- daily per agent (M-DAILYSALES): enquiries and buyers from the service sheet (M-BOOKS 服务统计本),
  conversion = buyers ÷ enquiries; sales, orders, average order value and refunds from the orders
  attributed to the agent (automation.attribution: 客服 column, remark name, promotion share);
- monthly per agent: the same summed, ranking, commission = base + rate × sales (M-PAY), praise and
  criticism from the reviews sheet;
- products: best sellers, quality and colour-difference returns (M-AS-REVIEW2W), reasons;
- paid-but-not-shipped orders at month end (M-MONTHEND), open bad reviews.
Unattributed orders are kept under agent None ("未归属"), never dropped. All money is Decimal.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .. import coverage
from ..attribution import attribute_orders
from ..config import ShopConfig
from ..coverage import NotChecked
from ..i18n import pick
from ..rules.needs import Declared, any_of, gaps, own, quiet_in_month, sheet_label
from ..penalties.period import end_of, parse_month
from ..privacy import mask_text
from ..tables import Table
from .settings import SalesSettings

CENT = Decimal("0.01")
RATE = Decimal("0.0001")
UNPAID = "等待买家付款"
PAID_WAITING = "买家已付款，等待卖家发货"
CLOSED = "交易关闭"
TENTH = Decimal("0.1")

# What each of the report's figures reads (automation.rules.needs): without its sheet or columns, or
# with no entries in the month, a figure is listed as not checked instead of showing 0.
FIGURES = (
    Declared("sales.orders", "M-DAILYSALES", "orders", (own("paid_at", any_of("paid_amount", "total", "goods_amount")),)),
    Declared("sales.refunds", "M-PAY", "orders", (own("paid_at", any_of("refund_amount", "status")),)),
    Declared("sales.products", "M-AS-REVIEW2W", "orders", (own("paid_at", any_of("items", "sku")),)),
    Declared("sales.unshipped", "M-MONTHEND", "orders", (own("paid_at", any_of("shipped_at", "status")),)),
    Declared("sales.enquiries", "M-BOOKS", "service", (own("date", "agent", "enquiries", "buyers"),)),
    Declared("sales.first_reply", "M-PEN-FIRSTREPLY", "service", (own("date", "agent", "first_reply_seconds"),)),
    Declared("sales.reviews", "M-PAY", "reviews", (own("date", "agent", "rating", "praise"),)),
    Declared("sales.open_reviews", "M-AS-BADREV", "reviews", (own("date", "rating", "status"),)),
    Declared("sales.returns", "M-AS-REVIEW2W", "returns", (own("date", "kind", "reason"),)),
)
FIGURE_NAMES = {
    "sales.orders": ("销售额与订单数", "sales and orders"),
    "sales.refunds": ("退款", "refunds"),
    "sales.products": ("畅销商品", "best sellers"),
    "sales.unshipped": ("月末付款未发货", "paid but not shipped at month end"),
    "sales.enquiries": ("咨询人数、成交人数与转化率", "enquiries, buyers and conversion"),
    "sales.first_reply": ("平均首次响应", "average first reply"),
    "sales.reviews": ("表扬/批评与好评/差评", "praise, criticism, good and bad reviews"),
    "sales.open_reviews": ("未处理中差评", "open bad reviews"),
    "sales.returns": ("质量问题与色差、退换原因", "quality and colour returns, reasons"),
}


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part ÷ whole to four decimals (0.1234 = 12.34%), None when whole is 0."""
    return (Decimal(part) / Decimal(whole)).quantize(RATE, rounding=ROUND_HALF_UP) if whole else None


@dataclass
class Figures:
    enquiries: int = 0
    buyers: int = 0
    orders: Decimal = Decimal(0)  # share-weighted count (for the average order)
    sales: Decimal = Decimal(0)
    refunds: Decimal = Decimal(0)  # from the agent's own (not shared) orders only
    whole_orders: int = 0  # orders that are this agent's alone
    shared: Decimal = Decimal(0)  # this agent's shares of orders shared with others (promotions, several names)
    reply_seconds: Decimal = Decimal(0)  # the sum of the days' 平均首次响应(秒) …
    reply_days: int = 0  # … over this many days with a value

    @property
    def first_reply(self) -> Decimal | None:
        """Average first reply in seconds: the mean of the days' averages (M-PEN-FIRSTREPLY's 45 s)."""
        return (self.reply_seconds / self.reply_days).quantize(TENTH, rounding=ROUND_HALF_UP) if self.reply_days else None

    @property
    def conversion(self) -> Decimal | None:
        return ratio(self.buyers, self.enquiries)

    @property
    def average_order(self) -> Decimal | None:
        return money(self.sales / self.orders) if self.orders else None

    @property
    def net(self) -> Decimal:
        return self.sales - self.refunds


@dataclass
class AgentMonth:
    agent: str | None
    figures: Figures
    rank: int | None = None
    base: Decimal = Decimal(0)
    rate: Decimal = Decimal(0)
    commission: Decimal = Decimal(0)
    praise: int = 0
    criticism: int = 0
    good: int = 0
    bad: int = 0


@dataclass
class SalesReport:
    month: str
    first: dt.date
    last: dt.date
    daily: dict[tuple[dt.date, str | None], Figures]
    agents: list[AgentMonth]
    products: list[tuple[str, int, Decimal]]  # product, quantity, sales
    returns: list[tuple[str, int, int, int]]  # product, quality, colour difference, all returns
    reasons: list[tuple[str, str, int]]  # kind, reason, count
    unshipped: list[dict]
    open_reviews: list[dict]
    settings: SalesSettings
    missing: list[str] = field(default_factory=list)  # names of the sheets not found
    shared_refunds: Decimal = Decimal(0)  # refunds of shared orders: nobody's own, so no agent's
    not_checked: list[NotChecked] = field(default_factory=list)  # figures that could not be computed, and why

    def not_checked_lines(self, codes: tuple[str, ...] | None = None) -> list[str]:
        """The 未检查 lines (of these figures only, when given), each figure by its name."""
        shown = [n for n in self.not_checked if codes is None or n.code in codes]
        return coverage.lines(shown, lambda code: pick(*FIGURE_NAMES[code]))

    def unchecked(self, code: str) -> bool:
        return any(n.code == code for n in self.not_checked)

    def day_rows(self, day: dt.date | None = None) -> list[tuple[dt.date, str | None, Figures]]:
        return [(d, a, f) for (d, a), f in sorted(self.daily.items(), key=lambda kv: (kv[0][0], kv[0][1] is None, kv[0][1] or ""))
                if day is None or d == day]

    def daily_sales(self) -> list[tuple[dt.date, Decimal]]:
        totals: dict[dt.date, Decimal] = defaultdict(Decimal)
        for (day, _), figures in self.daily.items():
            totals[day] += figures.sales
        span = (self.last - self.first).days + 1
        return [(d, totals.get(d, Decimal(0))) for d in (self.first + dt.timedelta(days=i) for i in range(span))]


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def order_amount(record) -> Decimal:
    for name in ("paid_amount", "total", "goods_amount"):
        value = record.get(name)
        if isinstance(value, Decimal):
            return value
    return Decimal(0)


def order_refund(record) -> Decimal:
    refund = record.get("refund_amount")
    if isinstance(refund, Decimal):
        return refund
    return order_amount(record) if record.get("status") == CLOSED else Decimal(0)


def sales_report(month: str, tables: dict[str, Table | None], config: ShopConfig, settings: SalesSettings) -> SalesReport:
    first, last = parse_month(month)
    orders, service, reviews, returns = (tables.get(k) for k in ("orders", "service", "reviews", "returns"))
    daily: dict[tuple[dt.date, str | None], Figures] = defaultdict(Figures)
    shared_refunds = Decimal(0)
    if orders is not None:
        shared_refunds = _add_orders(daily, orders, config, first, last)
    if service is not None:
        _add_service(daily, service, first, last)
    report = SalesReport(month, first, last, dict(daily), [], _products(orders, first, last, settings.top_products),
                         *_returns(returns, first, last, settings), _unshipped(orders, config, last),
                         _open_reviews(reviews, last), settings,
                         [sheet_label(k) for k in ("orders", "service", "reviews", "returns") if tables.get(k) is None])
    report.shared_refunds = shared_refunds
    report.agents = _agents(report, reviews, config, settings)
    report.not_checked = figure_gaps(report, tables)
    return report


def figure_gaps(report: SalesReport, tables: dict[str, Table | None]) -> list[NotChecked]:
    """The figures whose sheet or columns are missing, or whose sheet has nothing dated in the month
    (lists that found rows from earlier months, such as open reviews, count as computed)."""
    missing = gaps(FIGURES, tables)
    present = [f for f in FIGURES if f.code not in {n.code for n in missing}]
    found = {"sales.unshipped"} if report.unshipped else set()
    found |= {"sales.open_reviews"} if report.open_reviews else set()
    return coverage.unique(missing + quiet_in_month(present, tables, report.first, report.last, found))


def _paid_in(record, first: dt.date, last: dt.date) -> bool:
    paid = _day(record.get("paid_at"))
    return paid is not None and first <= paid <= last and record.get("status") != UNPAID


def _add_orders(daily, orders: Table, config: ShopConfig, first: dt.date, last: dt.date) -> Decimal:
    """Each agent's figures of the month; returns the refunds of shared orders (nobody's own)."""
    records = {r.row: r for r in orders.records}
    shared_refunds = Decimal(0)
    for attribution in attribute_orders(orders, config):
        record = records[attribution.row]
        if not _paid_in(record, first, last):
            continue
        figures = daily[(_day(record["paid_at"]), attribution.agent)]
        figures.orders += attribution.share
        figures.sales += order_amount(record) * attribution.share
        if attribution.share == 1:
            figures.whole_orders += 1
            figures.refunds += order_refund(record)
        else:
            figures.shared += attribution.share
            shared_refunds += order_refund(record) * attribution.share
    return shared_refunds


def _add_service(daily, service: Table, first: dt.date, last: dt.date) -> None:
    for record in service.records:
        day = _day(record.get("date"))
        agent = str(record.get("agent") or "").strip() or None
        if day is None or not first <= day <= last:
            continue
        figures = daily[(day, agent)]
        figures.enquiries += int(record.get("enquiries") or 0)
        figures.buyers += int(record.get("buyers") or 0)
        reply = record.get("first_reply_seconds")
        if isinstance(reply, Decimal):
            figures.reply_seconds += reply
            figures.reply_days += 1


def _agents(report: SalesReport, reviews: Table | None, config: ShopConfig, settings: SalesSettings) -> list[AgentMonth]:
    months: dict[str | None, AgentMonth] = {}
    for (_, agent), f in report.daily.items():
        total = months.setdefault(agent, AgentMonth(agent, Figures())).figures
        total.enquiries += f.enquiries
        total.buyers += f.buyers
        total.orders += f.orders
        total.sales += f.sales
        total.refunds += f.refunds
        total.whole_orders += f.whole_orders
        total.shared += f.shared
        total.reply_seconds += f.reply_seconds
        total.reply_days += f.reply_days
    for person in config.people("客服"):
        months.setdefault(person.name, AgentMonth(person.name, Figures()))
    for review in (reviews.records if reviews is not None else []):
        day = _day(review.get("date"))
        agent = str(review.get("agent") or "").strip() or None
        if day is None or not report.first <= day <= report.last or agent is None:
            continue
        row = months.setdefault(agent, AgentMonth(agent, Figures()))
        row.praise += review.get("praise") == "表扬"
        row.criticism += review.get("praise") == "批评"
        row.good += review.get("rating") == "好评"
        row.bad += review.get("rating") == "差评"
    named = [m for m in months.values() if m.agent is not None]
    for m in named:
        pay = settings.pay(m.agent)
        basis = m.figures.net if settings.commission_on == "net" else m.figures.sales
        m.base, m.rate, m.commission = pay.base, pay.rate, commission(pay.base, pay.rate, basis)
    ranked = sorted(named, key=lambda m: (-_basis(m, settings), m.agent))
    for position, m in enumerate(ranked, start=1):
        m.rank = position
    return ranked + ([months[None]] if None in months else [])


def _basis(m: AgentMonth, settings: SalesSettings) -> Decimal:
    return m.figures.net if settings.commission_on == "net" else m.figures.sales


def commission(base: Decimal, rate: Decimal, sales: Decimal) -> Decimal:
    """M-PAY: base + rate × sales, to the cent (half up)."""
    return money(base + rate * sales)


def _products(orders: Table | None, first: dt.date, last: dt.date, top: int) -> list[tuple[str, int, Decimal]]:
    if orders is None:
        return []
    quantity: Counter = Counter()
    sales: dict[str, Decimal] = defaultdict(Decimal)
    for record in orders.records:
        if not _paid_in(record, first, last) or record.get("status") == CLOSED:
            continue
        name = str(record.get("items") or record.get("sku") or "—").strip()
        quantity[name] += int(record.get("quantity") or 1)
        sales[name] += order_amount(record)
    ranked = sorted(quantity, key=lambda n: (-quantity[n], -sales[n], n))
    return [(n, quantity[n], money(sales[n])) for n in ranked[:top]]


def _returns(returns: Table | None, first: dt.date, last: dt.date, settings: SalesSettings):
    if returns is None:
        return [], []
    quality: Counter = Counter()
    colour: Counter = Counter()
    every: Counter = Counter()
    reasons: Counter = Counter()
    for record in returns.records:
        day = _day(record.get("date"))
        if day is None or not first <= day <= last:
            continue
        product = str(record.get("product") or record.get("sku") or "—").strip()
        reason = str(record.get("reason") or "").strip()
        every[product] += 1
        reasons[(str(record.get("kind") or "—"), reason or "—")] += 1
        if record.get("kind") in ("退货", "换货") and any(w in reason for w in settings.quality_words):
            quality[product] += 1
        if any(w in reason for w in settings.colour_words):
            colour[product] += 1
    flagged = sorted(set(quality) | set(colour), key=lambda p: (-(quality[p] + colour[p]), p))
    return ([(p, quality[p], colour[p], every[p]) for p in flagged],
            [(kind, reason, n) for (kind, reason), n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))])


def _unshipped(orders: Table | None, config: ShopConfig, last: dt.date) -> list[dict]:
    """Paid by the end of the month and not shipped by then (M-MONTHEND)."""
    if orders is None:
        return []
    cutoff = end_of(last)
    agents = defaultdict(list)
    for attribution in attribute_orders(orders, config):
        agents[attribution.row].append(attribution.agent)
    out = []
    for record in orders.records:
        paid = record.get("paid_at")
        if not isinstance(paid, dt.datetime) or paid > cutoff or record.get("status") in (UNPAID, CLOSED):
            continue
        shipped = record.get("shipped_at")
        waiting = shipped is None and record.get("status") in (PAID_WAITING, None)
        if waiting or (isinstance(shipped, dt.datetime) and shipped > cutoff):
            out.append({"order_id": record.get("order_id"), "paid_at": paid, "amount": order_amount(record),
                        "agent": "、".join(a for a in agents[record.row] if a) or None,
                        "items": record.get("items"), "days": (last - paid.date()).days, "row": record.row})
    return sorted(out, key=lambda o: o["paid_at"])


def _open_reviews(reviews: Table | None, last: dt.date) -> list[dict]:
    if reviews is None:
        return []
    out = []
    for record in reviews.records:
        day = _day(record.get("date"))
        if record.get("rating") in ("差评", "中评") and record.get("status") != "已解决" and day is not None and day <= last:
            out.append({"date": day, "order_id": record.get("order_id"), "agent": record.get("agent"),
                        "rating": record.get("rating"), "status": record.get("status") or "未处理",
                        "text": mask_text(record.get("text")), "row": record.row})
    return sorted(out, key=lambda r: r["date"])
