"""Issue 10 §3: the files shopbook writes are named in the run's language (Chinese by default,
English with --lang en), all through automation.outnames."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import courier_helpers as month_data
from automation import monthly
from automation.cli import cli
from automation.outnames import NAMES, output_name
from test_penalties_report import report_shop

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _run(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output


def _written(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_courier_and_mail_outputs_follow_the_language(tmp_path, monkeypatch, lang):
    monkeypatch.setattr(monthly, "SECTION_PROVIDERS", ("automation.courier.section",))
    root = month_data.write_shop(tmp_path / "shop")
    for args in (("reconcile", str(root), "--month", "2026-10"), ("stubs", str(root), "--month", "2026-10"),
                 ("stubs", str(root), "--date", "2026-10-31"), ("monthly", str(root), "--month", "2026-10")):
        _run("--lang", lang, *args)
    out = _written(root / "reports")
    expected = {
        "zh": {"out/2026-10/快递对账_2026-10.xlsx", "out/2026-10/申诉清单_中通_2026-10.xlsx",
               "out/2026-10/底单核对_2026-10-01_2026-10-31.xlsx", "out/2026-10/底单核对_2026-10-31.xlsx",
               "outbox/月报_2026-10.eml", "outbox/月报_2026-10.html", "outbox/附件_2026-10/快递对账_2026-10.xlsx"},
        "en": {"out/2026-10/courier_reconciliation_2026-10.xlsx", "out/2026-10/disputes_中通_2026-10.xlsx",
               "out/2026-10/stub_check_2026-10-01_2026-10-31.xlsx", "out/2026-10/stub_check_2026-10-31.xlsx",
               "outbox/monthly_report_2026-10.eml", "outbox/monthly_report_2026-10.html",
               "outbox/attachments_2026-10/courier_reconciliation_2026-10.xlsx"},
    }[lang]
    assert expected <= out, sorted(out)
    other = {"zh": "en", "en": "zh"}[lang]
    # nothing named in the other language (the courier's own name 中通 is data, not ours)
    assert not any(CJK.search(name.replace("中通", "")) for name in out) if lang == "en" else \
        not any(re.search(r"(courier_reconciliation|disputes|stub_check|monthly_report|attachments)_", n) for n in out), other


@pytest.mark.parametrize("lang,names", [
    ("zh", ("扣分报表_2026-10.xlsx", "扣分报表_2026-10.html", "销售报表_2026-10.xlsx", "销售报表_2026-10.html",
            "销售日报_2026-10-09.xlsx")),
    ("en", ("penalties_2026-10.xlsx", "penalties_2026-10.html", "sales_2026-10.xlsx", "sales_2026-10.html",
            "daily_sales_2026-10-09.xlsx")),
])
def test_report_outputs_follow_the_language(tmp_path, lang, names):
    folder = report_shop(tmp_path)
    _run("--lang", lang, "report", "penalties", str(folder), "--month", "2026-10", "--as-of", "2026-11-20T09:00")
    _run("--lang", lang, "report", "sales", str(folder), "--month", "2026-10")
    _run("--lang", lang, "report", "sales", str(folder), "--day", "2026-10-09")
    assert _written(folder / "reports/out/2026-10") == set(names)


def test_every_output_name_is_made_in_one_place():
    """No module spells an output name of NAMES itself: they all call output_name()."""
    stems = {re.split(r"_\{", template)[0] for pair in NAMES.values() for template in pair}
    spelled = subprocess.run(["grep", "-rnE", "|".join(f"[\"'/]{re.escape(s)}_\\{{" for s in stems), "automation"],
                             cwd=ROOT, capture_output=True, text=True).stdout.splitlines()
    assert [line for line in spelled if not line.startswith("automation/outnames.py")] == []
    assert output_name("sales", ".xlsx", month="2026-10") == "销售报表_2026-10.xlsx"
