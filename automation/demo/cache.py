"""The generated demo shop, kept per (shopbook's code and data, the libraries that write it, seed), so a
second `shopbook demo` copies its files instead of generating and writing them again.

Generating is deterministic: the same code, libraries and seed write byte-identical files
(tests/test_demo_cache.py builds twice and compares). The key is a hash of every file of the
installed package and its data folders (a change to a generator, a schema, a template or any other
module gives a new key), the Python, XlsxWriter and chinese-calendar versions, and the seed; so a
copied shop is exactly the one generation would write, and only answer_key.json's `shop_dir` is
written for the folder. Kept in `$SHOPBOOK_CACHE_DIR` (else the user's cache folder) under
`demo/<key>/`, the newest KEEP entries only; `SHOPBOOK_DEMO_CACHE=0` turns it off. A cache that
cannot be read or written is passed over: the shop is generated as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Callable

from ..jsonout import dumps
from . import KEY_NAME, Demo, build_demo

KEEP = 3
SWITCH_ENV, DIR_ENV = "SHOPBOOK_DEMO_CACHE", "SHOPBOOK_CACHE_DIR"
FILES_NAME = "files.json"  # the written files in order, relative to the shop folder


def cache_root() -> Path:
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "shopbook" / "cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "shopbook"


@cache
def code_hash() -> str:
    """Every file of the package and of its data folders, by path and bytes, with the versions of
    what else decides the bytes written."""
    import chinese_calendar
    import xlsxwriter

    from ..paths import data_dir

    package = Path(__file__).resolve().parents[1]
    roots = [package, *(data_dir(name).resolve() for name in ("workbook_templates", "reports", "macros"))]
    digest = hashlib.sha256(f"{sys.version}|{xlsxwriter.__version__}|{chinese_calendar.__version__}".encode())
    for root in dict.fromkeys(roots):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def demo_shop(folder: str | Path, seed: int, *, meanwhile: Callable[[], object] | None = None) -> Demo:
    """`build_demo(folder, seed)`, or its files copied from the cache (then `Demo.world` is None and
    `meanwhile` does not run)."""
    folder = Path(folder)
    if os.environ.get(SWITCH_ENV) == "0":
        return build_demo(folder, seed, meanwhile=meanwhile)
    try:
        entry = cache_root() / "demo" / f"{code_hash()}-{seed}"
        copied = _copy_from(entry, folder)
    except OSError:
        return build_demo(folder, seed, meanwhile=meanwhile)
    if copied is not None:
        return copied
    demo = build_demo(folder, seed, meanwhile=meanwhile)
    try:
        _store(entry, demo)
    except OSError:
        pass  # a read-only or full cache folder: next time it is generated again
    return demo


def _copy_from(entry: Path, folder: Path) -> Demo | None:
    try:
        names = json.loads((entry / FILES_NAME).read_text(encoding="utf-8"))
        key = json.loads((entry / KEY_NAME).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        target = folder / name
        if name != KEY_NAME:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(entry / "shop" / name, target)
        written.append(target)
    key["shop_dir"] = str(folder)
    (folder / KEY_NAME).write_text(dumps(key) + "\n", encoding="utf-8")
    return Demo(folder, None, key, written)


def _store(entry: Path, demo: Demo) -> None:
    """The shop's files and key into a new folder beside the entry, renamed into place (a run reading
    the cache never sees half an entry); then only the newest KEEP entries stay."""
    names = [p.relative_to(demo.folder).as_posix() for p in demo.written]
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".new-", dir=entry.parent))
    try:
        for name in names:
            if name != KEY_NAME:
                (staging / "shop" / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(demo.folder / name, staging / "shop" / name)
        (staging / KEY_NAME).write_text(dumps(demo.key) + "\n", encoding="utf-8")
        (staging / FILES_NAME).write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
        os.replace(staging, entry)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not (entry / FILES_NAME).exists():  # another run's entry is just as good
            raise
        return
    entries = sorted((p for p in entry.parent.iterdir() if p.is_dir() and not p.name.startswith(".")),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
