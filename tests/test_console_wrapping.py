"""Issue 10 §4: the console tables keep every message whole (wrapped inside its cell), at 80 and
120 columns: the number that matters (`超过 3 天`, `10-15 前`) is never cut to `…`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from automation.cli import cli
from automation.courier.reconcile import BY_SLUG, action_label
from automation.rules.annotate import rule_title
from console_tables import squeezed, table_rows
from demo_helpers import demo  # noqa: F401  (fixture)

WIDTHS = (80, 120)


def _run(args: list[str], width: int):
    result = CliRunner().invoke(cli, args, env={"COLUMNS": str(width)})
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("file", ["售后.xlsx", "交接本.xlsx"])  # long messages: AS002, AS011, HND003
def test_validate_table_keeps_every_message_whole(demo, file, width):  # noqa: F811
    path = str(demo.folder / file)
    findings = json.loads(_run(["validate", path, "--no-write", "--json"], width))["findings"]
    shown = table_rows(_run(["validate", path, "--no-write"], width))
    assert len(findings) >= 5 and any(len(f["message"]) > 25 for f in findings)
    listed = findings[:40]  # the console lists the first 40, then points to the sheet
    assert len(shown) == len(listed)
    for row, finding in zip(shown, listed):
        severity, rule, where, message, code = row  # zhview's layout: the rule's name first, the code last
        assert code == finding["code"] and where == squeezed(f"{finding['sheet']}!{finding['cell']}")
        assert rule == squeezed(rule_title(finding["code"]))
        assert message == squeezed(finding["message"]), (width, finding)
        assert "…" not in message + rule


@pytest.mark.parametrize("width", WIDTHS)
def test_reconcile_table_keeps_categories_and_actions_whole(tmp_path, width):
    import courier_helpers as month_data

    root = month_data.write_shop(tmp_path / "shop")
    rows = table_rows(_run(["reconcile", str(root), "--month", "2026-10"], width))
    expected = {squeezed(c.title()): squeezed(action_label(c.action)) for c in BY_SLUG.values()}
    assert len(rows) >= 5
    for category, count, difference, action in rows:
        assert expected[category] == action and "…" not in category + action
        assert count.isdigit() and difference.replace(",", "").replace(".", "").lstrip("-").isdigit()
