"""`shopbook button`: the companion .xlsm with the VBA project, two buttons and the xlwings.conf sheet."""

from __future__ import annotations

import csv
import hashlib
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from oletools.olevba import VBA_Parser

from automation.commands.xlwings_cmd import ACTIONS, COMPANION_NAME, CONFIG_SHEET, GUIDE_SHEET, run_python
from tests.sheet_builders import xlsx

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def orders(tmp_path) -> Path:
    return xlsx(tmp_path / "订单.xlsx", {"订单": [["订单编号", "订单状态"], ["123", "交易成功"]]})


def test_button_writes_a_companion_with_vba_buttons_and_config(cli, orders):
    before = hashlib.sha256(orders.read_bytes()).hexdigest()
    result = cli("button", str(orders))
    assert result.exit_code == 0, result.output
    companion = orders.with_name(COMPANION_NAME)
    assert companion.exists()
    assert hashlib.sha256(orders.read_bytes()).hexdigest() == before  # the user's workbook is untouched

    parser = VBA_Parser(str(companion))
    modules = {Path(stream).name: code for _, stream, _, code in parser.extract_macros()}
    parser.close()
    assert re.search(r"Public Function RunPython\(PythonCommand As String\)", modules["xlwings"])
    assert re.search(r"Sub SampleCall\(\)\s+.*\n\s+RunPython \"import \" & mymodule", modules["Module1"])

    with zipfile.ZipFile(companion) as archive:
        vml = next(archive.read(n).decode() for n in archive.namelist() if n.endswith(".vml"))
        sheet_rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    buttons = re.findall(r'<x:ClientData ObjectType="Button">.*?</x:ClientData>', vml, re.S)
    assert len(buttons) == 2
    for (action, _), button in zip(ACTIONS, buttons):
        macro = re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", button).group(1)
        assert macro == f"'RunPython &quot;{run_python(action)}&quot;'"
    assert ">校验<" in vml and ">旗帜<" in vml
    assert "vmlDrawing" in sheet_rels

    book = openpyxl.load_workbook(companion, keep_vba=True)
    assert book.sheetnames == [GUIDE_SHEET, CONFIG_SHEET]
    assert book[GUIDE_SHEET]["B3"].value == str(orders.resolve())
    conf = {row[0]: row[1] for row in book[CONFIG_SHEET].iter_rows(values_only=True)}
    assert Path(conf["PYTHONPATH"], "automation", "button.py").exists()


def test_the_readable_bas_runs_the_same_commands_as_the_buttons():
    source = (ROOT / "macros" / "shopbook.bas").read_text(encoding="utf-8")
    calls = re.findall(r'RunPython "([^"]+)"', source)
    assert calls == [run_python(action) for action, _ in ACTIONS]
    import automation.button as button

    for action, _ in ACTIONS:
        assert callable(getattr(button, action))


def test_button_refuses_a_missing_workbook_and_an_open_companion(cli, orders, tmp_path):
    result = cli("button", str(tmp_path / "没有.xlsx"))
    assert result.exit_code == 2 and "没有.xlsx" in result.output
    (orders.parent / f"~${COMPANION_NAME}").write_text("lock")
    result = cli("button", str(orders))
    assert result.exit_code == 2 and COMPANION_NAME in result.output


@pytest.mark.libreoffice
def test_companion_opens_in_libreoffice(cli, orders, soffice_convert):
    assert cli("button", str(orders)).exit_code == 0
    converted = soffice_convert(orders.with_name(COMPANION_NAME), "csv:Text - txt - csv (StarCalc):44,34,76")  # UTF-8
    rows = list(csv.reader(converted.read_text(encoding="utf-8", errors="replace").splitlines()))
    assert rows[0][0] == "shopbook 按钮"
    assert rows[2][1] == str(orders.resolve())


def test_missing_xlwings_message_names_the_range_pyproject_pins(monkeypatch):
    import tomllib

    from automation.commands import xlwings_cmd
    from automation.errors import UserError

    pins = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert xlwings_cmd.XLWINGS_REQUIREMENT in [p.replace(" ", "") for p in pins]
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(UserError) as caught:
        xlwings_cmd.quickstart_vba_project()
    assert 'pip install "xlwings>=0.37.5,<0.38"' in str(caught.value)
