"""Findings as marks on the user's workbook (a WorkbookEdit) and as masked records for JSON/logs."""

from __future__ import annotations

from collections.abc import Iterable

from .. import coverage
from ..coverage import NotChecked, reason_label
from ..i18n import pick
from ..privacy import ADDRESS_FIELDS, mask_text, mask_value
from ..sheets.edit import SEVERITY_FILLS, CellMark, NewSheet, WorkbookEdit
from .catalog import REGISTRY, Finding
from .engine import SEVERITY_ORDER


def findings_sheet_name() -> str:
    return pick("校验结果", "Findings")


def severity_label(severity: str) -> str:
    return {"error": pick("错误", "error"), "warning": pick("警告", "warning"), "info": pick("提示", "info")}[severity]


def rule_title(code: str) -> str:
    """The rule's name staff read (售后超期); a code the catalog does not know stays as it is."""
    found = REGISTRY.get(code)
    return found.title if found else code


def basis(code: str, clause: str | None) -> str:
    """The ids behind a row, for the narrow 依据 column and the end of a note: `ORD005\nM-ORD-ADDR`."""
    return f"{code}\n{clause}" if clause else code


def note_text(f: Finding) -> str:
    """The note on a problem cell: what is wrong, how to fix it, and last the ids it rests on."""
    ids = basis(f.code, f.clause).replace("\n", " ")
    return f"{f.message}\n{pick('修改：', 'Fix: ')}{f.fix}\n{pick('依据：', 'Basis: ')}{rule_title(f.code)}（{ids}）"


CELL_COLUMN = 3  # 单元格: links back to the problem cell
NOT_CHECKED_FILL = "EDEDED"  # light grey: not a problem found, a check that did not happen


def findings_edit(findings: list[Finding], not_checked: Iterable[NotChecked] = ()) -> WorkbookEdit:
    """Marks on the problem cells (worst severity's fill first) and the findings sheet with links. The
    sheet opens with the rules that were not checked (why, and what is missing), then the findings."""
    ordered = sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])
    marks = [CellMark(f.sheet, f.row, f.column_index, SEVERITY_FILLS[f.severity], note_text(f)) for f in ordered]
    header = [pick(*h) for h in (("严重程度", "Severity"), ("规则", "Rule"), ("工作表", "Sheet"), ("单元格", "Cell"),
                                  ("列", "Column"), ("值", "Value"), ("问题", "Problem"), ("修改建议", "How to fix"),
                                  ("编号", "Key"), ("依据", "Basis"))]  # ids last, in a narrow column
    rows = [_not_checked_row(n) for n in coverage.unique(not_checked)]
    fills = {i: NOT_CHECKED_FILL for i in range(len(rows))}
    links = {}
    for f in findings:
        i = len(rows)
        rows.append([severity_label(f.severity), rule_title(f.code), f.sheet, f.cell, f.column, _cell_value(f.value),
                     f.message, f.fix, f.key or "", basis(f.code, f.clause)])
        links[(i, CELL_COLUMN)] = (f.sheet, f.cell)
        fills[i] = SEVERITY_FILLS[f.severity]
    if not findings:
        rows.append(["", "", "", "", "", "", pick("未发现问题", "No problems found") +
                     (pick("（上列规则未检查）", " (the rules listed above were not checked)") if rows else ""), "", "", ""])
    return WorkbookEdit(marks=marks, new_sheets=[NewSheet(findings_sheet_name(), header, rows, links, fills=fills)])


def _not_checked_row(n: NotChecked) -> list[object]:
    """未检查 | rule | file › sheet | | | | why and what is missing | what would fix it | | ids"""
    problem = reason_label(n.reason) + (pick("：", ": ") + "、".join(n.missing) if n.missing else "")
    return [pick("未检查", "not checked"), rule_title(n.code), n.where, "", "", "", problem, n.hint, "", basis(n.code, n.clause)]


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
