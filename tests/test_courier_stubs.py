"""The daily stub check on real workbooks: counts, missing stubs, weights, archive age, claims/deductions."""

import datetime as dt
import json

import openpyxl
from click.testing import CliRunner

from automation.cli import cli


def _book(path, sheet, rows):
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    book.save(path)


def _shop(root):
    root.mkdir(exist_ok=True)
    (root / "shop.toml").write_text("[stubs]\nweight_tolerance_kg = 0.2\narchive_days = 15\n", encoding="utf-8")
    d = dt.date(2026, 10, 20)
    _book(root / "发货.xlsx", "发货登记", [["发货日期", "订单编号", "快递公司", "快递单号", "重量(kg)"],
          [d, "O1", "中通快递", "77000000000001", 1.0],
          [d, "O2", "中通快递", "77000000000002", 1.0],     # no stub
          [d, "O3", "中通快递", "77000000000003", 1.0],     # stub weighs 1.5: over 0.2
          [d, "O4", "圆通", "YT0000000000004", 2.0],        # lost
          [d, "O5", "圆通", "YT0000000000005", 2.0]])       # undeliverable
    _book(root / "底单.xlsx", "快递底单", [["揽收日期", "快递公司", "快递单号", "底单重量(kg)", "底单状态", "已归档"],
          [d, "中通", "77000000000001", 1.1, "正常", "否"],
          [d, "中通", "77000000000003", 1.5, "正常", "否"],
          [d, "中通", "77000000000099", 0.5, "正常", "否"],  # no shipment
          [d, "圆通", "YT0000000000004", 2.0, "丢件", "否"],
          [d, "圆通", "YT0000000000005", 2.0, "无法送达", "否"],
          [dt.date(2026, 10, 1), "中通", "77000000000050", 1, "正常", "否"],   # 19 days old, not archived
          [dt.date(2026, 10, 2), "中通", "77000000000051", 1, "正常", "是"]])  # archived
    _book(root / "订单.xlsx", "订单", [["订单编号", "买家会员名", "宝贝标题", "买家实际支付金额"],
          ["O4", "tb_buyer", "纯棉圆领T恤 白色 L", 59.0]])
    return root


def test_stub_check_finds_each_problem(tmp_path):
    root = _shop(tmp_path / "shop")
    result = CliRunner().invoke(cli, ["stubs", str(root), "--date", "2026-10-20", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    f = data["findings"]
    assert [r["waybill"] for r in f["missing_stub"]] == ["77000000000002"]
    assert [r["waybill"] for r in f["no_shipment"]] == ["77000000000099"]
    assert [(r["waybill"], r["weight_diff_g"]) for r in f["weight"]] == [("77000000000003", 500)]
    assert [r["waybill"] for r in f["unarchived"]] == ["77000000000050"]
    assert [(r["waybill"], r["order_id"], r["items"]) for r in f["claim"]] == [("YT0000000000004", "O4", "纯棉圆领T恤 白色 L")]
    assert [r["waybill"] for r in f["deduct"]] == ["YT0000000000005"]
    assert f["count"] == []  # 中通 3 shipped / 3 stubs (one stub is someone else's), 圆通 2 / 2
    book = openpyxl.load_workbook(data["written"])
    assert book["汇总"].freeze_panes == "A4" and {"缺底单", "重量不符", "未归档底单", "索赔清单", "扣减清单"} <= set(book.sheetnames)
    assert book["缺底单"]["C2"].value == "77000000000002"


def test_month_counts_per_day_and_courier(tmp_path):
    root = _shop(tmp_path / "shop")
    result = CliRunner().invoke(cli, ["stubs", str(root), "--month", "2026-10", "--json"])
    counts = {(r["date"], r["courier"]): (r["shipped"], r["stubs"]) for r in json.loads(result.output)["findings"]["count"]}
    assert counts == {("2026-10-01", "中通"): (0, 1), ("2026-10-02", "中通"): (0, 1)}


def test_date_and_month_are_exclusive(tmp_path):
    root = _shop(tmp_path / "shop")
    result = CliRunner().invoke(cli, ["stubs", str(root), "--date", "2026-10-20", "--month", "2026-10"])
    assert result.exit_code == 2 and "--month" in result.output
