"""The one benchmark command (`python -m benchmarks`, issue 12): its --help, every script's --help,
and a tiny run that prints the table and writes valid JSON. Figures at this size mean nothing; the
speed targets themselves are checked by the benchmark, never by a timed test."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "benchmarks").glob("bench_*.py"))


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=600)


def test_the_command_explains_itself():
    done = _run("-m", "benchmarks", "--help")
    assert done.returncode == 0, done.stderr
    for word in ("--full", "--rows", "--repeat", "--json", "reconcile", "shopbook demo", "shopbook --help"):
        assert word in done.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_takes_help(script):
    done = _run(str(script), "--help")
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout and "--" in done.stdout


def test_a_tiny_run_prints_the_table_and_writes_json(tmp_path):
    out = tmp_path / "results.json"
    done = _run("-m", "benchmarks", "--rows", "200", "--repeat", "2", "--data", str(tmp_path / "data"),
                "--json", str(out), "--cases", "reconcile", "match", "help", "--no-nice")
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    names = [c["case"] for c in report["cases"]]
    assert names == ["reconcile 200/200/200", "the match alone, 200 lines", "shopbook --help (baseline: a bare python start)"]
    for case in report["cases"]:
        assert len(case["ours"]["runs_s"]) == 2 and all(s > 0 for s in case["ours"]["runs_s"])
        assert case["ours"]["peak_rss_mib"] > 10  # a Python process with polars loaded, measured in its own process
        assert case["baseline"]["median_s"] > 0 and case["ratio"] == pytest.approx(
            case["ours"]["median_s"] / case["baseline"]["median_s"])
        assert isinstance(case["pass"], bool) and case["detail"]
        assert case["case"] in done.stdout  # the table names every case
    reconcile = report["cases"][0]
    assert set(reconcile["ours"]["info"]["full_reads"]) == {"发货.xlsx", "底单.xlsx", "中通_2026-10.xlsx"}
    assert reconcile["baseline"]["info"]["cells"] > 3 * 200  # the bare read saw the three files
    assert report["machine"]["cpus"] >= 1
    assert "cases pass" in done.stdout
    table = _run("-m", "benchmarks", "--markdown", str(out))  # the README's form of the same figures
    assert table.returncode == 0 and table.stdout.count("\n| ") == len(names)


def test_the_staff_sheet_has_its_merged_title_and_error_cells(tmp_path):
    """The --full case 'as staff keep them' is only worth its name if the file holds what staff's do."""
    from automation.commands.validate import validate
    from benchmarks.bench_validate import HEADER, make_staff_orders

    path = tmp_path / "订单.xlsx"
    make_staff_orders(path, 300)
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert '<mergeCell ref="A1:T1"/>' in sheet and len(HEADER) == 20
    assert sheet.count('t="e"') == 12 and sheet.count("<v>#N/A</v>") == 10 and sheet.count("<v>#REF!</v>") == 2
    findings = validate(path).findings
    unreadable = sorted((f.cell, f.value) for f in findings if f.code == "READ006")
    assert len(unreadable) == 12 and unreadable[:2] == [("L101", "#REF!"), ("L234", "#REF!")]


def test_the_per_row_cases_show_the_time_beyond_the_fixed_cost(tmp_path):
    """--full: a 100-row run measures what every run pays before its rows count (no target, INFO),
    and each per-row case also shows its time per row beyond it; the per-row verdict is unchanged."""
    out = tmp_path / "results.json"
    done = _run("-m", "benchmarks", "--full", "--rows", "300", "--repeat", "1", "--data", str(tmp_path / "data"),
                "--json", str(out), "--cases", "per-row", "--no-nice")
    assert done.returncode == 0, done.stderr
    cases = json.loads(out.read_text(encoding="utf-8"))["cases"]
    fixed, *scaled = cases
    assert fixed["rows"] == 100 and fixed["pass"] is None and "INFO" in done.stdout
    assert [c["rows"] for c in scaled] == [10, 30, 300]
    for case in scaled:
        beyond = (case["ours"]["median_s"] - fixed["ours"]["median_s"]) / case["rows"] * 1e6
        assert case["per_row_beyond_fixed_us"] == pytest.approx(beyond) and "beyond the fixed" in case["detail"]
        assert isinstance(case["pass"], bool)
    judged = len(scaled)
    assert f"/{judged} cases pass" in done.stdout  # the INFO case is not counted
    table = _run("-m", "benchmarks", "--markdown", str(out))
    assert table.returncode == 0 and table.stdout.count("| INFO:") == 1


@pytest.mark.parametrize(("seconds", "rss", "passes"), [(59.9, 1536, True), (60.0, 1, False), (1.0, 1537, False)])
def test_the_million_row_target_is_under_60_s_and_within_1_5_gib(seconds, rss, passes):
    """One check for validate at 1M, plain (the per-row case) and as staff keep it: strictly under 60 s."""
    from benchmarks.run import MILLION_ROWS_TARGET

    ok, detail = MILLION_ROWS_TARGET({"ours": {"median_s": seconds, "peak_rss_mib": rss}})
    assert ok is passes and "(< 60 s)" in detail
