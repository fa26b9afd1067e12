"""Sheet kinds as data: one TOML schema per kind under workbook_templates/schemas/."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache

from .paths import data_dir

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
    for path in sorted((data_dir("workbook_templates") / "schemas").glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
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
