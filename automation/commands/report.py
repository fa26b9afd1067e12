"""`shopbook report penalties|sales`: the penalty-point and sales/service reports (issue 5).

Each writes a workbook (XlsxWriter, native charts) and an HTML page (the monthly e-mail's section,
charts inline) into the shop's reports folder.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import click

from ..outnames import output_name
from ..click_zh import help_text
from ..coverage import as_json as not_checked_json
from ..errors import UserError
from ..i18n import pick, register, t
from ..jsonout import dumps
from ..monthly import Section, inline_images, render_page
from ..months import chosen_month
from ..penalties.period import month_label, parse_month
from ..outcome import Outcome
from ..progress import READING, WRITING, quiet, step, steps
from ..shop import Shop
from ..cliparams import MONTH

register({
    "report.bad_day": ("日期“{value}”无法识别。请写成 2026-10-15。", "Day '{value}' is not recognised. Write it like 2026-10-15."),
    "report.day_month": ("--day {day} 不在 --month {month} 之内。", "--day {day} is not in --month {month}."),
    "report.wrote": ("已生成：{path}", "Wrote: {path}"),
})


def write_page(shop: Shop, month: str, section: Section, path: Path) -> Path:
    """A stand-alone HTML page of one section, images embedded (the e-mail uses cid: instead)."""
    html = inline_images(render_page("email_base.html.j2", section.title, shop.config.name, month, [section]), section.images)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def run_no_data(shop: Shop, month: str, title: str, workbook: Path, as_json: bool = False) -> list[Path] | None:
    """A month without data gets a workbook and page that say 无数据 (and what is missing), not zeros.
    Returns None when the month has data (an incomplete one gets a warning line); raises (exit 2)
    after writing those files, so a scheduled run's log shows the month is not there. With --json
    the lines go to stderr: stdout carries JSON or nothing."""
    from ..monthly import no_data_section
    from ..months import month_check
    from ..sales.xlsx import write_no_data_workbook

    check = month_check(shop, month)
    if check.has_data:
        if not check.complete:
            click.echo(check.banner(), err=True)
        return None
    page = write_page(shop, month, no_data_section(title, check), workbook.with_suffix(".html"))
    for written in (write_no_data_workbook(workbook, title, check), page):
        click.echo(t("report.wrote", path=written), err=as_json)
    raise check.refuse_report()


def _console_table(title: str, headers: list[str], rows: list[list[str]]) -> None:
    """A table on the console: headers, whole values (long ones wrap), never tab-separated loose lines."""
    from rich.console import Console

    from ..termtable import figures_table

    Console().print(figures_table(title, headers, rows))


def _say_written_and_not_checked(paths: list[Path], lines: list[str]) -> None:
    """The files written, then the closing 未检查 lines (automation.coverage.lines): the console ends
    with what the report could not compute, as validate and stubs do."""
    for path in paths:
        click.echo(t("report.wrote", path=path))
    for line in lines:
        click.echo(line)


def penalty_figures(report) -> list[str]:
    """The penalty report in a few short lines: points per person (highest first), who is flagged."""
    ranked = sorted((p for p in report.people if p.total), key=lambda p: -p.total)
    points = "，".join(pick(f"{p.name}{p.total.normalize():f}分", f"{p.name} {p.total.normalize():f}") for p in ranked) or pick("无", "none")
    lines = [pick(f"扣分：{points}", f"points: {points}")]
    flagged = [p.name for p in report.people if p.flagged]
    if flagged:
        lines.append(pick(f"提醒负责人：{'、'.join(flagged)}", f"flagged to the lead: {', '.join(flagged)}"))
    if report.unattributed:
        lines.append(pick(f"无法归属到人 {len(report.unattributed)} 条", f"without a person: {len(report.unattributed)}"))
    return lines


def run_penalties(shop: Shop, month: str, as_of: dt.datetime | None = None, echo: bool = True,
                  as_json: bool = False) -> Outcome:
    from ..penalties.section import build_section, month_report, month_workbook, section_title, workbook_path

    job = pick("扣分报表", "Penalty report")
    empty = run_no_data(shop, month, section_title(month), workbook_path(shop, month), as_json)
    if empty is not None:
        return Outcome(job, [], empty)
    step(pick("计算扣分", "computing points"))
    report = month_report(shop, month, as_of)
    step(WRITING)
    workbook = month_workbook(shop, report, reuse=False)  # the job writes; the e-mail after it reuses
    page = write_page(shop, month, build_section(report, workbook), workbook.with_suffix(".html"))
    outcome = Outcome(job, penalty_figures(report), [workbook, page])
    if as_json:
        click.echo(dumps({"month": month, "written": [str(workbook), str(page)], "total": report.total,
                          "people": [{"name": p.name, "points": p.total, "change": p.change if report.previous_known else None,
                                      "flagged": p.flagged} for p in report.people],
                          "unattributed": len(report.unattributed), "findings": len(report.findings),
                          "not_checked": not_checked_json(report.not_checked)}))
        return outcome
    if not echo:
        return outcome
    quiet()
    rows = []
    for person in report.people:
        change = (f"{person.change.normalize():+f}" if person.change else "0") if report.previous_known else pick("无上月数据", "no data")
        rows.append([person.name, f"{person.total.normalize():f}", change, pick("⚑ 提醒负责人", "⚑ flagged") if person.flagged else ""])
    _console_table(pick(f"扣分 {month}", f"Penalty points {month}"),
                   [pick("姓名", "Name"), pick("扣分", "Points"), pick("较上月", "Change"), pick("提醒", "Flag")], rows)
    if report.unattributed:
        click.echo(pick(f"无法归属到人：{len(report.unattributed)} 条", f"Without a person: {len(report.unattributed)}"))
    if report.findings:
        click.echo(pick(f"扣分登记需核对：{len(report.findings)} 条（见“需核对”工作表）", f"Incidents sheet: {len(report.findings)} findings (see 'To check')"))
    _say_written_and_not_checked([workbook, page], report.not_checked_lines())
    return outcome


def sales_figures(report) -> list[str]:
    """The sales report in a few short lines: the month's sales, the best agent, what is still open."""
    from ..sales.workbook import agent_label

    total = sum((m.figures.sales for m in report.agents), Decimal(0))
    lines = [pick(f"销售额 {total:,.2f} 元", f"sales {total:,.2f}")]
    ranked = [m for m in report.agents if m.agent and m.rank == 1]
    if ranked:
        lines.append(pick(f"第一名 {agent_label(ranked[0].agent)}（{ranked[0].figures.sales:,.2f} 元）",
                          f"first: {agent_label(ranked[0].agent)} ({ranked[0].figures.sales:,.2f})"))
    lines.append(pick(f"月末付款未发货 {len(report.unshipped)} 单，未处理中差评 {len(report.open_reviews)} 条",
                      f"paid not shipped {len(report.unshipped)}, open bad reviews {len(report.open_reviews)}"))
    return lines


def run_sales(shop: Shop, month: str, day: dt.date | None = None, echo: bool = True, as_json: bool = False) -> Outcome:
    from ..sales.section import build_section, month_workbook, section_title, shop_sales_report, workbook_path
    from ..sales.workbook import DAILY_FIGURES, agent_label, write_sales_workbook

    job = pick("销售报表", "Sales report")
    if day is None:
        empty = run_no_data(shop, month, section_title(month), workbook_path(shop, month), as_json)
        if empty is not None:
            return Outcome(job, [], empty)
    step(pick("统计销售", "computing sales"))
    report = shop_sales_report(shop, month)
    step(WRITING)
    if day is not None:
        path = shop.month_dir(f"{day:%Y-%m}") / output_name("daily_sales", ".xlsx", day=day)
        rows = report.day_rows(day)
        written = write_sales_workbook(report, path, day)
        not_checked = [n for n in report.not_checked if n.code in DAILY_FIGURES]
        if as_json:
            click.echo(dumps({"day": day, "written": [str(written)], "not_checked": not_checked_json(not_checked),
                              "agents": [{"agent": agent, "enquiries": f.enquiries, "buyers": f.buyers, "conversion": f.conversion,
                                          "sales": f.sales, "refunds": f.refunds} for _, agent, f in rows]}))
            return Outcome(pick("销售日报", "Daily sales"), [], [written])
        quiet()
        _console_table(pick(f"销售日报 {day}", f"Daily sales {day}"),
                       [pick("客服", "Agent"), pick("咨询", "Enquiries"), pick("成交", "Buyers"), pick("转化率", "Conversion"),
                        pick("销售额", "Sales"), pick("退款", "Refunds")],
                       [[agent_label(agent), str(f.enquiries), str(f.buyers), "—" if f.conversion is None else f"{f.conversion * 100:.2f}%",
                         f"{f.sales:,.2f}", f"{f.refunds:,.2f}"] for _, agent, f in rows])
        _say_written_and_not_checked([written], report.not_checked_lines(DAILY_FIGURES))
        return Outcome(pick("销售日报", "Daily sales"), [], [written])
    workbook = month_workbook(shop, report, reuse=False)  # the job writes; the e-mail after it reuses
    page = write_page(shop, month, build_section(report, workbook), workbook.with_suffix(".html"))
    outcome = Outcome(job, sales_figures(report), [workbook, page])
    if as_json:
        click.echo(dumps({"month": month, "written": [str(workbook), str(page)],
                          "agents": [{"agent": m.agent, "rank": m.rank, "whole_orders": m.figures.whole_orders, "shared": m.figures.shared,
                                      "sales": m.figures.sales, "refunds": m.figures.refunds, "conversion": m.figures.conversion,
                                      "first_reply_seconds": m.figures.first_reply, "pay": m.commission if m.agent else None}
                                     for m in report.agents],
                          "unshipped": len(report.unshipped), "open_reviews": len(report.open_reviews),
                          "not_checked": not_checked_json(report.not_checked)}))
        return outcome
    if not echo:
        return outcome
    quiet()
    _console_table(pick(f"客服业绩 {month}", f"Agents {month}"),
                   [pick("排名", "Rank"), pick("客服", "Agent"), pick("整单", "Own orders"), pick("销售额", "Sales"), pick("底薪+提成", "Pay")],
                   [[str(m.rank or "—"), agent_label(m.agent), str(m.figures.whole_orders), f"{m.figures.sales:,.2f}",
                     f"{m.commission:,.2f}" if m.agent else "—"] for m in report.agents])
    click.echo(pick(f"月末付款未发货：{len(report.unshipped)} 单；未处理中差评：{len(report.open_reviews)} 条",
                    f"Paid not shipped at month end: {len(report.unshipped)}; open bad reviews: {len(report.open_reviews)}"))
    _say_written_and_not_checked([workbook, page], report.not_checked_lines())
    return outcome


def _parse_day(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UserError("report.bad_day", value=value) from None


def _parse_moment(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise UserError("report.bad_day", value=value) from None


@click.group("report")
def command() -> None:
    """Reports: penalty points and sales/service.

    报表：扣分与销售/服务统计。
    """


@command.command("penalties")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--month", type=MONTH, help=help_text("报告的月份，如 2026-10（默认：上个月）。", "Month to report, e.g. 2026-10 (default: last month)."))
@click.option("--as-of", "as_of", metavar="YYYY-MM-DDTHH:MM", help=help_text("按此时刻判断是否超时，如 2026-11-01T09:00（默认：表格中最近一天的结束）。", "Judge deadlines as of this moment, e.g. 2026-11-01T09:00 (default: the end of the latest day in the sheets)."))
@click.option("--json", "as_json", is_flag=True, help=help_text("以 JSON 输出结果。", "Print the result as JSON."))
def penalties_cmd(path: Path, month: str | None, as_of: str | None, as_json: bool) -> None:
    """Penalty points per person from the rulebook, the incidents sheet and the other sheets.

    每人扣分报表：依据扣分细则、扣分登记表和其他表格。
    """
    month = chosen_month(month)
    parse_month(month)
    with steps(pick("扣分报表", "Penalty report"), total=3, enabled=not as_json):
        step(READING)
        shop = Shop.open(path)
        if not as_json:
            shop.say_skipped()
        run_penalties(shop, month, _parse_moment(as_of), as_json=as_json)


@command.command("sales")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--month", type=MONTH, help=help_text("报告的月份，如 2026-10（默认：上个月，或 --day 所在月）。", "Month to report, e.g. 2026-10 (default: last month, or the month of --day)."))
@click.option("--day", metavar="YYYY-MM-DD", help=help_text("只出这一天的分客服数据（每日销售统计），如 2026-10-15。",
                                                          "Only this day's per-agent figures (daily sales), e.g. 2026-10-15."))
@click.option("--json", "as_json", is_flag=True, help=help_text("以 JSON 输出结果。", "Print the result as JSON."))
def sales_cmd(path: Path, month: str | None, day: str | None, as_json: bool) -> None:
    """Sales and service per agent, commission, products, unshipped orders, open bad reviews.

    销售与服务报表：分客服业绩、提成、商品、未发货订单、未处理差评。
    """
    the_day = _parse_day(day)
    month = month_label(the_day) if the_day and not month else chosen_month(month)
    first, last = parse_month(month)
    if the_day is not None and not first <= the_day <= last:
        raise UserError("report.day_month", day=the_day, month=month)
    with steps(pick("销售报表", "Sales report"), total=3, enabled=not as_json):
        step(READING)
        shop = Shop.open(path)
        if not as_json:
            shop.say_skipped()
        run_sales(shop, month, the_day, as_json=as_json)


def demo_step(shop_dir: Path, console) -> list[Outcome]:
    """`shopbook demo`: both reports for the demo month 2026-10. Deadlines are judged as the monthly
    e-mail judges them, at the end of the latest day in the sheets (10-31, the demo's "now"), so the
    e-mail's step reuses these reports (automation.runcache) instead of computing them again."""
    from ..demo.model import MONTH

    shop = Shop.open(shop_dir)
    return [run_penalties(shop, MONTH, echo=False), run_sales(shop, MONTH, echo=False)]


