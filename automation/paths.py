"""Where the data files that ship with shopbook live (repo checkout or installed wheel)."""

import os
import secrets
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """A top-level data folder (`workbook_templates`, `reports`, `macros`) of the project."""
    for base in (_PKG / "_data", _PKG.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"shopbook data folder {name!r} is missing from the installation")


def temp_beside(path: str | os.PathLike) -> Path:
    """A fresh, unique temporary name next to `path` (same folder, so the final rename is atomic).

    Two runs writing the same file at once must not share a temp name. The file is not created here
    (mkstemp would make it private, 0600); the writer creates it with the usual permissions."""
    path = Path(path)
    return path.with_name(f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}.tmp{path.suffix}")
