"""docs/rules.md covers every clause of the house-rules digest (issue 11: 77 clauses), each coded as
rule codes, computed in a report, registered by hand, or not checkable with a reason."""

from __future__ import annotations

import re
from pathlib import Path

from automation.rules.catalog import all_rules
from automation.rules.clauses import COVERAGE, codes_by_clause, uncovered
from automation.rules.docs import markdown

ROOT = Path(__file__).resolve().parents[1]


def _manual() -> Path:
    """../shared/manual.md from the repository (a worktree sits one level deeper): required."""
    found = [p / "shared" / "manual.md" for p in ROOT.parents if (p / "shared" / "manual.md").is_file()]
    assert found, "shared/manual.md not found next to the repository"
    return found[0]


def test_the_table_lists_exactly_the_digests_clauses_in_order():
    digest = re.findall(r"^\| (M-[A-Z0-9-]+) \|", _manual().read_text(encoding="utf-8"), re.MULTILINE)
    assert len(digest) == 77
    assert [c.clause for c in COVERAGE] == digest


def test_every_clause_is_coded():
    assert uncovered(all_rules()) == []


def test_every_rule_clause_is_in_the_table_and_rendered():
    table = {c.clause for c in COVERAGE}
    codes = codes_by_clause(all_rules())
    assert set(codes) <= table
    text = markdown()
    for clause, listed in codes.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| {clause} |") and line.count("|") == 6)
        assert all(code in row for code in listed), (clause, row)
    assert "| M-PEN-DOCS | — |" in text and "no sheet the team keeps records it" in text
