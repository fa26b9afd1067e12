"""On the demo shop: every planted validation problem is found, and no clean row gets an error."""

from __future__ import annotations

import io
import json
import re
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
    if f.sheet != problem["sheet"] or f.clause != problem["clause"] or f.code != problem["rule"]:
        return False
    if problem["row"] is None:  # a missing entry (e.g. no handover for "2026-10-14 白班"): match what is missing
        day, *rest = problem["key"].split()
        return str(f.value) == day and all(word in f.message for word in rest)
    return f.row == problem["row"]


def test_every_planted_problem_is_found_and_clean_rows_have_no_errors_or_warnings(demo):
    """Recall over the planted problems (each found with its rule code at its row); precision over
    errors and warnings alike: a finding that is neither planted nor on a planted row is stray."""
    _, key, result = demo
    planted = [p for p in key["problems"] if p["area"] == "validation"]
    assert planted, "the demo plants validation problems"
    missed = [p for p in planted if not any(_matches(p, f) for f in result.findings)]
    explained = [f for f in result.findings if any(_matches(p, f) for p in planted)]
    planted_rows = {(p["sheet"], p["row"]) for p in planted}
    judged = [f for f in result.findings if f.severity in ("error", "warning")]
    stray = [f for f in judged if f not in explained and (f.sheet, f.row) not in planted_rows]
    recall = (len(planted) - len(missed)) / len(planted)
    precision = (len(judged) - len(stray)) / len(judged)
    print(f"\nvalidation on the demo: recall {recall:.1%} ({len(planted) - len(missed)}/{len(planted)}), "
          f"error+warning precision {precision:.1%} ({len(judged) - len(stray)}/{len(judged)}), "
          f"{len(result.findings)} findings")
    assert not missed, "\n".join(f"{p['id']} {p['rule']} {p['category']} {p['sheet']}:{p['row']} {p['detail']}" for p in missed)
    assert not stray, "\n".join(f"{f.severity} {f.code} {f.sheet}:{f.cell} {f.message}" for f in stray)


def test_every_rule_code_is_planted(demo):
    """The key names a rule code for every validation plant, and every code of the catalog has one."""
    from automation.rules.catalog import all_rules

    _, key, result = demo
    planted = [p for p in key["problems"] if p["area"] == "validation"]
    assert all(p.get("rule") for p in planted)
    assert {r.code for r in all_rules()} <= {p["rule"] for p in planted}
    found = {p["rule"] for p in planted if any(_matches(p, f) for f in result.findings)}
    assert found == {p["rule"] for p in planted}


def test_demo_step_writes_the_annotated_copies(demo):
    folder, key, result = demo
    console = Console(file=io.StringIO())
    outcome = demo_step(folder, console)
    outputs = outcome.outputs
    assert outcome.job == "校验" and re.fullmatch(r"错误 \d+，警告 \d+，提示 \d+", outcome.figures[0])
    assert console.file.getvalue() == ""  # its figures go into the demo's summary table, no loose lines
    with_findings = {Path(f.file).name for f in result.findings}
    assert sorted(p.name for p in outputs) == sorted(n.replace(".xlsx", ".checked.xlsx") for n in with_findings)
    orders = folder / "订单.checked.xlsx"
    book = openpyxl.load_workbook(orders)
    problem = next(p for p in key["problems"] if p["category"] == "phone_bad")
    sheet = book[problem["sheet"]]
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "订单编号")
    column = next(c for c in range(1, sheet.max_column + 1) if str(sheet.cell(header_row, c).value).strip() == problem["column"])
    cell = sheet.cell(problem["row"], column)
    assert cell.comment is not None and cell.comment.text.endswith("（ORD005 M-ORD-ADDR）")
    listed = [[c.value for c in r] for r in book["校验结果"].iter_rows(min_row=2)]
    assert len(listed) == sum(f.file.endswith("订单.xlsx") for f in result.findings)
