"""Formula injection (issue 9 §1): data text never becomes a formula in anything shopbook writes.

Hostile text is planted in every text field that reaches an output; every command is run on the
shop; every xlsx produced (the e-mail's attachments included) is unzipped and its sheet XML
scanned for `<f>` elements. Only our own in-workbook HYPERLINKs may be formulas."""

from __future__ import annotations

import csv
import email
import io
import re
import zipfile
from decimal import Decimal
from email import policy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import courier_helpers as month_data
import penalties_helpers as ph
from automation import xlsxout
from automation.cli import cli
from automation.paths import temp_beside
from automation.privacy import mask_workbook

PAYLOADS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(1)"]
W = month_data.W
STAFF_TOML = "\n".join(ph.SHOP_TOML.split("\n")[4:])  # [[staff]] and [sales] of the penalties shop


def _p(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


def _book(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    """Input workbooks; a text cell starting with '=' stays text (openpyxl would make it a formula)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cell in (c for line in sheet.iter_rows() for c in line if c.data_type == "f"):
            cell.data_type = "s"
    book.save(path)


def hostile_shop(root: Path) -> Path:
    """The courier month of courier_helpers plus sales/penalty sheets, every text field hostile."""
    month_data.write_shop(root)
    (root / "shop.toml").write_text(month_data.SHOP_TOML + STAFF_TOML, encoding="utf-8")
    shipments = [["发货日期", "订单编号", "快递公司", "快递单号", "目的省份", "重量(kg)"]]
    shipments += [[d, o, "中通快递", w, p, float(kg)] for o, w, d, p, kg in month_data.SHIPMENTS]
    shipments += [[d, o, "圆通快递", w, p, float(kg)] for o, w, d, p, kg in month_data.OTHER_COURIER]  # a whole month
    shipments += [[month_data.SHIPMENTS[0][2], f"O20{i}", "中通快递", W(20 + i), _p(i), 1.0] for i in range(5)]
    _book(root / "发货.xlsx", {"发货登记": shipments})
    stubs = [["揽收日期", "快递公司", "快递单号", "底单重量(kg)", "底单状态", "已归档", "备注"]]
    for i, (o, w, d, p, kg) in enumerate(month_data.SHIPMENTS):
        if w not in month_data.NO_STUB:
            stubs.append([d, "中通", w, float(kg), month_data.STUB_STATUS.get(w, "正常"), "是", _p(i)])
    stubs += [[d, "圆通", w, float(kg), "正常", "是", None] for o, w, d, p, kg in month_data.OTHER_COURIER]
    stubs += [[month_data.SHIPMENTS[0][2], "中通", W(40 + i), 1.0, "丢件", _p(i), _p(i + 1)] for i in range(5)]
    stubs += [[month_data.SHIPMENTS[0][2], "中通", W(50 + i), 1.0, _p(i), "是", None] for i in range(5)]
    _book(root / "底单.xlsx", {"快递底单": stubs})
    lines = list(month_data.BILL_LINES) + [(W(60 + i), "2026-10-08", _p(i), 1.0, 4.00, None) for i in range(5)]
    month_data.write_bill(root / "账单" / "中通_2026-10.xlsx", lines)
    bill = openpyxl.load_workbook(root / "账单" / "中通_2026-10.xlsx")
    rows = [list(r) for r in bill.active.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "序号")
    rows[header].append("备注")  # the courier's own remarks column
    for i in range(header + 1, header + 1 + len(lines)):
        rows[i].append(_p(i))
    _book(root / "账单" / "中通_2026-10.xlsx", {"账单": rows})
    headers = ph.HEADERS["订单"] + ["买家会员名", "收货人姓名", "收货地址", "买家留言"]
    orders = [headers]
    ids = [o for o, *_ in month_data.SHIPMENTS + month_data.OTHER_COURIER] + [f"O20{i}" for i in range(5)]
    for i, order_id in enumerate(ids):
        orders.append([order_id, "交易成功", Decimal("100.00"), ph.D("2026-10-08 10:00"), ph.D("2026-10-08 16:00"),
                       _p(i), 1, "红", _p(i + 1), "陈静", None, "13812345678", _p(i + 2), _p(i + 3), _p(i + 4), _p(i)])
    _book(root / "订单.xlsx", {"订单": orders})
    _book(root / "店铺表格.xlsx", {name: [ph.HEADERS[name], *rows] for name, rows in {
        "服务统计": [[ph.D("2026-10-08"), "陈静", 7, 2, None]],
        "留言记录": [[ph.D("2026-10-08 10:00"), _p(i), "陈静", None, _p(i + 1)] for i in range(5)],
        "回访表": [[ph.D("2026-10-12"), "陈静", _p(i), None, None] for i in range(5)],
        "评价登记": [[ph.D("2026-10-20"), "O1001", "陈静", "差评", _p(i), "是", "批评", "未处理"] for i in range(5)],
        "扣分登记": [[ph.D("2026-10-12"), "陈静", "M-PEN-AWAY", 1, _p(i), "王芳"] for i in range(5)],
        "退换货": [[ph.D("2026-10-15"), "O1001", "退货", _p(i), _p(i + 1), Decimal("1.00")] for i in range(5)],
    }.items()})
    return root


_CELL = re.compile(rb"<c\b[^>]*>.*?</c>", re.S)
_FORMULA = re.compile(rb"<f\b[^>]*>(.*?)</f>|<f\b[^>]*/>", re.S)
_OWN_LINK = re.compile(r'^HYPERLINK\("#[^"]*","[^"]*"\)$')


def formulas(xlsx: bytes) -> list[str]:
    """The text of every <f> element in every sheet of the workbook."""
    found = []
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += [(m.group(1) or b"").decode("utf-8") for m in _FORMULA.finditer(z.read(name))]
    return found


def texts(xlsx: bytes) -> str:
    """Every string the workbook holds (shared and inline), XML-unescaped."""
    from html import unescape

    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        parts = [z.read(n) for n in z.namelist() if n == "xl/sharedStrings.xml" or n.startswith("xl/worksheets/")]
    return unescape(b"\n".join(parts).decode("utf-8"))


def produced(root: Path) -> dict[str, bytes]:
    """Every workbook shopbook wrote (reports, outbox copies) and every xlsx attached to the e-mail."""
    out = {str(p.relative_to(root)): p.read_bytes() for p in (root / "reports").rglob("*.xlsx")}
    for eml in (root / "reports").rglob("*.eml"):
        msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        for part in msg.iter_attachments():
            if part.get_filename().endswith(".xlsx"):
                out[f"{eml.name}:{part.get_filename()}"] = part.get_content()
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = hostile_shop(tmp_path_factory.mktemp("hostile") / "shop")
    runner = CliRunner()
    for words, options in ((["stubs"], []), (["reconcile"], []), (["report", "penalties"], ["--as-of", "2026-11-20T09:00"]),
                           (["report", "sales"], []), (["monthly"], [])):
        result = runner.invoke(cli, [*words, str(root), "--month", "2026-10", *options])
        assert result.exit_code == 0, (words, result.output)
    return produced(root)


def test_every_command_wrote_workbooks_and_the_mail_attached_some(outputs):
    names = sorted(outputs)
    for expected in ("底单核对", "快递对账", "申诉清单_中通", "扣分报表", "销售报表"):
        assert any(expected in n and "outbox" not in n for n in names), (expected, names)
    assert any(n.startswith("月报_2026-10.eml:") for n in names), names


def test_no_formula_in_any_output_carries_data(outputs):
    for name, xlsx in outputs.items():
        bad = [f for f in formulas(xlsx) if not _OWN_LINK.match(f)]
        assert bad == [], name


def test_the_planted_text_arrives_as_text(outputs):
    """The payloads did reach the outputs (else the scan above proves nothing), as plain strings."""
    from html import escape

    seen = {p for xlsx in outputs.values() for p in PAYLOADS if escape(p, quote=False) in texts(xlsx)
            or p in texts(xlsx)}
    assert seen == set(PAYLOADS)
    reached = {name for name, xlsx in outputs.items() if any(p in texts(xlsx) for p in PAYLOADS)}
    for expected in ("底单核对", "快递对账", "申诉清单_中通", "扣分报表", "销售报表", "月报_2026-10.eml:"):
        assert any(expected in n for n in reached), (expected, sorted(reached))


def test_the_masked_attachment_keeps_each_cells_type(tmp_path):
    src, dst = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    book = xlsxout.new_workbook(src)
    sheet = book.add_worksheet("清单")
    for col, text in enumerate(PAYLOADS + ["买家 13812345678"]):
        sheet.write(0, col, text)
    sheet.write_number(1, 0, 13812345678)
    xlsxout.internal_link(sheet, 1, 1, "清单", "A1", "看第一行")
    book.close()
    mask_workbook(src, dst)
    cells = openpyxl.load_workbook(dst)["清单"]
    assert [c.value for c in cells[1]] == PAYLOADS + ["买家 138****5678"]
    assert {c.data_type for c in cells[1]} == {"s"}
    assert cells["A2"].value == "138****5678"
    assert formulas(dst.read_bytes()) == ["HYPERLINK(\"#'清单'!A1\",\"看第一行\")"]


def test_new_workbook_refuses_unsafe_options(tmp_path):
    with pytest.raises(ValueError, match="strings_to_formulas"):
        xlsxout.new_workbook(tmp_path / "x.xlsx", strings_to_formulas=True)


def test_temp_names_are_unique_and_next_to_the_target(tmp_path):
    target = tmp_path / "快递对账_2026-10.xlsx"
    names = {temp_beside(target) for _ in range(50)}
    assert len(names) == 50 and all(n.parent == tmp_path and n.name.startswith(".快递对账_2026-10.") for n in names)


@pytest.mark.parametrize("text, cell", [
    *[(p, "'" + p) for p in PAYLOADS], ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("张三", "张三"), ("1+1", "1+1"), ("", ""),
])
def test_csv_cells_are_prefixed_the_owasp_way(tmp_path, text, cell):
    path = tmp_path / "out.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(xlsxout.csv_row([text, 5]))
    with path.open(newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == [cell, "5"]


def test_report_workbooks_get_the_folders_usual_permissions(tmp_path):
    import os
    import stat

    from automation.sales.xlsx import ReportBook

    with ReportBook(tmp_path / "销售报表.xlsx") as book:
        book.sheet("汇总").write_string(0, 0, "x")
    probe = tmp_path / "probe"
    probe.write_bytes(b"")
    assert stat.S_IMODE(os.stat(tmp_path / "销售报表.xlsx").st_mode) == stat.S_IMODE(os.stat(probe).st_mode)
    assert [p.name for p in tmp_path.iterdir() if ".tmp" in p.name] == []
