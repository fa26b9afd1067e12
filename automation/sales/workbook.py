"""The sales and service workbook (XlsxWriter) with native charts: sales and conversion per agent,
daily sales line; products, returns, reasons, paid-but-not-shipped orders, open bad reviews."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..i18n import pick
from .stats import SalesReport
from .xlsx import ReportBook


def agent_label(agent: str | None) -> str:
    return agent if agent else pick("（未归属）", "(unattributed)")


def _day_columns() -> list[tuple[str, str, int]]:
    return [(pick("日期", "Date"), "date", 11), (pick("客服", "Agent"), "text", 12), (pick("咨询人数", "Enquiries"), "int", 9),
            (pick("成交人数", "Buyers"), "int", 9), (pick("转化率", "Conversion"), "percent", 9),
            (pick("订单数", "Orders"), "points", 8), (pick("销售额", "Sales"), "money", 12),
            (pick("客单价", "Avg order"), "money", 10), (pick("退款", "Refunds"), "money", 10)]


def _day_rows(report: SalesReport, day: dt.date | None) -> list[list]:
    return [[d, agent_label(a), f.enquiries, f.buyers, f.conversion, f.orders, f.sales, f.average_order, f.refunds]
            for d, a, f in report.day_rows(day)]


def write_sales_workbook(report: SalesReport, path: Path, day: dt.date | None = None) -> Path:
    with ReportBook(path) as book:
        if day is not None:
            sheet = book.sheet(pick("日报", "Daily report"))
            book.table(sheet, 0, _day_columns(), _day_rows(report, day), pick(f"销售日报 {day}", f"Daily sales {day}"))
            return path
        _monthly(book, report)
        _daily(book, report)
        _products(book, report)
        _unshipped(book, report)
        _reviews(book, report)
    return path


def _monthly(book: ReportBook, report: SalesReport) -> None:
    name = pick("月度汇总", "Monthly")
    sheet = book.sheet(name)
    columns = [(pick("排名", "Rank"), "int", 6), (pick("客服", "Agent"), "text", 12), (pick("咨询人数", "Enquiries"), "int", 9),
               (pick("成交人数", "Buyers"), "int", 9), (pick("转化率", "Conversion"), "percent", 9),
               (pick("订单数", "Orders"), "points", 8), (pick("销售额", "Sales"), "money", 12), (pick("客单价", "Avg order"), "money", 10),
               (pick("退款", "Refunds"), "money", 10), (pick("净销售额", "Net sales"), "money", 12),
               (pick("底薪", "Base"), "money", 10), (pick("提成比例", "Rate"), "percent", 9), (pick("底薪+提成", "Base + commission"), "money", 12),
               (pick("表扬", "Praise"), "int", 6), (pick("批评", "Criticism"), "int", 6), (pick("好评", "Good"), "int", 6),
               (pick("差评", "Bad"), "int", 6)]
    rows = []
    for m in report.agents:
        f = m.figures
        named = m.agent is not None
        rows.append([m.rank, agent_label(m.agent), f.enquiries, f.buyers, f.conversion, f.orders, f.sales, f.average_order,
                     f.refunds, f.net, m.base if named else None, m.rate if named else None, m.commission if named else None,
                     m.praise, m.criticism, m.good, m.bad])
    basis = pick("提成按净销售额（销售额−退款）", "commission on net sales (sales − refunds)") if report.settings.commission_on == "net" \
        else pick("提成按销售额", "commission on sales")
    first, end = book.table(sheet, 0, columns, rows, pick(f"客服业绩 {report.month}（{basis}，M-PAY）", f"Agent performance {report.month} ({basis}, M-PAY)"))
    last_named = first + sum(1 for m in report.agents if m.agent is not None) - 1
    if report.missing:
        sheet.write(end + 1, 0, pick("缺少表格：", "Sheets missing: ") + "、".join(report.missing), book.fmt["muted"])
    book.chart(sheet, f"A{end + 4}", "column", pick("每位客服销售额", "Sales per agent"),
               [(pick("销售额", "Sales"), name, 1, 6, first, last_named)], pick("元", "CNY"))
    book.chart(sheet, f"J{end + 4}", "column", pick("每位客服转化率", "Conversion per agent"),
               [(pick("转化率", "Conversion"), name, 1, 4, first, last_named)], percent=True)
    sheet.freeze_panes(2, 2)


def _daily(book: ReportBook, report: SalesReport) -> None:
    name = pick("每日", "Daily")
    sheet = book.sheet(name)
    _, end = book.table(sheet, 0, _day_columns(), _day_rows(report, None), pick(f"每日客服数据 {report.month}（M-DAILYSALES）", f"Daily per agent {report.month} (M-DAILYSALES)"))
    agents = [m.agent for m in report.agents]
    by_day = {(d, a): f.sales for (d, a), f in report.daily.items()}
    days = [d for d, _ in report.daily_sales()]
    col = 10
    columns = [(pick("日期", "Date"), "date", 11)] + [(agent_label(a), "money", 11) for a in agents] + [(pick("合计", "Total"), "money", 11)]
    rows = [[d, *(by_day.get((d, a), 0) for a in agents), total] for d, total in report.daily_sales()]
    first, _ = book.table(sheet, 0, columns, rows, pick("每日销售额", "Sales per day"), col=col)
    last = first + len(days) - 1
    series = [(agent_label(a), name, col, col + 1 + i, first, last) for i, a in enumerate(agents)]
    series.append((pick("合计", "Total"), name, col, col + 1 + len(agents), first, last))
    book.chart(sheet, f"A{max(end, 2) + 3}", "line", pick("每日销售额", "Daily sales"), series, pick("元", "CNY"))
    sheet.freeze_panes(2, 0)


def _products(book: ReportBook, report: SalesReport) -> None:
    sheet = book.sheet(pick("商品与售后", "Products"))
    _, end = book.table(sheet, 0, [(pick("商品", "Product"), "text", 40), (pick("件数", "Quantity"), "int", 8), (pick("销售额", "Sales"), "money", 12)],
                        [list(p) for p in report.products], pick("畅销商品", "Best sellers"))
    _, end = book.table(sheet, end + 2, [(pick("商品", "Product"), "text", 40), (pick("质量问题退换", "Quality returns"), "int", 12),
                                         (pick("色差投诉", "Colour difference"), "int", 12), (pick("退换合计", "All returns"), "int", 12)],
                        [list(r) for r in report.returns], pick("质量问题与色差较多的商品（M-AS-REVIEW2W）", "Products with quality and colour complaints (M-AS-REVIEW2W)"))
    book.table(sheet, end + 2, [(pick("类型", "Kind"), "text", 10), (pick("原因", "Reason"), "text", 40), (pick("次数", "Count"), "int", 8)],
               [list(r) for r in report.reasons], pick("退款与换货原因", "Refund and exchange reasons"))


def _unshipped(book: ReportBook, report: SalesReport) -> None:
    sheet = book.sheet(pick("付款未发货", "Paid not shipped"))
    columns = [(pick("订单编号", "Order ID"), "text", 22), (pick("付款时间", "Paid at"), "datetime", 17), (pick("金额", "Amount"), "money", 10),
               (pick("客服", "Agent"), "text", 12), (pick("商品", "Items"), "text", 36), (pick("至月末天数", "Days to month end"), "int", 10),
               (pick("订单表行号", "Order row"), "int", 10)]
    rows = [[o["order_id"], o["paid_at"], o["amount"], agent_label(o["agent"]), o["items"], o["days"], o["row"]] for o in report.unshipped]
    book.table(sheet, 0, columns, rows, pick(f"月末付款未发货订单 {report.month}（M-MONTHEND）", f"Paid but not shipped at month end {report.month} (M-MONTHEND)"))


def _reviews(book: ReportBook, report: SalesReport) -> None:
    sheet = book.sheet(pick("未处理中差评", "Open bad reviews"))
    columns = [(pick("日期", "Date"), "date", 11), (pick("订单编号", "Order ID"), "text", 22), (pick("客服", "Agent"), "text", 10),
               (pick("评价", "Rating"), "text", 6), (pick("处理状态", "Status"), "text", 8), (pick("评价内容", "Text"), "text", 50),
               (pick("评价表行号", "Row"), "int", 8)]
    rows = [[r["date"], r["order_id"], r["agent"], r["rating"], r["status"], r["text"], r["row"]] for r in report.open_reviews]
    book.table(sheet, 0, columns, rows, pick("未处理的中差评", "Open bad and neutral reviews"))
