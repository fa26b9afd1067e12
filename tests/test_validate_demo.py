"""On the demo shop: every planted validation problem is found, and no clean row gets an error."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console

from automation.commands.validate import demo_step, validate
from automation.demo import build_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    build_demo(folder)
    key = json.loads((folder / "answer_key.json").read_text(encoding="utf-8"))
    return folder, key, validate(folder)


def _matches(problem: dict, f) -> bool:
    if f.sheet != problem["sheet"] or f.clause != problem["clause"]:
        return False
    if problem["row"] is None:  # a missing entry (e.g. no handover for "2026-10-14 白班"): match what is missing
        day, *rest = problem["key"].split()
        return str(f.value) == day and all(word in f.message for word in rest)
    return f.row == problem["row"]


def test_every_planted_problem_is_found_and_clean_rows_have_no_errors(demo):
    _, key, result = demo
    planted = [p for p in key["problems"] if p["area"] == "validation"]
    assert planted, "the demo plants validation problems"
    missed = [p for p in planted if not any(_matches(p, f) for f in result.findings)]
    explained = [f for f in result.findings if any(_matches(p, f) for p in planted)]
    planted_rows = {(p["sheet"], p["row"]) for p in planted}
    stray_errors = [f for f in result.findings if f.severity == "error" and f not in explained
                    and (f.sheet, f.row) not in planted_rows]
    errors = [f for f in result.findings if f.severity == "error"]
    recall = (len(planted) - len(missed)) / len(planted)
    precision = (len(errors) - len(stray_errors)) / len(errors)
    print(f"\nvalidation on the demo: recall {recall:.1%} ({len(planted) - len(missed)}/{len(planted)}), "
          f"error precision {precision:.1%} ({len(errors) - len(stray_errors)}/{len(errors)}), "
          f"{len(result.findings)} findings")
    assert not missed, "\n".join(f"{p['id']} {p['clause']} {p['category']} {p['sheet']}:{p['row']} {p['detail']}" for p in missed)
    assert not stray_errors, "\n".join(f"{f.code} {f.sheet}:{f.cell} {f.message}" for f in stray_errors)


def test_demo_step_writes_the_annotated_copies(demo):
    folder, key, result = demo
    console = Console(file=io.StringIO())
    outputs = demo_step(folder, console)
    assert "校验" in console.file.getvalue()
    with_findings = {Path(f.file).name for f in result.findings}
    assert sorted(p.name for p in outputs) == sorted(n.replace(".xlsx", ".checked.xlsx") for n in with_findings)
    orders = folder / "订单.checked.xlsx"
    book = openpyxl.load_workbook(orders)
    problem = next(p for p in key["problems"] if p["category"] == "phone_bad")
    sheet = book[problem["sheet"]]
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "订单编号")
    column = next(c for c in range(1, sheet.max_column + 1) if str(sheet.cell(header_row, c).value).strip() == problem["column"])
    cell = sheet.cell(problem["row"], column)
    assert cell.comment is not None and cell.comment.text.startswith("ORD005")
    listed = [[c.value for c in r] for r in book["校验结果"].iter_rows(min_row=2)]
    assert len(listed) == sum(f.file.endswith("订单.xlsx") for f in result.findings)
