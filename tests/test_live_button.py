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

from automation.commands.xlwings_cmd import ACTIONS, COMPANION_NAME, CONFIG_SHEET, CONSOLE_ACTION, GUIDE_SHEET, run_python
from automation.console import ACTION_CELL, CONSOLE_SHEET, TARGET_CELL, job_labels
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
        vml = "".join(archive.read(n).decode() for n in sorted(archive.namelist()) if n.endswith(".vml"))
        rels = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/_rels/"))
    buttons = re.findall(r'<x:ClientData ObjectType="Button">.*?</x:ClientData>', vml, re.S)
    macros = sorted(re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", b).group(1) for b in buttons)
    expected = [f"'RunPython &quot;{run_python(action)}&quot;'" for action in [CONSOLE_ACTION, *(a for a, _ in ACTIONS)]]
    assert macros == sorted(expected)
    assert ">校验<" in vml and ">旗帜<" in vml and ">运行<" in vml
    assert len(re.findall(r"Target=\"../drawings/vmlDrawing\d+.vml\"", rels)) == 2  # 运行 on 控制台; 校验, 旗帜 on 说明

    book = openpyxl.load_workbook(companion, keep_vba=True)
    assert book.sheetnames == [CONSOLE_SHEET, GUIDE_SHEET, CONFIG_SHEET]
    assert book[GUIDE_SHEET]["B3"].value == str(orders.resolve())
    guide_text = " ".join(str(c.value) for c in book[GUIDE_SHEET]["B"] if c.value)
    assert "INTERPRETER_WIN" in guide_text and "xlwings runpython install" in guide_text  # Windows and Mac set-up
    conf = {row[0]: row[1] for row in book[CONFIG_SHEET].iter_rows(values_only=True)}
    assert Path(conf["PYTHONPATH"], "automation", "button.py").exists()
    console_sheet = book[CONSOLE_SHEET]
    assert console_sheet[ACTION_CELL].value == "校验" and console_sheet[TARGET_CELL].value == str(orders.resolve())
    (validation,) = console_sheet.data_validations.dataValidation
    assert str(validation.sqref) == ACTION_CELL
    assert validation.formula1 == '"' + ",".join(job_labels()) + '"'
    assert job_labels() == ["校验", "旗帜", "底单核对", "月度对账", "扣分报表", "销售报表", "生成月报邮件"]


def test_the_readable_bas_runs_the_same_commands_as_the_buttons():
    source = (ROOT / "macros" / "shopbook.bas").read_text(encoding="utf-8")
    calls = re.findall(r'RunPython "([^"]+)"', source)
    assert calls == [run_python(action) for action, _ in ACTIONS] + [run_python(CONSOLE_ACTION)]
    import automation.button as button
    import automation.console

    for action, _ in ACTIONS:
        assert callable(getattr(button, action))
    assert callable(automation.console.run)


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
    assert rows[0][0] == "shopbook 控制台"  # the console is the sheet the workbook opens on
    assert rows[2][:2] == ["操作", "校验"] and rows[4][1] == str(orders.resolve())


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
