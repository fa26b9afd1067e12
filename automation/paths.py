"""Where the data files that ship with shopbook live (repo checkout or installed wheel)."""

import os
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
    return path.with_name(f".{path.stem}.{os.getpid()}.{random_token()}.tmp{path.suffix}")


def random_token() -> str:
    """8 random hex digits for a temporary name: what secrets.token_hex(4) returns, without
    importing hashlib and hmac (~4 ms of every run)."""
    return os.urandom(4).hex()


def write_atomically(path: Path, data: bytes) -> None:
    """`path` holds `data`, written under a temporary name beside it and renamed: a reader meanwhile
    sees the old file or the new one, never half of it."""
    tmp = temp_beside(path)
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
