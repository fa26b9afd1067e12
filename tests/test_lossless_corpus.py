"""Every workbook of the corpus through `validate` and `flags`, in place and as a copy: nothing of
the user's is lost (issue 8). See tests/lossless_corpus.py for what each workbook holds."""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from automation.sheets.edit import WorkbookEdit
from automation.sheets.writers import apply_edit
from tests import lossless_corpus as corpus

# The parts a run may change; everything else must come out byte for byte.
INTENDED = re.compile(r"^(\[Content_Types\]\.xml|xl/workbook\.xml|xl/_rels/workbook\.xml\.rels|docProps/app\.xml|"
                      r"xl/styles\.xml|xl/worksheets/sheet1\.xml|xl/worksheets/_rels/sheet1\.xml\.rels|"
                      r"xl/comments\d*\.xml|xl/drawings/vmlDrawing\d+\.vml|xl/worksheets/sheet\d+\.xml|customXml/.*)$")


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(params=sorted(corpus.BUILDERS))
def workbook(request, tmp_path) -> Path:
    built = corpus.BUILDERS[request.param](tmp_path / f"{request.param}.xlsx")
    (tmp_path / "logo.png").unlink(missing_ok=True)
    return built


def _changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {n for n in before if after.get(n) != before[n]}


@pytest.mark.parametrize("command", ["validate", "flags"])
def test_inplace_keeps_every_part_it_does_not_need(workbook, command, cli):
    before = parts(workbook)
    result = cli(command, str(workbook), "--inplace")
    assert result.exit_code in (0, 1), result.output
    after = parts(workbook)
    assert set(before) <= set(after), "a part was dropped"
    untouched_changed = {n for n in _changed(before, after) if not INTENDED.match(n)}
    assert not untouched_changed
    # the user's own sheets (and their parts) are never touched, whatever their names
    user_sheets = [n for n in before if n.startswith("xl/worksheets/sheet") and n != "xl/worksheets/sheet1.xml"]
    assert all(after[n] == before[n] for n in user_sheets)
    # a foreign customXml part stays as it was
    for name in before:
        if name.startswith("customXml/"):
            assert after[name] == before[name]
    _readable(workbook)


def test_marks_are_there_and_a_users_sheet_with_our_name_is_kept(workbook, cli):
    result = cli("validate", str(workbook), "--inplace")
    assert result.exit_code == 1
    book = openpyxl.load_workbook(workbook)
    orders = book["订单"]
    noted = [c for row in orders.iter_rows() for c in row if c.comment is not None and "shopbook" in c.comment.text + c.comment.author]
    assert noted, "no note of ours"
    user_had_findings_sheet = "我自己的" in repr([[c.value for c in r] for r in book.worksheets[1].iter_rows()]) if len(book.worksheets) > 1 else False
    ours = "校验结果 (shopbook)" if "校验结果 (shopbook)" in book.sheetnames else "校验结果"
    assert book[ours]["A1"].value == "严重程度"
    if ours != "校验结果":
        assert book["校验结果"]["A1"].value == "我自己的"  # the user's sheet, untouched
        assert "校验结果 (shopbook)" in result.output
    assert not user_had_findings_sheet or ours != "校验结果"


def test_twice_equals_once_and_taking_out_restores_the_original(workbook, cli):
    original = parts(workbook)
    for command in ("validate", "flags"):
        cli(command, str(workbook), "--inplace")
    once = parts(workbook)
    for command in ("validate", "flags"):
        cli(command, str(workbook), "--inplace")
    assert parts(workbook) == once
    # take every mark of ours out again: the user's sheet, notes and drawings are the original bytes
    apply_edit(workbook, WorkbookEdit(job="validate"), inplace=True, on_notice=lambda m: None)
    apply_edit(workbook, WorkbookEdit(job="flags"), inplace=True, on_notice=lambda m: None)
    restored = parts(workbook)
    for name, data in original.items():
        if name in ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "docProps/app.xml", "xl/styles.xml"):
            continue
        assert restored[name] == data, name
    assert _without_our_entries(restored, original) == {n: original[n] for n in
                                                       ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels")}
    _styles_only_appended(original["xl/styles.xml"], restored["xl/styles.xml"])


@pytest.mark.parametrize(("command", "suffix"), [("validate", ".checked"), ("flags", ".flags")])
def test_copy_mode_leaves_the_original_and_keeps_its_parts(workbook, cli, command, suffix):
    before = workbook.read_bytes()
    result = cli(command, str(workbook))
    assert result.exit_code in ((1,) if command == "validate" else (0, 1)), result.output
    assert workbook.read_bytes() == before
    copy = workbook.with_name(f"{workbook.stem}{suffix}{workbook.suffix}")
    changed = {n for n in _changed(parts(workbook), parts(copy)) if not INTENDED.match(n)}
    assert not changed
    _readable(copy)


@pytest.mark.libreoffice
def test_libreoffice_reads_the_same_values(tmp_path, soffice_convert, cli):
    """Every corpus workbook, marked, converts in LibreOffice to the same CSV as the original."""
    pairs = []
    for name, build in corpus.BUILDERS.items():
        folder = tmp_path / name
        folder.mkdir()
        original = build(folder / f"{name}.xlsx")
        marked = folder / f"{name}.marked{original.suffix}"
        shutil.copy(original, marked)
        assert cli("validate", str(marked), "--inplace").exit_code == 1
        pairs += [original, marked]
    converted = soffice_convert(pairs, "csv:Text - txt - csv (StarCalc):44,34,76,1")
    for i in range(0, len(pairs), 2):
        assert _csv(converted[i]) == _csv(converted[i + 1]), pairs[i].name
        assert len(_csv(converted[i])) == len(corpus.ORDERS) + 1 + ("merges" in pairs[i].name)


@pytest.mark.libreoffice
def test_libreoffice_saved_workbook(tmp_path, soffice_convert, cli):
    path = corpus.libreoffice_saved(tmp_path / "lo.xlsx", soffice_convert)
    before = parts(path)
    assert cli("validate", str(path), "--inplace").exit_code == 1
    assert cli("flags", str(path), "--inplace").exit_code in (0, 1)
    after = parts(path)
    assert not {n for n in _changed(before, after) if not INTENDED.match(n)}
    assert all(after[n] == data for n, data in before.items()
               if n.startswith("xl/worksheets/sheet") and n != "xl/worksheets/sheet1.xml")
    rows_before = re.findall(rb"<row\b[^>]*>", before["xl/worksheets/sheet1.xml"])
    rows_after = re.findall(rb"<row\b[^>]*>", after["xl/worksheets/sheet1.xml"])
    assert rows_before == rows_after[:len(rows_before)]  # LibreOffice's customHeight rows kept as they were
    _readable(path)


# ---- helpers ------------------------------------------------------------------------------------------------

def _readable(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(path.read_text(encoding="utf-8", errors="replace").splitlines()))


def _without_our_entries(restored: dict[str, bytes], original: dict[str, bytes]) -> dict[str, bytes]:
    """Content types, workbook and its rels with the entries for parts the original did not have taken out."""
    ours = {n for n in restored if n not in original}
    ct = restored["[Content_Types].xml"]
    for name in ours:
        ct = re.sub(rb'<Override PartName="/' + re.escape(name.encode()) + rb'"[^>]*/>', b"", ct)
    rels = restored["xl/_rels/workbook.xml.rels"]
    removed = []
    for m in re.finditer(rb'<Relationship Id="([^"]+)"[^>]*Target="([^"]+)"/>', rels):
        target = m.group(2).decode()
        resolved = target[1:] if target.startswith("/") else str(Path("xl", target)).replace("\\", "/")
        resolved = re.sub(r"xl/\.\./", "", resolved)
        if resolved in ours:
            removed.append((m.group(0), m.group(1)))
    for element, _ in removed:
        rels = rels.replace(element, b"")
    workbook = restored["xl/workbook.xml"]
    for _, rid in removed:
        workbook = re.sub(rb'<(?:\w+:)?sheet xmlns:r="[^"]+" name="[^"]*" sheetId="\d+" r:id="' + re.escape(rid) + rb'"/>', b"", workbook)
    return {"[Content_Types].xml": ct, "xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels}


def _styles_only_appended(before: bytes, after: bytes) -> None:
    for tag in ("numFmts", "fonts", "fills", "cellXfs"):
        old, new = _items(before, tag), _items(after, tag)
        assert new[:len(old)] == old, tag
    strip = lambda data: re.sub(rb"<((?:\w+:)?(?:numFmts|fonts|fills|cellXfs))\b(?:[^>]*/>|.*?</\1>)", b"", data, flags=re.S)
    assert strip(before) == strip(after)


def _items(data: bytes, tag: str) -> list[bytes]:
    block = re.search(rb"<(?:\w+:)?" + tag.encode() + rb"\b[^>]*>(.*?)</(?:\w+:)?" + tag.encode() + rb">", data, re.S)
    if not block:
        return []
    child = {"numFmts": b"numFmt", "fonts": b"font", "fills": b"fill", "cellXfs": b"xf"}[tag]
    return re.findall(rb"<(?:\w+:)?" + child + rb"\b[^>]*?(?:/>|>.*?</(?:\w+:)?" + child + rb">)", block.group(1), re.S)


@pytest.mark.libreoffice
def test_pivot_table_made_by_libreoffice_is_kept(tmp_path, soffice_convert, cli):
    path = corpus.libreoffice_pivot(tmp_path / "透视.xlsx", soffice_convert)
    before = parts(path)
    pivot_parts = {n for n in before if n.startswith(("xl/pivotTables/", "xl/pivotCache/"))}
    assert pivot_parts
    assert cli("validate", str(path), "--inplace").exit_code == 1
    assert cli("flags", str(path), "--inplace").exit_code in (0, 1)
    after = parts(path)
    assert not {n for n in _changed(before, after) if not INTENDED.match(n)}
    assert all(after[n] == before[n] for n in pivot_parts)
    assert all(after[n] == data for n, data in before.items()
               if n.startswith("xl/worksheets/sheet") and n != "xl/worksheets/sheet1.xml")  # the pivot's own sheet
    assert "校验结果" in openpyxl.load_workbook(path).sheetnames
    _readable(path)
