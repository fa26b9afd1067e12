"""The penalty report workbook (XlsxWriter): summary with a points-per-person chart, per rule,
every incident with its evidence, findings to fix, staff flagged to the lead."""

from __future__ import annotations

from pathlib import Path

from ..i18n import pick
from ..sales.xlsx import ReportBook
from .compute import PenaltyReport
from .model import SOURCE_ZH, Incident


def sheet_names() -> dict[str, str]:
    return {"summary": pick("汇总", "Summary"), "rules": pick("按规则", "By rule"), "incidents": pick("扣分明细", "Incidents"),
            "findings": pick("需核对", "To check"), "lead": pick("提醒负责人", "For the lead")}


def write_penalty_workbook(report: PenaltyReport, path: Path) -> Path:
    names = sheet_names()
    with ReportBook(path) as book:
        pointer = book.not_checked(report.not_checked_lines())
        _summary(book, report, names, pointer)
        _by_rule(book, report, names)
        _incidents(book, report, names)
        _findings(book, report, names)
        _lead(book, report, names)
    return path


def _summary(book: ReportBook, report: PenaltyReport, names: dict, pointer: str | None) -> None:
    sheet = book.sheet(names["summary"])
    columns = [(pick("姓名", "Name"), "text", 10), (pick("岗位", "Role"), "text", 10),
               (pick("本月扣分", "Points"), "points", 10), (pick("上月扣分", "Last month"), "points", 10),
               (pick("变化", "Change"), "points", 8), (pick("其中连带扣分", "Of which linked"), "points", 12),
               (pick("次数", "Incidents"), "int", 8), (pick("重复违规", "Repeated rules"), "text", 22),
               (pick("连续不及格月数", "Months failing"), "int", 12), (pick("提醒负责人", "Flag to lead"), "text", 12)]
    no_prev = pick("无上月数据", "no data for last month")
    rows = [[p.name, p.role, p.total, p.previous if report.previous_known else no_prev, p.change if report.previous_known else no_prev,
             p.linked_points, sum(p.counts.values()), rule_names(report, p.repeats), p.failed_months,
             pick("是", "yes") if p.flagged else ""] for p in report.people]
    title = pick(f"扣分汇总 {report.month}", f"Penalty points {report.month}")
    first, end = book.table(sheet, 0, columns, rows, title)
    row = end + 1
    sheet.write(row, 0, pick(f"未归属的扣分 {len(report.unattributed)} 条（见明细）；需核对 {len(report.findings)} 条。",
                             f"{len(report.unattributed)} incidents without a person (see Incidents); {len(report.findings)} findings to check."),
                book.fmt["muted"])
    if pointer:
        sheet.write(row + 1, 0, pointer, book.fmt["warn"])
    book.chart(sheet, f"A{row + 4}", "column", pick("每人扣分", "Points per person"),
               [(pick("本月扣分", "Points"), names["summary"], 0, 2, first, end - 1)], pick("分", "points"))
    sheet.freeze_panes(2, 1)


def _by_rule(book: ReportBook, report: PenaltyReport, names: dict) -> None:
    sheet = book.sheet(names["rules"])
    codes = [code for code in report.rules.rules if any(code in p.by_rule for p in report.people)]
    columns = [(pick("姓名", "Name"), "text", 10)] + [(report.rules[c].description, "points", 14) for c in codes] \
        + [(pick("合计", "Total"), "points", 10)]
    rows = [[p.name, *(p.by_rule.get(c) for c in codes), p.total] for p in report.people]
    book.table(sheet, 0, columns, rows, pick("每人按规则扣分", "Points per person and rule"))
    for i, code in enumerate(codes, start=1):  # the rule's code and clause as a note on its header, not in it
        sheet.write_comment(1, i, pick(f"依据：{code}（{report.rules[code].clause}）", f"Basis: {code} ({report.rules[code].clause})"))
    sheet.freeze_panes(2, 1)


def rule_names(report: PenaltyReport, codes: list[str]) -> str:
    return "、".join(report.rules[c].description for c in codes)


def evidence_text(incident: Incident) -> str:
    return "\n".join(e.cite() for e in incident.evidence)


def detail_text(incident: Incident) -> str:
    parts = list(dict.fromkeys(e.detail for e in incident.evidence if e.detail))
    if incident.linked_from:
        parts.insert(0, pick(f"{incident.linked_from} 的连带扣分", f"linked to {incident.linked_from}'s incident"))
    return "\n".join(parts)


def _incidents(book: ReportBook, report: PenaltyReport, names: dict) -> None:
    sheet = book.sheet(names["incidents"])
    columns = [(pick("日期", "Date"), "date", 11), (pick("姓名", "Name"), "text", 9), (pick("规则", "Rule"), "text", 30),
               (pick("扣分", "Points"), "points", 7), (pick("来源", "Source"), "text", 10), (pick("加倍", "Doubled"), "text", 6),
               (pick("证据位置", "Evidence"), "text", 36), (pick("说明", "Detail"), "text", 60), (pick("登记人", "Recorded by"), "text", 9),
               (pick("依据", "Basis"), "text", 8)]
    rows = []
    for i in report.incidents:
        rule = report.rules[i.rule]
        rows.append([i.day, i.person or pick("（未归属）", "(unattributed)"), rule.description, i.points,
                     pick(SOURCE_ZH[i.source], i.source), pick("是", "yes") if i.escalated else "", evidence_text(i),
                     detail_text(i), i.recorded_by, f"{i.rule}\n{rule.clause}"])
    book.table(sheet, 0, columns, rows, pick(f"扣分明细 {report.month}", f"Incidents {report.month}"))
    sheet.freeze_panes(2, 2)


def _findings(book: ReportBook, report: PenaltyReport, names: dict) -> None:
    sheet = book.sheet(names["findings"])
    columns = [(pick("位置", "Where"), "text", 40), (pick("问题", "Problem"), "text", 90)]
    rows = [[f.evidence.cite(), f.message] for f in report.findings]
    book.table(sheet, 0, columns, rows or [[pick("无", "none"), ""]], pick("扣分登记需核对", "Incidents sheet: to check"))


def _lead(book: ReportBook, report: PenaltyReport, names: dict) -> None:
    sheet = book.sheet(names["lead"])
    columns = [(pick("姓名", "Name"), "text", 10), (pick("直属上级", "Supervisor"), "text", 10),
               (pick("本月扣分", "Points"), "points", 10), (pick("连续不及格月数", "Months failing"), "int", 14),
               (pick("原因", "Reason"), "text", 50)]
    s = report.settings
    basis = pick(f"员工多次考核不及格（每月≥{s.fail_points}分，连续{s.fail_months}个月），直属上级负主要责任，扣3–5分",
                 f"Staff failing repeatedly (≥{s.fail_points} points a month, {s.fail_months} months running); the supervisor answers for it, 3–5 points")
    rows = [[p.name, p.supervisor, p.total, p.failed_months, basis] for p in report.flagged]
    book.table(sheet, 0, columns, rows or [[pick("无", "none")]], pick("提醒负责人", "Flagged to the lead"), basis="M-PEN-LEAD")
