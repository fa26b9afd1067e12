"""Issue 12 (`shopbook demo` ≤ 10 s): within one process the month's reconciliation, penalty and sales
reports, their workbooks and charts are computed once and reused by the later steps (the monthly
e-mail after the report jobs: automation.runcache) — and never stale: a changed, added or removed
input file, another language, another as-of moment or a written file changed since computes or
writes again."""

from __future__ import annotations

import collections
import datetime as dt
import email
import os
import shutil
from email import policy
from pathlib import Path

import openpyxl
import pytest

import courier_helpers
from automation import runcache
from automation.i18n import set_lang
from automation.shop import Shop
from demo_helpers import demo  # noqa: F401  (the session's demo shop)
from penalties_helpers import D, write_workbook
from test_penalties_report import EXPECTED, report_shop

MONTH = "2026-10"


@pytest.fixture
def calls(monkeypatch):
    """name -> how many times the real computation or writer ran (spies where the callers look them up)."""
    from automation.courier import section as courier_section
    from automation.penalties import section as penalties_section
    from automation.sales import charts
    from automation.sales import section as sales_section

    counts: collections.Counter = collections.Counter()
    for module, name in [(penalties_section, "penalty_report"), (penalties_section, "write_penalty_workbook"),
                         (sales_section, "sales_report"), (sales_section, "write_sales_workbook"),
                         (courier_section, "reconcile_month"), (courier_section, "write_month"), (charts, "_png")]:
        real = getattr(module, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            counts[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return counts


def _points(report) -> dict:
    return {p.name: p.total for p in report.people}


# ── the primitives ────────────────────────────────────────────────────────────────────────────

def test_a_file_rewritten_in_place_within_the_same_tick_is_seen(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"aaaa")
    runs = []
    compute = lambda: runs.append(path.read_bytes()) or path.read_bytes()  # noqa: E731
    assert runcache.computed("t", (1,), [path], compute) == b"aaaa"
    assert runcache.computed("t", (1,), [path], compute) == b"aaaa" and len(runs) == 1
    stat = os.stat(path)
    with open(path, "r+b") as stream:  # same inode, same size …
        stream.write(b"bbbb")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # … and the same mtime: only the CRC differs
    assert os.stat(path).st_mtime_ns == stat.st_mtime_ns
    assert runcache.computed("t", (1,), [path], compute) == b"bbbb" and len(runs) == 2
    assert runcache.computed("t", (2,), [path], compute) == b"bbbb" and len(runs) == 3  # other values: computed again
    path.unlink()
    assert runcache.computed("t", (2,), [path], lambda: "gone") == "gone"
    assert runcache.computed("t", (2,), [path], lambda: "not again") == "gone"  # still missing: the same answer
    path.write_bytes(b"back")
    assert runcache.computed("t", (2,), [path], lambda: "back") == "back"


def test_a_written_file_is_written_again_once_it_changed_or_went(tmp_path):
    out = tmp_path / "out.txt"
    writes = []

    def write(result):
        writes.append(result)
        out.write_text(result)
        return out

    first, second = "first", "second"
    assert runcache.written("w", first, out, lambda: write(first), lambda p: [p]) == out
    runcache.written("w", first, out, lambda: write(first), lambda p: [p])
    assert writes == [first]
    out.write_text("edited by hand")
    runcache.written("w", first, out, lambda: write(first), lambda p: [p])
    assert writes == [first, first] and out.read_text() == first
    out.unlink()
    runcache.written("w", first, out, lambda: write(first), lambda p: [p])
    assert writes == [first, first, first] and out.exists()
    runcache.written("w", second, out, lambda: write(second), lambda p: [p])  # another result: written
    assert writes[-1] == second and out.read_text() == second


# ── the month's reports ───────────────────────────────────────────────────────────────────────

def test_report_jobs_then_the_monthly_mail_compute_and_write_each_report_once(tmp_path, calls):
    from automation.commands.report import run_penalties, run_sales
    from automation.monthly import write_monthly

    folder = report_shop(tmp_path)
    shop = Shop.open(folder)
    penalties = run_penalties(shop, MONTH, echo=False)
    sales = run_sales(shop, MONTH, echo=False)
    mail = write_monthly(Shop.open(folder), MONTH)  # the next step opens the shop again, as the demo does
    assert calls["penalty_report"] == 1 and calls["sales_report"] == 1
    assert calls["write_penalty_workbook"] == 1 and calls["write_sales_workbook"] == 1
    assert calls["_png"] == 4  # points per person, and the three sales charts: drawn for the pages, reused by the mail
    assert {p.name for p in mail.attachments} == {p.name for p in penalties.outputs + sales.outputs if p.suffix == ".xlsx"}
    message = email.message_from_bytes(mail.eml.read_bytes(), policy=policy.default)
    assert {part.get("Content-ID") for part in message.walk() if part.get_content_type() == "image/png"} == {
        "<penalties_points>", "<sales_per_agent>", "<sales_conversion>", "<sales_daily>"}
    attached = next(p for p in mail.attachments if "扣分" in p.name)  # the masked copy of the report job's workbook
    summary = openpyxl.load_workbook(attached)["汇总"]
    header = [c.value for c in summary[2]]
    points = {r[0]: r[header.index("本月扣分")] for r in summary.iter_rows(min_row=3, values_only=True) if r[0] in EXPECTED}
    assert penalties.figures[0] == "扣分：" + "，".join(f"{name}{p}分" for name, p in points.items() if p)
    run_penalties(Shop.open(folder), MONTH, echo=False)  # a report job asked for again writes its workbook again
    assert calls["write_penalty_workbook"] == 2 and calls["penalty_report"] == 1


def test_an_edited_sheet_gives_a_new_report_and_workbook(tmp_path, calls):
    from automation.penalties.section import month_report, month_workbook

    folder = report_shop(tmp_path)
    first = month_report(Shop.open(folder), MONTH)
    assert month_report(Shop.open(folder), MONTH) is first
    path = month_workbook(Shop.open(folder), first)
    sheets = {name: [list(row) for row in ws.iter_rows(min_row=2, values_only=True)]
              for name, ws in ((ws.title, ws) for ws in openpyxl.load_workbook(folder / "店铺表格.xlsx").worksheets)}
    sheets["扣分登记"].append([D("2026-10-22"), "张伟", "M-PEN-AWAY", 1, "离开未改状态", "王芳"])
    write_workbook(folder / "店铺表格.xlsx", sheets)  # within the same second as the first read
    second = month_report(Shop.open(folder), MONTH)
    assert second is not first and calls["penalty_report"] == 2
    assert _points(second)["张伟"] == _points(first)["张伟"] + 1
    assert month_workbook(Shop.open(folder), second) == path and calls["write_penalty_workbook"] == 2
    summary = openpyxl.load_workbook(path)["汇总"]
    header = [c.value for c in summary[2]]
    assert next(r for r in summary.iter_rows(min_row=3, values_only=True) if r[0] == "张伟")[header.index("本月扣分")] == _points(second)["张伟"]


def test_another_language_as_of_or_shop_toml_computes_again(tmp_path, calls):
    from automation.penalties.section import month_report, month_workbook

    folder = report_shop(tmp_path)
    zh = month_report(Shop.open(folder), MONTH)
    month_workbook(Shop.open(folder), zh)
    early = month_report(Shop.open(folder), MONTH, dt.datetime(2026, 10, 15, 9, 0))
    assert early is not zh and sum(_points(early).values()) < sum(_points(zh).values())
    assert month_report(Shop.open(folder), MONTH) is zh  # the default moment again: still remembered
    set_lang("en")
    en = month_report(Shop.open(folder), MONTH)
    assert en is not zh
    path = month_workbook(Shop.open(folder), en)
    assert "Summary" in openpyxl.load_workbook(path).sheetnames  # written again, in English
    set_lang(None)
    assert month_report(Shop.open(folder), MONTH) is zh
    toml = folder / "shop.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('name = "测试小店"', 'name = "测试二店"'), encoding="utf-8")
    assert month_report(Shop.open(folder), MONTH) is not zh
    assert calls["penalty_report"] == 4


def test_a_bill_removed_from_the_bills_folder_reconciles_again(tmp_path, calls):
    from automation.courier.section import month_done

    root = courier_helpers.write_shop(tmp_path / "shop")
    done = month_done(Shop.open(root), MONTH)
    assert month_done(Shop.open(root), MONTH) is done
    assert calls["reconcile_month"] == 1 and calls["write_month"] == 1
    assert done.results[0].categories["duplicate_prev"].count == 1
    (root / "账单" / "中通_2026-09.xlsx").unlink()  # last month's bill: nothing is billed twice any more
    again = month_done(Shop.open(root), MONTH)
    assert again is not done and "duplicate_prev" not in again.results[0].categories
    assert calls["reconcile_month"] == 2 and calls["write_month"] == 2


def test_the_demo_jobs_share_the_months_work_with_the_mail(demo, tmp_path, calls):  # noqa: F811
    """The reconcile and report steps of `shopbook demo`, then its monthly step: each computation once,
    and the e-mail says what the reports say."""
    from automation.commands import monthly, reconcile, report

    folder = tmp_path / "demo-shop"
    shutil.copytree(demo.folder, folder)
    reconciled = reconcile.demo_step(folder, None)
    penalties, sales = report.demo_step(folder, None)
    mailed = monthly.demo_step(folder, None)
    assert dict(calls) == {"reconcile_month": 1, "write_month": 1, "penalty_report": 1, "write_penalty_workbook": 1,
                           "sales_report": 1, "write_sales_workbook": 1, "_png": 5}
    assert all(path.exists() for path in reconciled.outputs + penalties.outputs + sales.outputs + mailed.outputs)
    mail_html = Path(mailed.outputs[1]).read_text(encoding="utf-8")
    total_sales = sales.figures[0].removeprefix("销售额 ").removesuffix(" 元")  # e.g. 123,456.78
    assert total_sales[0].isdigit() and total_sales in mail_html
