"""Bad input: one clear line naming the file and what to do, exit code 2, no traceback, file untouched."""

from __future__ import annotations

import hashlib
import io

import msoffcrypto.format.ooxml
import pytest

from tests.sheet_builders import xlsx


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_clean_failure(result, *needles):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_missing_file(cli, tmp_path):
    _assert_clean_failure(cli("inspect", str(tmp_path / "没有.xlsx")), "没有.xlsx", "找不到文件")


def test_not_a_spreadsheet(cli, tmp_path):
    fake = tmp_path / "订单.xlsx"
    fake.write_text("这不是表格", encoding="utf-8")
    before = _digest(fake)
    _assert_clean_failure(cli("inspect", str(fake)), "订单.xlsx", ".xlsx")
    assert _digest(fake) == before


@pytest.mark.parametrize("name", ["notes.docx", "garbage.xls"])
def test_other_files(cli, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x00\x01garbage" * 50)
    _assert_clean_failure(cli("inspect", str(path)), name)


def test_password_protected_workbook(cli, tmp_path):
    plain = xlsx(tmp_path / "plain.xlsx", {"订单": [["订单编号", "收货人姓名"], ["1001", "赵六"]]})
    encrypted = tmp_path / "加密.xlsx"
    with plain.open("rb") as source, encrypted.open("wb") as target:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt("secret", target)
    before = _digest(encrypted)
    _assert_clean_failure(cli("inspect", str(encrypted)), "加密.xlsx", "密码")
    assert _digest(encrypted) == before


def test_no_recognisable_header(cli, tmp_path):
    path = xlsx(tmp_path / "随便.xlsx", {"Sheet1": [["今天天气不错"], ["a", "b", "c"]]})
    _assert_clean_failure(cli("inspect", str(path)), "随便.xlsx", "表头")


def test_no_header_for_the_requested_kind(cli, tmp_path):
    path = xlsx(tmp_path / "x.xlsx", {"Sheet1": [["随便", "写写"], ["a", "b"]]})
    _assert_clean_failure(cli("inspect", str(path), "--kind", "stubs"), "x.xlsx", "Sheet1", "快递单号")


def test_unknown_kind_is_a_usage_error(cli, tmp_path):
    path = xlsx(tmp_path / "x.xlsx", {"Sheet1": [["订单编号"], ["1"]]})
    result = cli("inspect", str(path), "--kind", "nonsense")
    assert result.exit_code == 2 and "nonsense" in result.output and "Traceback" not in result.output


def test_english_messages_on_request(cli, tmp_path):
    result = cli("--lang", "en", "inspect", str(tmp_path / "missing.xlsx"))
    _assert_clean_failure(result, "File not found", "missing.xlsx")
    result = cli("inspect", str(tmp_path / "missing.xlsx"), env={"SHOPBOOK_LANG": "en"})
    _assert_clean_failure(result, "File not found")


def test_broken_shop_toml_is_named(cli, tmp_path):
    xlsx(tmp_path / "订单.xlsx", {"订单": [["订单编号", "收货人姓名"], ["1001", "赵六"]]})
    (tmp_path / "shop.toml").write_text("[shop\nname = ", encoding="utf-8")
    _assert_clean_failure(cli("inspect", str(tmp_path / "订单.xlsx")), "shop.toml")
