"""Write a `WorkbookEdit` into a workbook file: an annotated copy, or the file itself.

The edit is applied by the zip-part patch writer (`xlsxpatch`), which copies every part it does
not need byte for byte, so writing in place loses nothing and is allowed for every .xlsx/.xlsm.
What this module adds is the file semantics (docs/validation.md, "what shopbook will and will not
do to your files"): a unique temp file in the same folder, fsynced and atomically renamed over the
target; a fsynced backup in `.shopbook-backup/` first (the newest `keep_backups` kept); the file's
mode kept; a symlink's target written; our own lock so two runs never interleave; and refusals,
each one line, for a read-only file, a workbook open in Excel/WPS/LibreOffice, one saved since we
read it, a full disk, and formats the patch writer cannot edit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import UserError
from ..i18n import register, t
from ..paths import random_token
from . import filestate
from .edit import NOTE_AUTHOR, NOTE_SEPARATOR, WorkbookEdit, grouped_marks, quote_sheet
from .xlsxpatch import apply_patch, unsupported_format
from .xlsxpatch.package import PackageError

BACKUP_DIR = ".shopbook-backup"
KEEP_BACKUPS = 10
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}

register({
    "writers.format": ("无法写入 {path}：{fmt} 格式不能原样修改。请在 Excel/WPS 中“另存为 .xlsx”后再运行。",
                       "Cannot write {path}: a {fmt} file cannot be edited as it is. Save it as .xlsx in Excel/WPS and run again."),
    "writers.strict": ("无法写入 {path}：这是“严格 Open XML”格式。请在 Excel 中“另存为”普通的 Excel 工作簿 (.xlsx) 后再运行。",
                       "Cannot write {path}: it is Strict Open XML. Save it as an ordinary Excel workbook (.xlsx) and run again."),
    "writers.damaged": ("无法写入 {path}：文件已损坏（{detail}）。请用 Excel/WPS 打开并另存后再运行。",
                        "Cannot write {path}: the file is damaged ({detail}). Open and save it in Excel/WPS, then run again."),
    "writers.readonly": ("无法写入 {path}：文件是只读的。请取消“只读”属性，或去掉 --inplace 改为生成副本。",
                         "Cannot write {path}: the file is read-only. Clear its read-only flag, or drop --inplace to get a copy."),
    "writers.changed": ("未写入 {path}：读取之后文件又被保存过。请重新运行 shopbook。",
                        "Did not write {path}: it was saved again after shopbook read it. Run shopbook again."),
    "writers.busy": ("未写入 {path}：另一个 shopbook 正在写这个文件。请等它结束后再运行。",
                     "Did not write {path}: another shopbook run is writing it. Wait for it to finish, then run again."),
    "writers.disk_full": ("未写入 {path}：磁盘空间不足。原文件未改动，请清理磁盘后再运行。",
                          "Did not write {path}: the disk is full. The original is unchanged; free some space and run again."),
    "writers.no_write": ("无法写入 {path}：{detail}。原文件未改动。", "Cannot write {path}: {detail}. The original is unchanged."),
    "writers.backup_not_dir": ("无法保存备份：{path} 是一个文件，不是文件夹。请把它改名或移走后再运行。",
                               "Cannot keep a backup: {path} is a file, not a folder. Rename or move it, then run again."),
    "writers.renamed": ("工作簿里已有您自己的“{name}”工作表，未改动它；shopbook 的结果写在“{ours}”中。",
                        "The workbook has a sheet of your own named “{name}”; it was left alone and shopbook's results are in “{ours}”."),
    "writers.threaded": ("{count} 个单元格带有新版“批注”，未添加注释（问题见“校验结果”表）：{cells}",
                         "{count} cells hold threaded comments, so no note was added there (see the findings sheet): {cells}"),
    "writers.csv_copy": ("CSV 文件不能保存颜色和注释，标注写在副本 {copy} 中（{path} 未改动）。",
                         "A CSV file cannot hold colours or notes: the marks are in the copy {copy} ({path} is unchanged)."),
    "writers.backup": ("已备份原文件：{path}", "Backup of the original: {path}"),
    "writers.no_sheet": ("无法写入 {path}：找不到工作表“{sheet}”。", "Cannot write {path}: there is no sheet “{sheet}”."),
})


def target_path(path: Path, suffix: str = ".checked") -> Path:
    """`订单.xlsx` -> `订单.checked.xlsx`; .xlsm stays .xlsm; a .csv gives a fresh .xlsx."""
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
               on_notice: Callable[[str], None] | None = None, keep_backups: int = KEEP_BACKUPS) -> Path:
    """Write `edit` into an annotated copy of `path` (default) or into `path` itself; returns the written file."""
    given = Path(path)
    if not given.exists():
        raise UserError("err.missing_file", path=given)
    source = Path(os.path.realpath(given))  # a symlink: its target is the workbook
    notice = on_notice or _echo
    is_csv = source.suffix.lower() in CSV_SUFFIXES
    if not is_csv and (reason := unsupported_format(source)) is not None:
        if reason == "encrypted":
            raise UserError("err.encrypted", path=given)
        raise UserError("writers.format", path=given, fmt=source.suffix.lower().lstrip("."))
    target = source if inplace and not is_csv else target_path(given, suffix)
    if inplace and is_csv:
        notice(t("writers.csv_copy", path=given, copy=target.name))
    if target == source:
        refuse_if_open(source)
        if not _writable(source):
            raise UserError("writers.readonly", path=given)
    else:
        target = Path(os.path.realpath(target)) if target.is_symlink() else target
        refuse_if_open(target)
        if target.exists() and not _writable(target):
            raise UserError("writers.readonly", path=target)
    with _own_lock(target):
        if filestate.changed_since_read(source):
            raise UserError("writers.changed", path=given)
        before = filestate.stamp(source)
        fresh = _fresh_xlsx(source) if is_csv else None
        try:
            result = _write_atomically(target, lambda out: _patch(fresh or source, out, edit, given),
                                       backup=target == source, keep_backups=keep_backups,
                                       unchanged=lambda: filestate.stamp(source) == before, notice=notice)
        finally:
            if fresh is not None:
                fresh.unlink(missing_ok=True)
    filestate.forget(target)
    for ours_name, used in result.renamed.items():
        notice(t("writers.renamed", name=ours_name, ours=used))
    if result.notes_skipped:
        notice(t("writers.threaded", count=len(result.notes_skipped), cells="、".join(result.notes_skipped[:10])))
    return target


def _patch(source: Path, out, edit: WorkbookEdit, given: Path):
    try:
        return apply_patch(source, out, edit)
    except PackageError as exc:
        if exc.key == "strict":
            raise UserError("writers.strict", path=given) from exc
        if exc.key == "encrypted":
            raise UserError("err.encrypted", path=given) from exc
        if exc.key == "no_sheet":
            raise UserError("writers.no_sheet", path=given, sheet=exc.detail) from exc
        raise UserError("writers.damaged", path=given, detail=exc.detail or exc.key) from exc


def _writable(path: Path) -> bool:
    """Read-only is the file's own flag: root (or an admin) could write it, but the user said no."""
    mode = os.stat(path).st_mode
    return bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(path, os.W_OK)


def _echo(message: str) -> None:
    import click

    click.echo(message, err=True)


# ---- atomic write ----------------------------------------------------------------------------------------

def _write_atomically(target: Path, produce, *, backup: bool, keep_backups: int, unchanged, notice):
    folder = target.parent
    _remove_stale_temps(folder, target.name)
    temp = folder / f".{target.name}.shopbook-{os.getpid()}-{random_token()}.tmp"
    backup_path = None
    try:
        with _terminate_as_exception():
            with open(temp, "xb") as out:
                result = produce(out)
                out.flush()
                os.fsync(out.fileno())
            mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else _default_mode()
            os.chmod(temp, mode)
            if backup and target.exists():
                backup_path = keep_backup(target, keep=keep_backups)
            if not unchanged():
                raise UserError("writers.changed", path=target)
            os.replace(temp, target)
            _fsync_dir(folder)
    except UserError:
        temp.unlink(missing_ok=True)
        raise
    except PermissionError as exc:  # Windows: the target is open in Excel without a lock file we saw
        temp.unlink(missing_ok=True)
        raise UserError("err.locked", path=target, lock=target.name) from exc
    except OSError as exc:
        temp.unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise UserError("writers.disk_full", path=target) from exc
        raise UserError("writers.no_write", path=target, detail=exc.strerror or type(exc).__name__) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if backup_path is not None:
        notice(t("writers.backup", path=backup_path))
    return result


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _terminate_as_exception() -> Iterator[None]:
    """SIGTERM during a write unwinds like Ctrl-C, so the temp file is removed (main thread only)."""
    def raise_exit(signum, frame):
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, raise_exit)
    except (ValueError, AttributeError):  # not the main thread, or no SIGTERM on this platform
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


_TEMP = re.compile(r"^\.(?P<name>.+)\.shopbook-(?P<pid>\d+)-[0-9a-f]{8}\.tmp$")


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Temp files a killed run left behind (its process is gone)."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        found = _TEMP.match(entry.name)
        if found and found.group("name") == name and not _alive(int(found.group("pid"))):
            entry.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


# ---- locks and backups -------------------------------------------------------------------------------------

@contextlib.contextmanager
def _own_lock(target: Path) -> Iterator[None]:
    """An OS lock beside the workbook (released by the OS if we die), so two runs never interleave."""
    lock_path = target.parent / f".{target.name}.shopbook.lock"
    try:
        handle = open(lock_path, "a+b")
    except OSError as exc:
        raise UserError("writers.no_write", path=target, detail=exc.strerror or type(exc).__name__) from exc
    try:
        if not _try_lock(handle):
            raise UserError("writers.busy", path=target)
        yield
    finally:
        handle.close()
        with contextlib.suppress(OSError):
            lock_path.unlink()


def _try_lock(handle) -> bool:
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    except OSError:
        return False


def keep_backup(path: Path, keep: int = KEEP_BACKUPS) -> Path:
    """Copy `path` into `.shopbook-backup/<stem>.<timestamp><ext>` beside it, fsynced; keeps the newest `keep`."""
    folder = path.parent / BACKUP_DIR
    if folder.exists() and not folder.is_dir():
        raise UserError("writers.backup_not_dir", path=folder)
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    backup = folder / f"{path.stem}.{stamp}{path.suffix}"
    partial = backup.with_name(backup.name + ".part")
    try:
        with open(path, "rb") as source, open(partial, "xb") as dest:
            while chunk := source.read(1 << 20):
                dest.write(chunk)
            dest.flush()
            os.fsync(dest.fileno())
        os.chmod(partial, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(partial, backup)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _prune_backups(folder, path, keep)
    return backup


def _prune_backups(folder: Path, path: Path, keep: int) -> None:
    pattern = re.compile(re.escape(path.stem) + r"\.\d{8}-\d{6}-\d{6}" + re.escape(path.suffix) + "$")
    mine = sorted(p for p in folder.iterdir() if pattern.match(p.name))
    for old in mine[:max(len(mine) - max(keep, 1), 0)]:
        old.unlink(missing_ok=True)


# ---- CSV input: a fresh workbook to mark ----------------------------------------------------------------------

def _fresh_xlsx(path: Path) -> Path:
    """A .csv becomes a new .xlsx holding its values as they were read (text stays text)."""
    from .xlsxpatch.fresh import grid_workbook

    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    grid_workbook(path, Path(name))
    return Path(name)


__all__ = ["BACKUP_DIR", "NOTE_AUTHOR", "NOTE_SEPARATOR", "grouped_marks", "apply_edit", "keep_backup", "lock_file", "quote_sheet", "refuse_if_open", "target_path"]
