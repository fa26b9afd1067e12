"""Where the data files that ship with shopbook live (repo checkout or installed wheel)."""

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """A top-level data folder (`workbook_templates`, `reports`, `macros`) of the project."""
    for base in (_PKG / "_data", _PKG.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"shopbook data folder {name!r} is missing from the installation")
