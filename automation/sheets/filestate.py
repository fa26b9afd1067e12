"""When shopbook read a file, so a write can refuse a workbook the user saved in between."""

from __future__ import annotations

import os
from pathlib import Path

_READ: dict[str, tuple[int, int]] = {}


def _key(path: Path) -> str:
    return os.path.realpath(path)


def stamp(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def note_read(path: Path) -> None:
    """Remember the file as it was when its cells were read (the first read of a run counts)."""
    try:
        _READ.setdefault(_key(path), stamp(path))
    except OSError:
        pass


def changed_since_read(path: Path) -> bool:
    seen = _READ.get(_key(path))
    return seen is not None and seen != stamp(path)


def forget(path: Path) -> None:
    """After we wrote the file ourselves, its new state is the one we know."""
    _READ.pop(_key(path), None)
