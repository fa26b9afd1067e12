"""Issue 12 (`shopbook demo` ≤ 10 s, first run): the demo's workbooks are written by two processes
where a process can fork (automation/demo/write.py), and what `meanwhile` does runs beside the
child. Who writes a file must not change a byte of it, and a child that fails costs time, not files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from automation.demo import write
from demo_helpers import demo  # noqa: F401  (the session's demo shop, written in parallel where it can be)

SMALL = ("交接本.xlsx", "人员与考核.xlsx", "售后.xlsx", "客服.xlsx")
forking = pytest.mark.skipif(not write._can_fork(), reason="the workbooks are written in one process here")


def _sheets(demo, files=None):  # noqa: F811
    return [s for s in demo.world.sheets.values() if files is None or s.file in files]


def _bytes(folder: Path, names) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in names}


def test_one_process_writes_the_same_bytes_as_two(demo, tmp_path):  # noqa: F811
    written = write.write_workbooks(tmp_path, _sheets(demo), parallel=False)
    names = [p.relative_to(tmp_path).as_posix() for p in written]
    assert len(names) == 11 and names[0] == "订单.xlsx"
    assert _bytes(tmp_path, names) == _bytes(demo.folder, names)


@forking
def test_meanwhile_runs_in_this_process_while_the_child_writes(demo, tmp_path):  # noqa: F811
    ran, sheets = [], _sheets(demo, SMALL)
    written = write.write_workbooks(tmp_path, sheets, meanwhile=lambda: ran.append(os.getpid()))
    assert ran == [os.getpid()]
    assert [p.name for p in written] == list(dict.fromkeys(s.file for s in sheets))  # in order, whoever wrote them
    assert _bytes(tmp_path, SMALL) == _bytes(demo.folder, SMALL)


def test_the_largest_workbook_goes_to_the_child_when_this_process_has_more_to_do(demo):  # noqa: F811
    by_file = {}
    for sheet in _sheets(demo):
        by_file.setdefault(sheet.file, []).append(sheet)
    mine, theirs = write._split(by_file, head_start=write.MEANWHILE_CELLS)
    assert "订单.xlsx" in theirs and set(mine) | set(theirs) == set(by_file) and not set(mine) & set(theirs)
    even_mine, even_theirs = write._split(by_file, head_start=0)
    cells = [sum(len(s.rows) * len(s.headers) for m in g.values() for s in m) for g in (even_mine, even_theirs)]
    assert abs(cells[0] - cells[1]) < max(cells) * 0.25  # about half each


@forking
def test_a_failing_child_leaves_its_workbooks_to_this_process(demo, tmp_path, monkeypatch, capfd):  # noqa: F811
    parent, real = os.getpid(), write._write_books

    def broken_in_child(root, by_file):
        if os.getpid() != parent:
            raise OSError("disk full (in the child)")
        real(root, by_file)

    monkeypatch.setattr(write, "_write_books", broken_in_child)
    write.write_workbooks(tmp_path, _sheets(demo, SMALL))
    assert _bytes(tmp_path, SMALL) == _bytes(demo.folder, SMALL)
    assert "disk full (in the child)" in capfd.readouterr().err  # the child's error is not swallowed silently



@forking
def test_without_a_second_process_this_one_writes_everything(demo, tmp_path, monkeypatch):  # noqa: F811
    import multiprocessing.process

    def refused(self):
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refused)
    written = write.write_workbooks(tmp_path, _sheets(demo, SMALL), meanwhile=lambda: None)
    assert sorted(p.name for p in written) == sorted(SMALL)
    assert _bytes(tmp_path, SMALL) == _bytes(demo.folder, SMALL)
