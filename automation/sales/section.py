"""The sales and service report as a section of the monthly e-mail (and a stand-alone HTML page)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..outnames import output_name
from ..i18n import lang, pick
from ..monthly import Section, templates
from ..shop import Shop
from .charts import bar_chart, line_chart
from .settings import sales_settings
from .stats import SalesReport, money, sales_report
from .workbook import agent_label, notes, write_sales_workbook

KINDS = ("orders", "service", "reviews", "returns")
SHOWN = 10  # rows of each list in the e-mail; the workbook has them all


def shop_sales_report(shop: Shop, month: str) -> SalesReport:
    """The month's sales report, computed once per process for the same inputs (automation.runcache):
    the report job and the monthly e-mail of one run share it."""
    from ..runcache import for_month

    return for_month("sales", shop, month,
                     lambda: sales_report(month, {k: shop.table(k) for k in KINDS}, shop.config, sales_settings(shop.config)))


def workbook_path(shop: Shop, month: str) -> Path:
    return shop.month_dir(month) / output_name("sales", ".xlsx", month=month)


def month_workbook(shop: Shop, report: SalesReport, reuse: bool = True) -> Path:
    """The month's workbook, written unless this run already wrote it from the same report (unchanged since);
    `reuse=False` (the report job) always writes it."""
    from ..runcache import written

    path = workbook_path(shop, report.month)
    return written("sales.workbook", report, (path, lang()), lambda: write_sales_workbook(report, path), lambda p: [p], reuse)


def _amount(value: Decimal | None) -> str:
    return "—" if value is None else f"{money(value):,.2f}"


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def chart_pngs(report: SalesReport) -> dict[str, tuple[bytes, str]]:
    named = [m for m in report.agents if m.agent is not None]
    if not named:
        return {}
    labels = [m.agent for m in named]
    daily = report.daily_sales()
    yuan = pick("元", "yuan")
    title_sales, title_conv, title_daily = pick("每位客服销售额", "Sales per agent"), pick("每位客服转化率", "Conversion per agent"), pick("每日销售额", "Daily sales")
    return {
        "sales_per_agent": (bar_chart(title_sales, labels, [m.figures.sales for m in named], axis=yuan), title_sales),
        "sales_conversion": (bar_chart(title_conv, labels, [(m.figures.conversion or 0) * 100 for m in named], "%", colour=1,
                                       axis=pick("转化率（%）", "Conversion (%)")), title_conv),
        "sales_daily": (line_chart(title_daily, [d.strftime("%m-%d") for d, _ in daily], {pick("合计", "Total"): [v for _, v in daily]},
                                   axis=yuan), title_daily),
    }


def context(report: SalesReport, charts: dict[str, tuple[bytes, str]]) -> dict:
    total = sum((m.figures.sales for m in report.agents), Decimal(0))
    refunds = sum((m.figures.refunds for m in report.agents), Decimal(0))
    orders = sum((m.figures.orders for m in report.agents), Decimal(0))
    unattributed = next((m.figures for m in report.agents if m.agent is None), None)
    return {
        "lang": lang(), "total_sales": _amount(total), "total_refunds": _amount(refunds + report.shared_refunds),
        "total_orders": f"{orders:.0f}",  # every order's shares add up to 1, so the total is whole
        "unattributed": (pick(f"{unattributed.whole_orders} 单 / {_amount(unattributed.sales)} 元", f"{unattributed.whole_orders} orders / {_amount(unattributed.sales)}")
                         if unattributed and unattributed.whole_orders else ""),
        "notes": notes(report),
        "agents": [{"rank": m.rank or "—", "name": agent_label(m.agent), "conversion": _percent(m.figures.conversion),
                    "sales": _amount(m.figures.sales), "average": _amount(m.figures.average_order),
                    "orders": m.figures.whole_orders, "shared": f"{m.figures.shared:.2f}" if m.figures.shared else "",
                    "refunds": _amount(m.figures.refunds),
                    "commission": _amount(m.commission) if m.agent else "—", "praise": m.praise, "criticism": m.criticism}
                   for m in report.agents],
        "charts": [(cid, alt) for cid, (_, alt) in charts.items()],
        "products": [{"name": n, "quantity": q, "sales": _amount(s)} for n, q, s in report.products[:SHOWN]],
        "returns": [{"name": n, "quality": q, "colour": c} for n, q, c, _ in report.returns[:SHOWN]],
        "reasons": "；".join(f"{k}·{r} {n}" for k, r, n in report.reasons[:SHOWN]),
        "unshipped_count": len(report.unshipped),
        "unshipped": [{"order_id": o["order_id"], "paid_at": o["paid_at"].strftime("%Y-%m-%d %H:%M"), "agent": agent_label(o["agent"]),
                       "amount": _amount(o["amount"])} for o in report.unshipped[:SHOWN]],
        "open_count": len(report.open_reviews),
        "open_reviews": [{"date": r["date"], "agent": r["agent"], "rating": r["rating"], "status": r["status"]} for r in report.open_reviews[:SHOWN]],
    }


def build_section(report: SalesReport, workbook: Path | None) -> Section:
    charts = chart_pngs(report)
    env = templates()
    data = context(report, charts)
    return Section(section_title(report.month),
                   env.get_template("sales_section.html.j2").render(**data),
                   env.get_template("sales_section.txt.j2").render(**data),
                   [workbook] if workbook else [], {cid: png for cid, (png, _) in charts.items()},
                   report.not_checked, report.not_checked_lines())


def section_title(month: str) -> str:
    return pick(f"销售与服务 {month}", f"Sales and service {month}")


def monthly_section(shop: Shop, month: str) -> Section:
    from ..monthly import no_data_section
    from ..months import month_check

    check = month_check(shop, month)
    if not check.has_data:
        return no_data_section(section_title(month), check)
    report = shop_sales_report(shop, month)
    return build_section(report, month_workbook(shop, report))
