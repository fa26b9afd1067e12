"""Apply a `WorkbookEdit` to a workbook file with openpyxl: an annotated copy, or the file itself.

The copy is the default because openpyxl's load + save is not lossless (field notes): it drops
shapes, sparklines, slicers and x14 extensions and rewrites charts. Writing in place is allowed only
when `inplace_blockers` finds nothing of that kind in the file's zip parts. Every write goes to a
temporary file in the target's folder and replaces the target atomically; an in-place write first
keeps a backup in `.shopbook-backup/`. A workbook open in Excel/WPS/LibreOffice is never replaced.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..errors import UserError
from ..i18n import register, t
from .edit import FORMULA_TRIGGERS, SEVERITY_FILLS, CellMark, NewSheet, WorkbookEdit

BACKUP_DIR = ".shopbook-backup"
NOTE_AUTHOR = "shopbook"
NOTE_SEPARATOR = "\n—— shopbook ——\n"  # our text after the user's own note; replaced on every run
NOTE_SIZE = (110, 320)  # height, width in px: room for code + message + fix
# openpyxl writes every note back at its own size ("height", "width"): the default, or ours above
REWRITTEN_NOTE_SIZES = {("79px", "144px"), (f"{NOTE_SIZE[0]}px", f"{NOTE_SIZE[1]}px")}

register({
    "writers.inplace_refused": ("无法直接改写 {path}：{reasons}。已改为另存带标注的副本 {copy}。",
                                "Cannot write {path} in place: {reasons}. Wrote the annotated copy {copy} instead."),
    "writers.no_inplace_format": ("{suffix} 文件无法原样改写", "a {suffix} file cannot be rewritten as it is"),
    "writers.loss.chart": ("含图表（会被重绘，格式可能丢失）", "it has charts (they would be redrawn and may lose formatting)"),
    "writers.loss.shape": ("含形状/文本框（会丢失）", "it has shapes or text boxes (they would be lost)"),
    "writers.loss.image": ("含图片（未安装 Pillow 时会丢失）", "it has pictures (lost without Pillow)"),
    "writers.loss.control": ("含表单控件/ActiveX 控件（会丢失）", "it has form or ActiveX controls (they would be lost)"),
    "writers.loss.sparkline": ("含迷你图（会丢失）", "it has sparklines (they would be lost)"),
    "writers.loss.slicer": ("含切片器/日程表（会丢失）", "it has slicers or timelines (they would be lost)"),
    "writers.loss.extension": ("含 Excel 2010 以上的扩展（部分数据验证、数据条等，会丢失）",
                               "it has Excel 2010+ extensions (some data validation, data bars; they would be lost)"),
    "writers.loss.pivot": ("含数据透视表（可能被改动）", "it has pivot tables (they may be changed)"),
    "writers.loss.external": ("含外部链接（可能被改动）", "it has external links (they may be changed)"),
    "writers.loss.threaded": ("含批注（新版“批注”会丢失，只剩旧版“注释”）", "it has threaded comments (only the legacy notes would survive)"),
    "writers.loss.richdata": ("含单元格内图片/复选框（会丢失）", "it has pictures or checkboxes in cells (they would be lost)"),
    "writers.loss.model": ("含数据模型（会丢失）", "it has a data model (it would be lost)"),
    "writers.loss.formula": ("含公式（保存后公式的计算结果要等 Excel 重新计算才会出现）",
                             "it has formulas (their cached results would be cleared until Excel recalculates)"),
    "writers.loss.note_size": ("含调整过大小的注释（大小会被重置）", "it has resized notes (their size would be reset)"),
    "writers.loss.vba": ("含宏，但文件扩展名不是 .xlsm（宏会丢失）", "it has macros but is not .xlsm (they would be lost)"),
})

_PART_LOSSES = (  # zip part name pattern -> loss key
    (re.compile(r"xl/charts/chart\d+\.xml$"), "chart"),
    (re.compile(r"xl/(ctrlProps|activeX)/"), "control"),
    (re.compile(r"xl/(slicers|slicerCaches|timelines|timelineCaches)/"), "slicer"),
    (re.compile(r"xl/(pivotTables|pivotCache)/"), "pivot"),
    (re.compile(r"xl/externalLinks/"), "external"),
    (re.compile(r"xl/threadedComments/"), "threaded"),
    (re.compile(r"xl/richData/"), "richdata"),
    (re.compile(r"xl/model/"), "model"),
)
_SHAPE = re.compile(rb"<(?:\w+:)?(?:sp|grpSp|cxnSp)[\s>]")
_PICTURE = re.compile(rb"<(?:\w+:)?pic[\s>]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VML_SHAPE = re.compile(rb"<v:shape\b[^>]*>.*?</v:shape>", re.DOTALL)
_VML_SIZE = re.compile(rb"width:\s*([\d.]+\w*)\s*;\s*height:\s*([\d.]+\w*)")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML 1.0 forbids these; openpyxl would raise


def inplace_blockers(path: Path) -> list[str]:
    """What an openpyxl round trip of this file would lose or change, as message keys (empty: lossless)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        return ["writers.no_inplace_format"]
    found: list[str] = []
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UserError("err.corrupt", path=path, detail=str(exc)[:120] or type(exc).__name__) from exc
    with archive:
        names = archive.namelist()
        for name in names:
            found += [key for pattern, key in _PART_LOSSES if pattern.match(name)]
            if name.startswith("xl/drawings/") and name.endswith(".xml"):
                found += _drawing_losses(archive.read(name))
            elif name.startswith("xl/drawings/") and name.endswith(".vml"):
                found += _vml_losses(archive.read(name), keep_vba=suffix == ".xlsm")
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += _sheet_losses(archive.read(name))
        if suffix == ".xlsx" and any(n.startswith("xl/vba") for n in names):
            found.append("vba")
    return sorted(set(found), key=found.index)


def _drawing_losses(xml: bytes) -> list[str]:
    out = ["shape"] if _SHAPE.search(xml) else []
    try:
        import PIL  # noqa: F401  openpyxl keeps pictures only when Pillow is installed
    except ImportError:
        out += ["image"] if _PICTURE.search(xml) else []
    return out


def _vml_losses(vml: bytes, keep_vba: bool) -> list[str]:
    """Legacy drawings hold notes and form controls. With keep_vba openpyxl keeps the VML as it is."""
    if keep_vba:
        return []
    out = []
    for shape in _VML_SHAPE.findall(vml):
        kind = re.search(rb'ObjectType="(\w+)"', shape)
        if kind and kind.group(1) != b"Note":
            out.append("control")
        elif (size := _VML_SIZE.search(shape)) and (size.group(2).decode(), size.group(1).decode()) not in REWRITTEN_NOTE_SIZES:
            out.append("note_size")
    return out


def _sheet_losses(xml: bytes) -> list[str]:
    out = []
    if b"sparklineGroup" in xml:
        out.append("sparkline")
    if b"<extLst" in xml:
        out.append("extension")
    if b"<controls" in xml or b"<oleObjects" in xml:
        out.append("control")
    if _FORMULA.search(xml):
        out.append("formula")
    return out


def describe(keys: list[str], suffix: str = "") -> str:
    """The blockers as one line for the user."""
    return "；".join(t(k if k.startswith("writers.") else f"writers.loss.{k}", suffix=suffix) for k in keys)


def target_path(path: Path, suffix: str = ".checked") -> Path:
    """`订单.xlsx` -> `订单.checked.xlsx`; .xlsm stays .xlsm; .csv/.xls give a fresh .xlsx."""
    extension = ".xlsm" if path.suffix.lower() == ".xlsm" else ".xlsx"
    return path.with_name(f"{path.stem}{suffix}{extension}")


def lock_file(path: Path) -> Path | None:
    """The lock file Excel/WPS (`~$name`) or LibreOffice (`.~lock.name#`) keeps beside an open workbook."""
    for name in (f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#", f".~{path.name}"):
        candidate = path.with_name(name)
        if name.strip("~$.#") and candidate.exists():
            return candidate
    return None


def refuse_if_open(path: Path) -> None:
    if (lock := lock_file(path)) is not None:
        raise UserError("err.locked", path=path, lock=lock.name)


def apply_edit(path: str | Path, edit: WorkbookEdit, *, inplace: bool = False, suffix: str = ".checked",
               on_notice: Callable[[str], None] | None = None) -> Path:
    """Write `edit` into an annotated copy of `path` (default) or into `path` itself; returns the written file.

    In place is refused (and the copy written, with a notice) when the round trip would lose anything."""
    path = Path(path)
    if not path.exists():
        raise UserError("err.missing_file", path=path)
    if inplace:
        blockers = inplace_blockers(path)
        if not blockers:
            refuse_if_open(path)
            book = _load(path)
            _clear_own_marks(book)
            _apply(book, edit)
            _save_atomically(book, path, backup=True)
            return path
        copy = target_path(path, suffix)
        (on_notice or _echo)(t("writers.inplace_refused", path=path, copy=copy.name,
                               reasons=describe(blockers, path.suffix)))
    target = target_path(path, suffix)
    refuse_if_open(target)
    book = _load(path)
    _apply(book, edit)
    _save_atomically(book, target, backup=target == path)  # suffix="" on a .xlsx means the file itself
    return target


def _echo(message: str) -> None:
    import click

    click.echo(message, err=True)


def _load(path: Path):
    import openpyxl

    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        return _fresh_copy(path)
    try:
        return openpyxl.load_workbook(path, keep_vba=suffix == ".xlsm", rich_text=True)
    except Exception as exc:  # openpyxl raises many types for a damaged package
        raise UserError("err.corrupt", path=path, detail=str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__) from exc


def _fresh_copy(path: Path):
    """A .csv/.xls/.ods input: a new workbook holding its values, sheet by sheet."""
    import openpyxl

    from .source import open_source

    source = open_source(path)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in source.sheet_names():
        sheet = book.create_sheet(_sheet_title(name))
        for r, row in enumerate(source.grid(name), start=1):
            for c, value in enumerate(row, start=1):
                if value not in (None, ""):
                    _set(sheet.cell(r, c), value)
    return book


def _sheet_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "Sheet"


def _set(cell, value: object) -> None:
    """Write a value; text that Excel would take for a formula stays text (data_type s + quotePrefix)."""
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        cell.value = value
        if value.startswith(FORMULA_TRIGGERS):
            cell.data_type = "s"
            cell.quotePrefix = True
        return
    cell.value = value


def _apply(book, edit: WorkbookEdit) -> None:
    from openpyxl.styles import PatternFill

    fills: dict[str, PatternFill] = {}

    def fill(rgb: str) -> PatternFill:
        return fills.setdefault(rgb, PatternFill("solid", start_color=rgb, end_color=rgb))

    for write in edit.writes:
        _set(_sheet(book, write.sheet).cell(write.row, write.column + 1), write.value)
    widths: dict[str, int] = {}  # openpyxl's max_column scans every cell: once per sheet, not per row
    for row_fill in edit.row_fills:
        sheet = _sheet(book, row_fill.sheet)
        if row_fill.sheet not in widths:
            widths[row_fill.sheet] = sheet.max_column
        width = widths[row_fill.sheet]
        for col in range(1, width + 1):
            sheet.cell(row_fill.row, col).fill = fill(row_fill.fill)
    for (sheet_name, row, column), marks in grouped_marks(edit.marks).items():
        cell = _sheet(book, sheet_name).cell(row, column + 1)
        colour = next((m.fill for m in marks if m.fill), None)
        if colour:
            cell.fill = fill(colour)
        notes = [m.note for m in marks if m.note]
        if notes:
            _note(cell, "\n".join(dict.fromkeys(notes)))
    for new in edit.new_sheets:
        _new_sheet(book, new, fill)


def grouped_marks(marks: list[CellMark]) -> dict[tuple[str, int, int], list[CellMark]]:
    out: dict[tuple[str, int, int], list[CellMark]] = {}
    for mark in marks:
        out.setdefault((mark.sheet, mark.row, mark.column), []).append(mark)
    return out


def _sheet(book, name: str):
    if name in book.sheetnames:
        return book[name]
    if _sheet_title(name) in book.sheetnames:  # a CSV named with characters a sheet title cannot hold
        return book[_sheet_title(name)]
    raise UserError("err.no_sheet", path="", sheet=name, sheets="、".join(book.sheetnames))


def _note(cell, text: str) -> None:
    """Our note on the cell; the user's own note text is kept above ours, never replaced."""
    from openpyxl.comments import Comment

    text = _ILLEGAL.sub("", text)
    existing = cell.comment
    if existing is not None and existing.author != NOTE_AUTHOR:
        own = existing.text.split(NOTE_SEPARATOR)[0]
        text = own + NOTE_SEPARATOR + text
    height, width = NOTE_SIZE
    cell.comment = Comment(text, NOTE_AUTHOR if existing is None or existing.author == NOTE_AUTHOR else existing.author,
                           height=height, width=width)


def _clear_own_marks(book) -> None:
    """Before writing in place again: drop the notes (and our fill) a previous run left on cells."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    ours = set(SEVERITY_FILLS.values())
    for sheet in book.worksheets:
        for cell in list(sheet._cells.values()):  # only the cells that exist, not the whole used range
            note = cell.comment
            if note is None:
                continue
            if note.author == NOTE_AUTHOR:
                cell.comment = None
                rgb = (cell.fill.fgColor.rgb or "") if cell.fill is not None else ""
                if isinstance(rgb, str) and rgb[-6:].upper() in ours:
                    cell.fill = PatternFill()
            elif NOTE_SEPARATOR in note.text:
                cell.comment = Comment(note.text.split(NOTE_SEPARATOR)[0], note.author, note.height, note.width)


def _new_sheet(book, new: NewSheet, fill) -> None:
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink
    from openpyxl.worksheet.properties import PageSetupProperties

    title = _sheet_title(new.name)
    if title in book.sheetnames:
        del book[title]
    sheet = book.create_sheet(title)
    bold = Font(bold=True)
    for c, header in enumerate(new.header, start=1):
        _set(sheet.cell(1, c), header)
        sheet.cell(1, c).font = bold
    for r, row in enumerate(new.rows, start=2):
        for c, value in enumerate(row, start=1):
            if value is not None:
                _set(sheet.cell(r, c), value)
        if (r - 2) in new.fills:
            for c in range(1, len(new.header) + 1):
                sheet.cell(r, c).fill = fill(new.fills[r - 2])
    for (r, c), (target_sheet, ref) in new.links.items():
        cell = sheet.cell(r + 2, c + 1)
        # an internal link (location), not an external target "#…" that some readers open as a file
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote_sheet(target_sheet)}!{ref}",
                                   display=str(cell.value or ref))
        cell.style = "Hyperlink"  # a named style resets the fill: put it back
        if r in new.fills:
            cell.fill = fill(new.fills[r])
    for c, width in new.widths.items():
        from openpyxl.utils import get_column_letter

        sheet.column_dimensions[get_column_letter(c + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"  # printed: one page wide
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    if new.rows:
        from openpyxl.utils import get_column_letter

        sheet.auto_filter.ref = f"A1:{get_column_letter(len(new.header))}{len(new.rows) + 1}"


def quote_sheet(name: str) -> str:
    """A sheet name as a formula/hyperlink reference: 'It''s'."""
    return "'" + name.replace("'", "''") + "'"


def _save_atomically(book, target: Path, backup: bool) -> None:
    folder = target.parent
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=folder)
    os.close(handle)
    temp = Path(temp_name)
    try:
        book.save(temp)
        if backup and target.exists():
            keep_backup(target)
        os.replace(temp, target)
    except PermissionError as exc:  # Windows: the target is open in Excel without a lock file we saw
        temp.unlink(missing_ok=True)
        raise UserError("err.locked", path=target, lock=target.name) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def keep_backup(path: Path) -> Path:
    """Copy `path` into `.shopbook-backup/<stem>.<timestamp><ext>` beside it; returns the backup."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    backup = folder / f"{path.stem}.{stamp}{path.suffix}"
    shutil.copy2(path, backup)
    return backup


__all__ = ["BACKUP_DIR", "apply_edit", "inplace_blockers", "keep_backup", "lock_file", "quote_sheet", "target_path"]
