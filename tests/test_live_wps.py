"""The WPS route: 校验.cmd, a drop target that marks a closed workbook in place and reopens it.

cmd.exe does not run here (Linux CI): these tests hold the script to what it must say — CRLF lines
(cmd mis-parses labels in LF files), UTF-8 with chcp 65001, waiting on both lock files, the exact
CLI call — and run that CLI call on a real workbook. What the script does on a real Windows with
WPS is not verified here (docs/live.md says so).
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from automation.commands.xlwings_cmd import WPS_LAUNCHER
from automation.paths import data_dir
from tests.sheet_builders import xlsx

LAUNCHER = data_dir("macros") / WPS_LAUNCHER


def _lines() -> list[str]:
    raw = LAUNCHER.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "校验.cmd must have CRLF line endings"
    return raw.decode("utf-8").split("\r\n")


def test_launcher_waits_for_the_workbook_to_close_then_marks_in_place_and_reopens():
    lines = _lines()
    assert lines[0] == "@echo off" and "chcp 65001 >nul" in lines
    script = "\n".join(lines)
    assert 'set "LOCK=%~dp1~$%~nx1"' in script  # Excel's and WPS's owner file
    assert 'set "WPSLOCK=%~dp1.~%~nx1#"' in script
    waits = script.index(":wait")
    runs = script.index('shopbook validate --inplace "%BOOK%"')
    reopens = script.index('start "" "%BOOK%"')
    assert waits < runs < reopens
    assert re.search(r'2>nul \(>>"%BOOK%" call \) \|\| goto :sleep', script)  # still open for writing: wait
    assert "if \"%RESULT%\"==\"2\" goto :failed" in script  # bad input: do not reopen a file we did not mark


def test_the_cli_call_the_launcher_makes_marks_the_workbook_in_place(cli, tmp_path):
    path = xlsx(tmp_path / "订单.xlsx", {"订单": [["订单编号", "订单状态", "买家应付货款"], ["123", "交易成功", "abc"]]})
    command = re.search(r"^shopbook (validate --inplace) ", "\n".join(_lines()), re.M).group(1).split()
    result = cli(*command, str(path))
    assert result.exit_code in (0, 1), result.output
    marked = openpyxl.load_workbook(path)
    assert "校验结果" in marked.sheetnames  # the workbook itself, not a .checked copy
    assert not (tmp_path / "订单.checked.xlsx").exists()


def test_init_puts_the_launcher_in_the_shop_folder(cli, tmp_path):
    assert cli("init", str(tmp_path / "店")).exit_code == 0
    assert (tmp_path / "店" / WPS_LAUNCHER).read_bytes() == LAUNCHER.read_bytes()
