"""`shopbook init`: a new shop folder with templates, a parseable commented shop.toml and shop files."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib

import openpyxl
import pytest

from automation.commands import init as init_module
from automation.commands.init import compose_shop_toml, snippet_paths
from automation.config import load_config
from automation.paths import data_dir
from automation.shop import Shop
from automation.tables import read_tables
from automation.templates import TEMPLATE_BOOKS

SHOP_SNIPPET = data_dir("workbook_templates") / "shop_toml" / "00-shop.toml"


def _uncomment_examples(text: str) -> str:
    """Enable every commented-out example line (keys and table headers), keep the explanations."""
    return re.sub(r'(?m)^# (?=\[|\w+ = |"[^"]+" = )', "", text)


def test_init_creates_templates_and_a_shop_toml_that_loads(cli, tmp_path):
    target = tmp_path / "我的店"
    result = cli("init", str(target))
    assert result.exit_code == 0, result.output
    for book in TEMPLATE_BOOKS:
        kinds = [tb.kind for tb in read_tables(target / book.filename)]
        assert kinds == list(book.kinds)
    config_path = target / "shop.toml"
    assert config_path.read_text(encoding="utf-8") == compose_shop_toml()
    cfg = load_config(config_path)
    assert cfg.path == config_path and cfg.timezone == "Asia/Shanghai" and cfg.out_dir == "reports/out"
    assert [(s.name, s.start, s.end) for s in cfg.shifts] == [("白班", "09:00", "17:30"), ("晚班", "17:30", "22:30")]
    shop = Shop.open(target)
    assert shop.require("orders").records == []
    assert shop.calendar.is_workday(dt.date(2026, 10, 10))  # the National Day make-up Saturday
    assert not shop.calendar.is_workday(dt.date(2026, 10, 2))


def test_every_snippet_is_valid_toml_and_they_compose_in_name_order():
    paths = snippet_paths()
    assert paths[0].name == "00-shop.toml" and [p.name for p in paths] == sorted(p.name for p in paths)
    for path in paths:
        tomllib.loads(path.read_text(encoding="utf-8"))  # raises on a broken snippet
    composed = compose_shop_toml()
    tomllib.loads(composed)
    positions = [composed.index(p.read_text(encoding="utf-8").strip("\n")) for p in paths]
    assert positions == sorted(positions)


def test_shop_snippet_examples_are_valid_when_enabled(tmp_path):
    """Staff, promotions, rest days and header mappings shown as comments work once uncommented."""
    path = tmp_path / "shop.toml"
    path.write_text(_uncomment_examples(SHOP_SNIPPET.read_text(encoding="utf-8")), encoding="utf-8")
    cfg = load_config(path)
    assert {p.role for p in cfg.staff} <= {"客服", "客服主管", "仓库", "发货", "在线编辑", "文案", "美工", "负责人"}
    agent = cfg.person("陈静")
    assert agent and agent.role == "客服" and agent.shift == "晚班" and agent.supervisor == "李娜"
    assert cfg.promotion_at(dt.datetime(2026, 11, 11, 0, 5)).name == "双十一"
    assert cfg.section("calendar")["rest_days"] == ["周日"]
    shop = Shop.open(path.parent)
    assert dict(shop.own_headers["orders"])["顾客手机"] == "phone"
    assert not shop.calendar.is_workday(dt.date(2026, 11, 22))  # a Sunday
    assert shop.calendar.is_workday(dt.date(2026, 11, 21))  # Saturday is a working day with rest_days = 周日


def test_init_refuses_a_folder_that_is_not_empty(cli, tmp_path):
    (tmp_path / "账本.xlsx").write_bytes(b"theirs")
    result = cli("init", str(tmp_path))
    assert result.exit_code == 2
    assert str(tmp_path) in result.stderr and "--force" in result.stderr and "Traceback" not in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["账本.xlsx"]
    assert (tmp_path / "账本.xlsx").read_bytes() == b"theirs"


def test_init_refuses_a_file(cli, tmp_path):
    path = tmp_path / "shop"
    path.write_text("x", encoding="utf-8")
    result = cli("--lang", "en", "init", str(path))
    assert result.exit_code == 2 and "is a file" in result.stderr


def test_force_keeps_existing_workbooks_and_shop_toml(cli, tmp_path):
    orders = tmp_path / "订单.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "订单"
    book.active.append(["订单编号", "收货人姓名", "联系手机"])
    book.active.append(["5121910154426014049", "赵六", "13812345678"])
    book.save(orders)
    orders_before = orders.read_bytes()
    own_config = '[shop]\nname = "老王小店"\n'
    (tmp_path / "shop.toml").write_text(own_config, encoding="utf-8")

    result = cli("init", str(tmp_path), "--force")
    assert result.exit_code == 0, result.output
    assert orders.read_bytes() == orders_before
    assert read_tables(orders)[0].records[0].data["order_id"] == "5121910154426014049"
    assert (tmp_path / "shop.toml").read_text(encoding="utf-8") == own_config
    kept = [line for line in result.output.splitlines() if "保留" in line]
    assert any("订单.xlsx" in line for line in kept) and any("shop.toml" in line for line in kept)
    for book in TEMPLATE_BOOKS[1:]:
        assert (tmp_path / book.filename).exists()  # the missing ones were added


@pytest.fixture
def fake_data(tmp_path, monkeypatch):
    """A workbook_templates folder with the real snippets plus shop files, seen only by init."""
    root = tmp_path / "data" / "workbook_templates"
    shutil.copytree(SHOP_SNIPPET.parent, root / "shop_toml")
    files = root / "shop_files"
    (files / "规则").mkdir(parents=True)
    (files / "penalties.toml").write_bytes('# 扣分规则\n[penalties]\nmonthly_cap = 20\n'.encode())
    (files / "规则" / "说明.txt").write_bytes("第一条\r\n".encode("gb18030"))
    monkeypatch.setattr(init_module, "data_dir", lambda name: tmp_path / "data" / name)
    return files


def test_shop_files_are_copied_verbatim_and_never_overwritten(cli, tmp_path, fake_data):
    target = tmp_path / "店"
    assert cli("init", str(target)).exit_code == 0
    for source in ("penalties.toml", "规则/说明.txt"):
        assert (target / source).read_bytes() == (fake_data / source).read_bytes()

    (target / "penalties.toml").write_text("[penalties]\nmonthly_cap = 30\n", encoding="utf-8")
    result = cli("init", str(target), "--force")
    assert result.exit_code == 0
    assert "monthly_cap = 30" in (target / "penalties.toml").read_text(encoding="utf-8")


def test_init_without_shop_files_folder(cli, tmp_path, fake_data):
    shutil.rmtree(fake_data)
    target = tmp_path / "店"
    assert cli("init", str(target)).exit_code == 0
    assert sorted(p.name for p in target.iterdir()) == sorted([b.filename for b in TEMPLATE_BOOKS] + ["shop.toml", "shopbook按钮.xlsm", "校验.cmd"])  # + the 控制台 workbook and the WPS launcher


@pytest.mark.parametrize("command", ["init", "templates"])
def test_a_folder_that_cannot_be_created_is_one_clear_line(cli, tmp_path, command):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = cli(command, str(blocker / "店"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 and str(blocker / "店") in result.stderr
