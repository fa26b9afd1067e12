"""The sales and service workbook (XlsxWriter) with native charts: sales and conversion per agent,
daily sales line; products, returns, reasons, paid-but-not-shipped orders, open bad reviews."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..i18n import pick
from .stats import SalesReport
from .xlsx import ReportBook


DAILY_FIGURES = ("sales.orders", "sales.refunds", "sales.enquiries")  # what a day's sheet shows


def agent_label(agent: str | None) -> str:
    return agent if agent else pick("（未归属）", "(unattributed)")


def _day_columns() -> list[tuple[str, str, int]]:
    return [(pick("日期", "Date"), "date", 11), (pick("客服", "Agent"), "text", 12), (pick("咨询人数", "Enquiries"), "int", 9),
            (pick("成交人数", "Buyers"), "int", 9), (pick("转化率", "Conversion"), "percent", 9),
            (pick("整单数", "Own orders"), "int", 8), (pick("共享订单份额", "Shared-order share"), "points", 8),
            (pick("销售额", "Sales"), "money", 12), (pick("客单价", "Avg order"), "money", 10), (pick("退款", "Refunds"), "money", 10)]


def _day_rows(report: SalesReport, day: dt.date | None) -> list[list]:
    return [[d, agent_label(a), f.enquiries, f.buyers, f.conversion, f.whole_orders, f.shared, f.sales, f.average_order, f.refunds]
            for d, a, f in report.day_rows(day)]


def notes(report: SalesReport) -> list[str]:
    """What the numbers mean: whole orders vs shared shares, refunds, and why orders are unattributed."""
    lines = [pick("整单数：只归属一位客服的订单。共享订单份额：促销期间按当班客服平分、或客服列写了多人的订单，每人记其份额（如 3 人共享，每人 0.3333 单）；销售额按同样份额计。",
                  "Own orders: orders attributed to one agent alone. Shared-order share: orders shared evenly (a promotion's agents on duty, or several names in the 客服 column), each agent counting their share (three agents: 0.3333 each); sales are shared the same way."),
             pick(f"退款只计各客服自己的整单；共享订单的退款 {report.shared_refunds:,.2f} 元不计入任何个人。",
                  f"Refunds count each agent's own orders only; the refunds of shared orders ({report.shared_refunds:,.2f}) are nobody's own and count for no agent.")]
    unattributed = next((m.figures for m in report.agents if m.agent is None), None)
    if unattributed and unattributed.whole_orders:
        lines.append(pick(f"未归属 {unattributed.whole_orders} 单 / {unattributed.sales:,.2f} 元：这些订单的“客服”列为空、卖家备注里没有客服名字，且不在促销期（多为静默下单的公共订单）。"
                          "在订单表“客服”列或卖家备注中写上客服名字（如“陈晓燕：要大码”）即可归属，见 docs/flags.md。",
                          f"Unattributed {unattributed.whole_orders} orders / {unattributed.sales:,.2f}: no name in the 客服 column or the seller remark, and outside any promotion (mostly silent public orders). "
                          "Write the agent's name in the 客服 column or the remark (e.g. “陈晓燕：要大码”) to attribute them; see docs/flags.md."))
    return lines


def write_sales_workbook(report: SalesReport, path: Path, day: dt.date | None = None) -> Path:
    with ReportBook(path) as book:
        if day is not None:
            book.not_checked(report.not_checked_lines(DAILY_FIGURES))
            sheet = book.sheet(pick("日报", "Daily report"))
            book.table(sheet, 0, _day_columns(), _day_rows(report, day), pick(f"销售日报 {day}", f"Daily sales {day}"))
            return path
        pointer = book.not_checked(report.not_checked_lines())
        _monthly(book, report, pointer)
        _daily(book, report)
        _products(book, report)
        _unshipped(book, report)
        _reviews(book, report)
    return path


def _monthly(book: ReportBook, report: SalesReport, pointer: str | None) -> None:
    name = pick("月度汇总", "Monthly")
    sheet = book.sheet(name)
    columns = [(pick("排名", "Rank"), "int", 6), (pick("客服", "Agent"), "text", 12), (pick("咨询人数", "Enquiries"), "int", 9),
               (pick("成交人数", "Buyers"), "int", 9), (pick("转化率", "Conversion"), "percent", 9),
               (pick("整单数", "Own orders"), "int", 8), (pick("共享订单份额", "Shared-order share"), "points", 8),
               (pick("销售额", "Sales"), "money", 12), (pick("客单价", "Avg order"), "money", 10),
               (pick("退款", "Refunds"), "money", 10), (pick("净销售额", "Net sales"), "money", 12),
               (pick("底薪", "Base"), "money", 10), (pick("提成比例", "Rate"), "percent", 9), (pick("底薪+提成", "Base + commission"), "money", 12),
               (pick("表扬", "Praise"), "int", 6), (pick("批评", "Criticism"), "int", 6), (pick("好评", "Good"), "int", 6),
               (pick("差评", "Bad"), "int", 6), (pick("平均首次响应(秒)", "First reply (s)"), "points", 10)]
    rows = []
    for m in report.agents:
        f = m.figures
        named = m.agent is not None
        rows.append([m.rank, agent_label(m.agent), f.enquiries, f.buyers, f.conversion, f.whole_orders, f.shared, f.sales, f.average_order,
                     f.refunds, f.net, m.base if named else None, m.rate if named else None, m.commission if named else None,
                     m.praise, m.criticism, m.good, m.bad, f.first_reply])
    basis = pick("提成按净销售额（销售额−退款）", "commission on net sales (sales − refunds)") if report.settings.commission_on == "net" \
        else pick("提成按销售额", "commission on sales")
    first, end = book.table(sheet, 0, columns, rows, pick(f"客服业绩 {report.month}（{basis}）", f"Agent performance {report.month} ({basis})"), basis="M-PAY")
    last_named = first + sum(1 for m in report.agents if m.agent is not None) - 1
    lines = notes(report) + ([pointer] if pointer else [])
    for i, line in enumerate(lines):
        sheet.write_string(end + 1 + i, 0, line, book.fmt["muted"])
    end += len(lines)
    book.chart(sheet, f"A{end + 4}", "column", pick("每位客服销售额", "Sales per agent"),
               [(pick("销售额", "Sales"), name, 1, 7, first, last_named)], pick("元", "yuan"))
    book.chart(sheet, f"J{end + 4}", "column", pick("每位客服转化率", "Conversion per agent"),
               [(pick("转化率", "Conversion"), name, 1, 4, first, last_named)], percent=True)
    sheet.freeze_panes(2, 2)


def _daily(book: ReportBook, report: SalesReport) -> None:
    name = pick("每日", "Daily")
    sheet = book.sheet(name)
    _, end = book.table(sheet, 0, _day_columns(), _day_rows(report, None), pick(f"每日客服数据 {report.month}", f"Daily per agent {report.month}"), basis="M-DAILYSALES")
    agents = [m.agent for m in report.agents]
    by_day = {(d, a): f.sales for (d, a), f in report.daily.items()}
    days = [d for d, _ in report.daily_sales()]
    col = 11
    columns = [(pick("日期", "Date"), "date", 11)] + [(agent_label(a), "money", 11) for a in agents] + [(pick("合计", "Total"), "money", 11)]
    rows = [[d, *(by_day.get((d, a), 0) for a in agents), total] for d, total in report.daily_sales()]
    first, _ = book.table(sheet, 0, columns, rows, pick("每日销售额", "Sales per day"), col=col)
    last = first + len(days) - 1
    series = [(agent_label(a), name, col, col + 1 + i, first, last) for i, a in enumerate(agents)]
    series.append((pick("合计", "Total"), name, col, col + 1 + len(agents), first, last))
    book.chart(sheet, f"A{max(end, 2) + 3}", "line", pick("每日销售额", "Daily sales"), series, pick("元", "yuan"))
    sheet.freeze_panes(2, 0)


def _products(book: ReportBook, report: SalesReport) -> None:
    sheet = book.sheet(pick("商品与售后", "Products"))
    _, end = book.table(sheet, 0, [(pick("商品", "Product"), "text", 40), (pick("件数", "Quantity"), "int", 8), (pick("销售额", "Sales"), "money", 12)],
                        [list(p) for p in report.products], pick("畅销商品", "Best sellers"))
    _, end = book.table(sheet, end + 2, [(pick("商品", "Product"), "text", 40), (pick("质量问题退换", "Quality returns"), "int", 12),
                                         (pick("色差投诉", "Colour difference"), "int", 12), (pick("退换合计", "All returns"), "int", 12)],
                        [list(r) for r in report.returns], pick("质量问题与色差较多的商品", "Products with quality and colour complaints"), basis="M-AS-REVIEW2W")
    book.table(sheet, end + 2, [(pick("类型", "Kind"), "text", 10), (pick("原因", "Reason"), "text", 40), (pick("次数", "Count"), "int", 8)],
               [list(r) for r in report.reasons], pick("退款与换货原因", "Refund and exchange reasons"))


def _unshipped(book: ReportBook, report: SalesReport) -> None:
    sheet = book.sheet(pick("付款未发货", "Paid not shipped"))
    columns = [(pick("订单编号", "Order ID"), "text", 22), (pick("付款时间", "Paid at"), "datetime", 17), (pick("金额", "Amount"), "money", 10),
               (pick("客服", "Agent"), "text", 12), (pick("商品", "Items"), "text", 36), (pick("至月末天数", "Days to month end"), "int", 10),
               (pick("订单表行号", "Order row"), "int", 10)]
    rows = [[o["order_id"], o["paid_at"], o["amount"], agent_label(o["agent"]), o["items"], o["days"], o["row"]] for o in report.unshipped]
    book.table(sheet, 0, columns, rows, pick(f"月末付款未发货订单 {report.month}", f"Paid but not shipped at month end {report.month}"), basis="M-MONTHEND")


def _reviews(book: ReportBook, report: SalesReport) -> None:
    sheet = book.sheet(pick("未处理中差评", "Open bad reviews"))
    columns = [(pick("日期", "Date"), "date", 11), (pick("订单编号", "Order ID"), "text", 22), (pick("客服", "Agent"), "text", 10),
               (pick("评价", "Rating"), "text", 6), (pick("处理状态", "Status"), "text", 8), (pick("评价内容", "Text"), "text", 50),
               (pick("评价表行号", "Row"), "int", 8)]
    rows = [[r["date"], r["order_id"], r["agent"], r["rating"], r["status"], r["text"], r["row"]] for r in report.open_reviews]
    book.table(sheet, 0, columns, rows, pick("未处理的中差评", "Open bad and neutral reviews"))
