"""Sheet kinds as data: one TOML schema per kind under workbook_templates/schemas/."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .paths import data_dir, write_atomically

TYPES = ("text", "id", "int", "decimal", "money", "datetime", "date", "phone", "waybill", "enum", "bool")


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # canonical Chinese header
    en: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    synonyms: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.header


@dataclass(frozen=True)
class Schema:
    kind: str
    zh: str
    en: str
    sheet_names: tuple[str, ...]
    columns: tuple[Column, ...]
    key: str | None = None

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.field == name:
                return col
        raise KeyError(f"{self.kind} has no field {name!r}")

    def title(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


def _column(raw: dict) -> Column:
    if raw["type"] not in TYPES:
        raise ValueError(f"unknown column type {raw['type']!r} for {raw['field']}")
    return Column(
        field=raw["field"],
        header=raw["header"],
        en=raw.get("en", raw["field"]),
        type=raw["type"],
        required=raw.get("required", False),
        values=tuple(raw.get("values", ())),
        aliases=tuple(raw.get("aliases", ())),
        synonyms=dict(raw.get("synonyms", {})),
    )


@cache
def schemas() -> dict[str, Schema]:
    """Every sheet kind shopbook knows, by kind name, in file order of the schema folder."""
    out: dict[str, Schema] = {}
    for raw in parsed_schema_files(data_dir("workbook_templates") / "schemas"):
        out[raw["kind"]] = Schema(
            kind=raw["kind"],
            zh=raw["zh"],
            en=raw["en"],
            sheet_names=tuple(raw.get("sheet_names", ())),
            columns=tuple(_column(c) for c in raw["columns"]),
            key=raw.get("key"),
        )
    return out


def schema(kind: str) -> Schema:
    return schemas()[kind]


PARSED_NAME = "__pycache__/schemas.json"


def parsed_schema_files(folder: Path) -> list[dict]:
    """The folder's *.toml files parsed, in name order. Parsing them is ~15 ms of every run (tomllib
    is pure Python), so the parse is kept as JSON in the folder's __pycache__, stamped like a .pyc
    with every file's name, size and modification time, and used for as long as the stamp holds.
    Where the cache cannot be written (a read-only install) every run parses."""
    paths = sorted(folder.glob("*.toml"))
    stamp = [[path.name, info.st_size, info.st_mtime_ns] for path in paths for info in (path.stat(),)]
    kept = folder / PARSED_NAME
    try:
        saved = json.loads(kept.read_text(encoding="utf-8"))
        if saved["stamp"] == stamp:
            return saved["files"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # none yet, unreadable or of another shape: parse
    import tomllib  # not at the top: a run with the parse kept and no shop.toml never needs it

    parsed = [tomllib.loads(path.read_text(encoding="utf-8")) for path in paths]
    _keep(kept, {"stamp": stamp, "files": parsed})
    return parsed


def _keep(path: Path, data: dict) -> None:
    try:
        path.parent.mkdir(exist_ok=True)
        write_atomically(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except (OSError, TypeError, ValueError):
        pass  # a read-only install, or a value JSON cannot hold (a TOML date): the next run parses again
