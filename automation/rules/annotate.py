"""Findings as marks on the user's workbook (a WorkbookEdit) and as masked records for JSON/logs."""

from __future__ import annotations

from collections.abc import Iterable

from .. import coverage
from ..coverage import NotChecked, reason_label
from ..i18n import pick
from ..privacy import ADDRESS_FIELDS, mask_text, mask_value
from ..sheets.edit import SEVERITY_FILLS, CellMark, NewSheet, WorkbookEdit
from .catalog import Finding
from .engine import SEVERITY_ORDER


def findings_sheet_name() -> str:
    return pick("校验结果", "Findings")


def severity_label(severity: str) -> str:
    return {"error": pick("错误", "error"), "warning": pick("警告", "warning"), "info": pick("提示", "info")}[severity]


def note_text(f: Finding) -> str:
    clause = f" [{f.clause}]" if f.clause else ""
    return f"{f.code}{clause} {f.message}\n{pick('修改：', 'Fix: ')}{f.fix}"


NOT_CHECKED_FILL = "EDEDED"  # light grey: not a problem found, a check that did not happen


def findings_edit(findings: list[Finding], not_checked: Iterable[NotChecked] = ()) -> WorkbookEdit:
    """Marks on the problem cells (worst severity's fill first) and the findings sheet with links. The
    sheet opens with the rules that were not checked (why, and what is missing), then the findings."""
    ordered = sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])
    marks = [CellMark(f.sheet, f.row, f.column_index, SEVERITY_FILLS[f.severity], note_text(f)) for f in ordered]
    header = [pick(*h) for h in (("严重程度", "Severity"), ("代码", "Code"), ("条款", "Clause"), ("工作表", "Sheet"),
                                  ("单元格", "Cell"), ("列", "Column"), ("值", "Value"), ("问题", "Problem"),
                                  ("修改建议", "How to fix"), ("编号", "Key"))]
    rows = [_not_checked_row(n) for n in coverage.unique(not_checked)]
    fills = {i: NOT_CHECKED_FILL for i in range(len(rows))}
    links = {}
    for f in findings:
        i = len(rows)
        rows.append([severity_label(f.severity), f.code, f.clause or "", f.sheet, f.cell, f.column,
                     _cell_value(f.value), f.message, f.fix, f.key or ""])
        links[(i, 4)] = (f.sheet, f.cell)
        fills[i] = SEVERITY_FILLS[f.severity]
    if not findings:
        rows.append(["", "", "", "", "", "", "", pick("未发现问题", "No problems found") +
                     (pick("（上列规则未检查）", " (the rules listed above were not checked)") if rows else ""), "", ""])
    return WorkbookEdit(marks=marks, new_sheets=[NewSheet(findings_sheet_name(), header, rows, links, fills=fills)])


def _not_checked_row(n: NotChecked) -> list[object]:
    """未检查 | code | clause | sheet | | | | why and what is missing | what would fix it | """
    problem = reason_label(n.reason) + (pick("：", ": ") + "、".join(n.missing) if n.missing else "")
    return [pick("未检查", "not checked"), n.code, n.clause or "", n.where, "", "", "", problem, n.hint, ""]


def _cell_value(value: object) -> object:
    return value if value is None or isinstance(value, (str, int, float)) else str(value)


def masked(f: Finding) -> dict:
    """A finding for JSON and the terminal (M-CONFIDENTIAL): phones masked, addresses cut to province +
    city, in the value and in every text around it (message, fix, key)."""
    out = f.as_dict()
    raw = shown = out["value"]
    if raw is not None:
        # a postcode cut from an address is not an address: only mask what is the address itself
        field_name = f.field if not (f.field in ADDRESS_FIELDS and str(raw).isdigit()) else ""
        shown = mask_value(field_name or "", raw)
        if str(shown) != str(raw):
            for key in ("message", "fix"):
                out[key] = out[key].replace(str(raw), str(shown))
    return {k: shown if k == "value" else mask_text(v) if isinstance(v, str) else v for k, v in out.items()}
