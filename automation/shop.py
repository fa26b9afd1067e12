"""A shop is a folder of workbooks plus shop.toml, or a lone workbook with the defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .config import CONFIG_NAME, ShopConfig, load_config
from .errors import UserError
from .sheets.source import CSV_SUFFIXES, WORKBOOK_SUFFIXES
from .tables import Table, largest_by_kind, own_aliases, read_tables
from .workdays import WorkCalendar

# Files shopbook writes itself are never read back as the shop's own sheets.
OWN_OUTPUT_MARKERS = (".checked.", ".flags.", ".bak")


@dataclass
class Shop:
    root: Path  # the folder (for a lone workbook: its folder)
    config: ShopConfig
    files: list[Path]
    _tables: dict[Path, list[Table]] = field(default_factory=dict)

    @classmethod
    def open(cls, path: str | Path) -> "Shop":
        path = Path(path)
        if not path.exists():
            raise UserError("err.missing_file", path=path)
        if path.is_dir():
            return cls(path, load_config(path / CONFIG_NAME), _workbooks_in(path))
        return cls(path.parent, load_config(path.parent / CONFIG_NAME), [path])

    @cached_property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar.from_config(self.config.section("calendar"))

    @cached_property
    def own_headers(self) -> dict:
        return own_aliases(self.config.section("headers"))

    def tables_in(self, path: Path) -> list[Table]:
        if path not in self._tables:
            try:
                self._tables[path] = read_tables(path, own=self.own_headers)
            except UserError:
                if len(self.files) == 1:
                    raise
                self._tables[path] = []  # a folder may hold unrelated files
        return self._tables[path]

    def tables(self, kind: str) -> list[Table]:
        return [tb for f in self.files for tb in self.tables_in(f) if tb.kind == kind]

    def table(self, kind: str) -> Table | None:
        """The shop's table of a kind (the largest if several sheets hold one), or None."""
        return largest_by_kind(self.tables(kind)).get(kind)

    def require(self, kind: str) -> Table:
        found = self.table(kind)
        if found is None:
            from .schema import schema

            raise UserError("err.no_table", kind=schema(kind).zh, where=self.root)
        return found

    @property
    def out_dir(self) -> Path:
        return self.root / self.config.out_dir

    @property
    def keep_backups(self) -> int:
        """How many backups of each workbook `.shopbook-backup/` keeps: `[files] backups` (default 10)."""
        value = self.config.section("files").get("backups", 10)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.config.fail("[files] backups must be a whole number of at least 1, e.g. backups = 10")
        return value

    def month_dir(self, month: str) -> Path:
        """Where every report of a month goes: reports/out/2026-10/ by default."""
        return self.out_dir / month


def _workbooks_in(folder: Path) -> list[Path]:
    suffixes = WORKBOOK_SUFFIXES | CSV_SUFFIXES
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(("~$", "."))
                  and not any(m in p.name for m in OWN_OUTPUT_MARKERS))
