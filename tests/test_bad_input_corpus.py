"""Every case of the generated bad-input corpus (tests/bad_input_corpus.py): the exit code, one line
that says what, where and what to do, no traceback, every input file byte-for-byte unchanged."""

from __future__ import annotations

import errno
import hashlib
import subprocess
import sys
import textwrap

import pytest

from tests.bad_input_corpus import CASES, orders_xlsx
from tests.sheet_builders import xlsx


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_corpus_has_at_least_100_cases():
    assert len(CASES) >= 100


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(cli, tmp_path, name):
    case = CASES[name](tmp_path)
    before = {p: _digest(p) for p in case.inputs}
    result = cli(*case.args)
    assert "Traceback" not in result.output
    assert result.exit_code == case.exit_code, result.output
    if case.exit_code in (0, 1):  # read, and the findings (exit 1) or the records say what is there
        for needle in case.needles:
            assert needle in result.stdout, (needle, result.stdout)
    else:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("错误：") or lines[0].startswith("Error: ")
        for needle in case.needles:
            assert needle in lines[0], (needle, lines[0])
    assert {p: _digest(p) for p in case.inputs} == before


FAR_CELLS = {"XFD1048576": (1048575, 16383), "AAA500000": (499999, 702), "A1048576+AAA1": None}


@pytest.mark.parametrize("corner", sorted(FAR_CELLS))
def test_a_far_away_cell_is_refused_before_the_reader_allocates_it(tmp_path, corner):
    """calamine aborts the whole process (rc 134) on such a file, so this runs in a subprocess."""
    import xlsxwriter

    path = tmp_path / "订单.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("订单")
    sheet.write_row(0, 0, ["订单编号", "买家会员名"])
    sheet.write_row(1, 0, ["1001", "小王"])
    if FAR_CELLS[corner]:
        sheet.write(*FAR_CELLS[corner], "x")
    else:
        sheet.write(1048575, 0, "x")
        sheet.write(0, 702, "x")
    book.close()
    assert path.stat().st_size < 10_000
    before = _digest(path)
    script = textwrap.dedent(f"""
        import sys
        from automation.cli import cli
        sys.exit(cli(["inspect", {str(path)!r}], prog_name="shopbook", standalone_mode=True))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "订单" in lines[0] and "删除" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert _digest(path) == before


@pytest.mark.parametrize("code, needle", [(errno.ENOSPC, "磁盘空间不足"), (errno.EACCES, "没有权限"), (errno.EROFS, "只读"),
                                         (errno.EIO, "无法读写")])
def test_a_failing_write_is_one_line_naming_the_path(cli, tmp_path, monkeypatch, code, needle):
    """The disk cannot really be filled or made read-only here (tests run as root), so creating the
    output folder fails the way the OS makes it fail: an OSError with that errno and the path."""
    from pathlib import Path

    from tests.courier_helpers import write_shop

    root = write_shop(tmp_path / "店")
    inputs = [root / "底单.xlsx", root / "发货.xlsx"]
    before = {p: _digest(p) for p in inputs}
    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if "reports" in self.parts:
            raise OSError(code, "simulated", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    result = cli("stubs", str(root), "--month", "2026-10")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert needle in lines[0] and str(root / "reports") in lines[0]
    assert {p: _digest(p) for p in inputs} == before


def test_readable_xls_and_ods(cli, tmp_path, soffice_convert):
    """Real .xls and .ods files (made by LibreOffice from an xlsx) are read like the xlsx."""
    source = xlsx(tmp_path / "订单.xlsx", {"订单": [["订单编号", "买家会员名"], ["1001", "小王😀"]]})
    for fmt in ("xls", "ods"):
        converted = soffice_convert(source, fmt)
        before = _digest(converted)
        result = cli("inspect", str(converted))
        assert result.exit_code == 0 and "订单编号" in result.stdout, result.output
        assert _digest(converted) == before
