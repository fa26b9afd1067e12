"""The reports say what they could not compute (issue 11 §1): a missing sheet (the message log), a
missing column (平均首次响应(秒), 处理批注) or a sheet with nothing in the month gives a 未检查 line on the
console, a `not_checked` entry in --json, a first 未检查 sheet in the workbook and a block at the top
of the report page and of the monthly e-mail — never a clean-looking zero."""

from __future__ import annotations

import email
import json
from decimal import Decimal
from email import policy

import openpyxl

import courier_helpers as month_data
from automation.penalties.compute import penalty_report
from automation.sales.section import shop_sales_report
from automation.shop import Shop
from tests.penalties_helpers import HEADERS, SHOP_TOML, D
from tests.test_report_readability import check_readable
from tests.test_sales import sales_shop
from demo_helpers import demo  # noqa: F401  (the session's demo shop)

AS_OF = "2026-11-05T09:00"
ORDERS = [["5000000000000000001", "交易成功", Decimal("100.00"), D("2026-10-09 10:00"), D("2026-10-09 16:00"), "T恤", 1,
           None, None, "陈静", None, None]]
SERVICE = [[D("2026-10-09"), "陈静", 3, 1, D("2026-10-09 17:00")]]


def _book(path, sheets: dict[str, tuple[list[str], list[list[object]]]]):
    """A workbook of named sheets with the headers given (a team's own sheet, not our template)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def _shop(tmp_path, sheets: dict[str, tuple[list[str], list[list[object]]]]):
    root = tmp_path / "shop"
    root.mkdir()
    (root / "shop.toml").write_text(SHOP_TOML, encoding="utf-8")
    _book(root / "店铺表格.xlsx", {"订单": (HEADERS["订单"], ORDERS), **sheets})
    return root


def _by_code(entries: list[dict]) -> dict[str, dict]:
    return {n["code"]: n for n in entries}


def test_penalties_without_the_message_log_say_so_everywhere(tmp_path, cli):
    root = _shop(tmp_path, {"服务统计": (HEADERS["服务统计"], SERVICE)})
    data = json.loads(cli("report", "penalties", str(root), "--month", "2026-10", "--as-of", AS_OF, "--json").stdout)
    by_code = _by_code(data["not_checked"])
    assert by_code["M-PEN-MSG"] == {"code": "M-PEN-MSG", "clause": "M-PEN-MSG", "reason": "no_sheet", "missing": ["留言记录"],
                                    "where": "", "hint": ""}
    assert by_code["M-PEN-DAILY.wrong"]["missing"] == ["留言记录"]  # 错登 needs the log; the rest of M-PEN-DAILY ran
    assert "M-PEN-DAILY" not in by_code and "M-PEN-SHIP" not in by_code
    assert by_code["incidents"]["missing"] == ["扣分登记"]

    text = cli("report", "penalties", str(root), "--month", "2026-10", "--as-of", AS_OF).stdout
    lines = text.splitlines()
    first_unchecked = next(i for i, line in enumerate(lines) if line.startswith("未检查"))
    written = [i for i, line in enumerate(lines) if line.startswith("已生成：")]
    assert len(written) == 2 and max(written) < first_unchecked and lines[-1].startswith("  ")  # the console ends with them
    heading = lines.index("未检查（缺少工作表）：")
    listed = next(line for line in lines[heading:] if line.startswith("  留言记录："))
    assert "留言未在第二个工作日12点前处理完毕" in listed and "每日咨询人数与留言记录核对（错登）" in listed
    assert "M-PEN-MSG" not in text  # rule names, not codes, in the staff's view

    out = root / "reports/out/2026-10"
    book = openpyxl.load_workbook(out / "扣分报表_2026-10.xlsx")
    assert book.sheetnames[0] == "未检查"  # the workbook opens on what it leaves out
    cells = [r[0] for r in book["未检查"].iter_rows(values_only=True)]
    assert cells[0].startswith("未检查") and "  留言记录：" + listed.split("：", 1)[1] in cells
    summary = [r[0] for r in book["汇总"].iter_rows(values_only=True) if r[0]]
    assert "部分内容未检查，见“未检查”工作表。" in summary
    page = (out / "扣分报表_2026-10.html").read_text(encoding="utf-8")
    assert page.index('id="unchecked"') < page.index("<h2>") and "留言记录" in page[page.index('id="unchecked"'):page.index("<h2>")]


def test_a_message_log_without_annotations_is_not_all_unannotated(tmp_path):
    header = ["留言时间", "买家", "处理客服", "处理时间"]  # no 处理批注 column
    root = _shop(tmp_path, {"留言记录": (header, [[D("2026-10-12 10:00"), "b1", "陈静", D("2026-10-12 11:00")],
                                                  [D("2026-10-12 10:00"), "b2", "陈静", D("2026-10-13 11:00")]])})
    report = penalty_report(Shop.open(root), "2026-10", as_of=D("2026-11-05 09:00"))
    messages = [i for i in report.incidents if i.rule == "M-PEN-MSG"]
    assert [i.evidence[0].row for i in messages] == [3]  # the late one; the one handled in time is not "无处理批注"
    assert "无处理批注" not in messages[0].evidence[0].detail
    (note,) = [n for n in report.not_checked if n.code == "M-PEN-MSG.note"]
    assert (note.reason, note.missing, note.where) == ("no_columns", ("处理批注",), "店铺表格.xlsx › 留言记录")
    assert "M-PEN-MSG" not in report.skipped


def test_a_log_with_nothing_in_the_month_is_not_a_clean_month(tmp_path):
    september = [[D("2026-09-14 10:00"), "b1", "陈静", D("2026-09-14 11:00"), "已回复"]]
    root = _shop(tmp_path, {"留言记录": (HEADERS["留言记录"], september)})
    report = penalty_report(Shop.open(root), "2026-10", as_of=D("2026-11-05 09:00"))
    (quiet,) = [n for n in report.not_checked if n.code == "M-PEN-MSG"]
    assert (quiet.reason, quiet.where) == ("no_rows", "店铺表格.xlsx › 留言记录")
    assert "未检查（本月无记录）：" in report.not_checked_lines()

    october = september + [[D("2026-10-14 10:00"), "b2", "陈静", D("2026-10-14 11:00"), "已回复"]]
    (tmp_path / "shop" / "店铺表格.xlsx").unlink()
    _book(tmp_path / "shop" / "店铺表格.xlsx", {"订单": (HEADERS["订单"], ORDERS), "留言记录": (HEADERS["留言记录"], october)})
    report = penalty_report(Shop.open(root), "2026-10", as_of=D("2026-11-05 09:00"))
    assert "M-PEN-MSG" not in report.skipped  # one October message handled in time: checked, and clean


def test_a_log_with_nothing_in_the_month_still_counts_what_it_found(tmp_path):
    """The daily data kept in September and not at all in October: every October day is missing (checked)."""
    root = _shop(tmp_path, {"服务统计": (HEADERS["服务统计"], [[D("2026-09-30"), "陈静", 3, 1, D("2026-09-30 17:00")]])})
    report = penalty_report(Shop.open(root), "2026-10", as_of=D("2026-11-05 09:00"))
    assert any(i.rule == "M-PEN-DAILY" for i in report.incidents) and "M-PEN-DAILY" not in report.skipped


def test_sales_without_first_reply_or_returns_say_so(tmp_path, cli):
    root = sales_shop(tmp_path)
    (root / "店铺表格.xlsx").rename(root / "full.xlsx")
    book = openpyxl.load_workbook(root / "full.xlsx")
    del book["退换货"]
    book.save(root / "店铺表格.xlsx")
    (root / "full.xlsx").unlink()
    data = json.loads(cli("report", "sales", str(root), "--month", "2026-10", "--json").stdout)
    by_code = _by_code(data["not_checked"])
    assert by_code["sales.first_reply"]["reason"] == "no_columns" and by_code["sales.first_reply"]["missing"] == ["平均首次响应(秒)"]
    assert by_code["sales.first_reply"]["where"] == "店铺表格.xlsx › 服务统计"
    assert by_code["sales.returns"]["reason"] == "no_sheet" and by_code["sales.returns"]["missing"] == ["退换货登记"]
    assert "sales.orders" not in by_code and "sales.enquiries" not in by_code
    assert all(a["first_reply_seconds"] is None for a in data["agents"])

    text = cli("report", "sales", str(root), "--month", "2026-10").output
    assert "  店铺表格.xlsx › 服务统计 — 平均首次响应(秒)：平均首次响应" in text.splitlines()
    assert "sales.first_reply" not in text
    check_readable(root / "reports/out/2026-10/销售报表_2026-10.xlsx")  # the 未检查 sheet too: frozen, filtered, wide enough
    wb = openpyxl.load_workbook(root / "reports/out/2026-10/销售报表_2026-10.xlsx")
    assert wb.sheetnames[:2] == ["未检查", "月度汇总"]
    listed = [r[0] for r in wb["未检查"].iter_rows(min_row=3, values_only=True)]
    assert "  退换货登记：质量问题与色差、退换原因" in listed
    # a day's report lists only what a day shows: its figures are all there
    day = json.loads(cli("report", "sales", str(root), "--day", "2026-10-09", "--json").stdout)
    assert day["not_checked"] == [] and openpyxl.load_workbook(day["written"][0]).sheetnames == ["日报"]


def test_first_reply_is_the_mean_of_the_days_when_the_column_is_there(tmp_path):
    header = ["日期", "客服", "咨询人数", "成交人数", "平均首次响应(秒)"]
    service = [[D("2026-10-09"), "陈静", 7, 2, 40], [D("2026-10-12"), "陈静", 13, 4, 47], [D("2026-10-13"), "陈静", 5, 1, None]]
    root = _shop(tmp_path, {"服务统计": (header, service)})
    report = shop_sales_report(Shop.open(root), "2026-10")
    chen = next(m for m in report.agents if m.agent == "陈静")
    assert chen.figures.first_reply == Decimal("43.5")  # (40 + 47) / 2: a day without a value is not a 0
    assert not report.unchecked("sales.first_reply") and not report.unchecked("sales.enquiries")


def test_service_sheet_with_nothing_in_the_month(tmp_path):
    root = _shop(tmp_path, {"服务统计": (HEADERS["服务统计"], [[D("2026-09-30"), "陈静", 3, 1, None]])})
    report = shop_sales_report(Shop.open(root), "2026-10")
    (quiet,) = [n for n in report.not_checked if n.code == "sales.enquiries"]
    assert (quiet.reason, quiet.where) == ("no_rows", "店铺表格.xlsx › 服务统计")


def test_monthly_mail_opens_with_what_it_could_not_check(tmp_path, cli):
    root = month_data.write_shop(tmp_path / "shop")
    (root / "底单.xlsx").unlink()
    with open(root / "shop.toml", "a", encoding="utf-8") as f:
        f.write('\n[email]\nto = ["boss@example.com"]\nfrom = "shop@example.com"\n')
    data = json.loads(cli("monthly", str(root), "--month", "2026-10", "--allow-partial", "--json").stdout)
    entries = data["not_checked"]
    courier = [n for n in entries if n["section"] == "快递对账"]
    assert {n["code"] for n in courier} >= {"reconcile.missing-stub", "reconcile.lost-billed"}
    assert any(n["section"] == "销售与服务 2026-10" and n["code"] == "sales.orders" for n in entries)  # no amount column
    assert any(n["section"] == "扣分统计 2026-10" and n["code"] == "M-PEN-MSG" for n in entries)

    message = email.message_from_bytes((root / "reports/outbox/月报_2026-10.eml").read_bytes(), policy=policy.default)
    html = message.get_body(("html",)).get_content()
    block = html[html.index('id="unchecked"'):html.index("<h2>")]  # before the first section
    assert "快递对账" in block and "缺少底单" in block and "销售额与订单数" in block and "留言记录" in block
    assert "reconcile." not in block and "sales." not in block and "M-PEN-" not in block
    text = message.get_body(("plain",)).get_content()
    assert text.index("未检查（以下数字不包含这些内容）：") < text.index("== 快递对账 ==")
    preview = (root / "reports/outbox/月报_2026-10.html").read_text(encoding="utf-8")
    assert 'id="unchecked"' in preview

    console = cli("monthly", str(root), "--month", "2026-10", "--allow-partial").output.splitlines()
    assert "[快递对账]" in console and "[扣分统计 2026-10]" in console
    assert "未检查（缺少工作表）：" in console


def test_every_declared_report_check_names_fields_its_schema_has():
    from automation.penalties.detect import CHECKS, PART_NAMES
    from automation.penalties.rulebook import load_rulebook
    from automation.rules.needs import AnyOf
    from automation.sales.stats import FIGURE_NAMES, FIGURES
    from automation.schema import schema

    rules = load_rulebook()  # the built-in one
    for check in (*CHECKS, *FIGURES):
        for need in check.requires:
            names = {c.field for c in schema(need.kind or check.kind).columns}
            for entry in need.fields:
                for name in entry.fields if isinstance(entry, AnyOf) else (entry,):
                    assert name in names, (check.code, need.kind or check.kind, name)
        named = check.code in FIGURE_NAMES or check.code in PART_NAMES or check.code in rules.rules
        assert named, f"{check.code} has no name staff can read"


def test_the_demo_shop_leaves_nothing_unchecked(demo):  # noqa: F811
    """The demo has every sheet and column the reports read: an empty list here is a real one."""
    from automation.demo.model import AS_OF as DEMO_NOW

    shop = Shop.open(demo.folder)
    assert penalty_report(shop, "2026-10", as_of=DEMO_NOW).not_checked == []
    assert shop_sales_report(shop, "2026-10").not_checked == []


def test_json_of_a_month_without_data_is_nothing_on_stdout(tmp_path, cli):
    """A refused month (exit 2) says why on stderr; stdout never holds half a JSON document."""
    root = _shop(tmp_path, {})
    for kind in ("penalties", "sales"):
        result = cli("report", kind, str(root), "--month", "2026-11", "--json")
        assert result.exit_code == 2 and result.stdout == "", result.stdout
        assert "2026-11 无数据" in result.stderr
