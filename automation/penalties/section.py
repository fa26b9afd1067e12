"""The penalty report as a section of the monthly e-mail (and as a stand-alone HTML page)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ..outnames import output_name
from ..i18n import lang, pick
from ..monthly import Section, templates
from ..sales.charts import bar_chart
from .compute import PenaltyReport, penalty_report
from .model import SOURCE_ZH
from .workbook import rule_names, write_penalty_workbook

CHART_CID = "penalties_points"


def workbook_path(shop, month: str) -> Path:
    return shop.month_dir(month) / output_name("penalties", ".xlsx", month=month)


def month_report(shop, month: str, as_of: dt.datetime | None = None) -> PenaltyReport:
    """The month's penalty report, deadlines judged at `as_of` (default: the end of the latest day
    in the sheets). Computed once per process for the same inputs (automation.runcache): the report
    job and the monthly e-mail of one run share it."""
    from ..runcache import for_month
    from .compute import data_now
    from .period import parse_month
    from .settings import penalty_settings

    parse_month(month)
    as_of = as_of or data_now(shop)
    rulebook = shop.root / penalty_settings(shop.config).rulebook
    return for_month("penalties", shop, month, lambda: penalty_report(shop, month, as_of), as_of, more=[rulebook])


def month_workbook(shop, report: PenaltyReport, reuse: bool = True) -> Path:
    """The report's workbook, written unless this run already wrote it from the same report (unchanged since);
    `reuse=False` (the report job) always writes it."""
    from ..runcache import written

    path = workbook_path(shop, report.month)
    return written("penalties.workbook", report, (path, lang()), lambda: write_penalty_workbook(report, path), lambda p: [p], reuse)


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + _num(value)


def context(report: PenaltyReport, chart: str | None) -> dict:
    people = []
    for p in report.people:
        mine = [i for i in report.incidents if i.person == p.name]
        people.append({
            "name": p.name, "total": _num(p.total),
            "change": _signed(p.change) if report.previous_known else pick("无上月数据", "no data"),
            "change_up": report.previous_known and p.change > 0,
            "count": sum(p.counts.values()), "repeats": rule_names(report, p.repeats), "flagged": p.flagged,
            "failed_months": p.failed_months, "supervisor": p.supervisor, "linked": _num(p.linked_points) if p.linked_points else "",
            "incidents": [{"day": i.day.isoformat(), "rule": report.rules[i.rule].description, "code": i.rule,
                           "points": _num(i.points),
                           "escalated": f"×{_num(report.rules[i.rule].escalate_factor)}" if i.escalated else "", "source": pick(SOURCE_ZH[i.source], i.source),
                           "evidence": "；".join(e.cite() for e in i.evidence),
                           "evidence_line": "; ".join(e.cite() for e in i.evidence)} for i in mine]})
    return {"lang": lang(), "total": _num(report.total), "count": len(report.incidents), "people": people,
            "unattributed": len(report.unattributed), "flagged": [x for x in people if x["flagged"]],
            "findings": len(report.findings), "chart": chart}


def chart_png(report: PenaltyReport) -> bytes | None:
    if not report.people:
        return None
    return bar_chart(pick(f"每人扣分 {report.month}", f"Points per person {report.month}"),
                     [p.name for p in report.people], [p.total for p in report.people], pick(" 分", ""), colour=3)


def build_section(report: PenaltyReport, workbook: Path | None) -> Section:
    png = chart_png(report)
    env = templates()
    data = context(report, CHART_CID if png else None)
    return Section(section_title(report.month),
                   env.get_template("penalties_section.html.j2").render(**data),
                   env.get_template("penalties_section.txt.j2").render(**data),
                   [workbook] if workbook else [], {CHART_CID: png} if png else {},
                   report.not_checked, report.not_checked_lines())


def section_title(month: str) -> str:
    return pick(f"扣分统计 {month}", f"Penalty points {month}")


def monthly_section(shop, month: str) -> Section:
    from ..monthly import no_data_section
    from ..months import month_check

    check = month_check(shop, month)
    if not check.has_data:
        return no_data_section(section_title(month), check)
    report = month_report(shop, month)  # deadlines judged as of the latest day in the sheets
    return build_section(report, month_workbook(shop, report))
