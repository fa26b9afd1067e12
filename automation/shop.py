"""A shop is a folder of workbooks plus shop.toml, or a lone workbook with the defaults."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .config import CONFIG_NAME, ShopConfig, load_config
from .errors import UserError
from .i18n import register, t
from .sheets.source import CSV_SUFFIXES, WORKBOOK_SUFFIXES
from .sheetcache import kinds_of, tables_of
from .tables import SheetKind, Table, largest_by_kind, own_aliases
from .workdays import WorkCalendar

# Files shopbook writes itself are never read back as the shop's own sheets.
OWN_OUTPUT_MARKERS = (".checked.", ".flags.", ".bak")

register({
    "shop.own_output": ("{path} 是 shopbook 自己生成的文件，不作为输入。请对原始工作簿运行{original}。",
                        "{path} is a file shopbook wrote itself and is never an input. Run on the original workbook{original}."),
    "shop.skipped_own": ("已跳过 shopbook 自己生成的文件（不作为输入）：{names}", "Skipped files shopbook wrote itself (never inputs): {names}"),
})


def _original_of(path: Path) -> str:
    stem = path.name
    for marker in OWN_OUTPUT_MARKERS:
        stem = stem.replace(marker, ".")
    original = path.with_name(stem.replace("..", "."))
    return f"（{original}）" if original != path and original.exists() else ""


@dataclass
class Shop:
    root: Path  # the folder (for a lone workbook: its folder)
    config: ShopConfig
    files: list[Path]
    skipped: list[Path] = field(default_factory=list)  # our own outputs found in the folder, not read

    @classmethod
    def open(cls, path: str | Path) -> "Shop":
        path = Path(path)
        if not path.exists():
            raise UserError("err.missing_file", path=path)
        if path.is_dir():
            files, skipped = _workbooks_in(path)
            return cls(path, load_config(path / CONFIG_NAME), files, skipped=skipped)
        if any(m in path.name.lower() for m in OWN_OUTPUT_MARKERS):
            raise UserError("shop.own_output", path=path, original=_original_of(path))
        return cls(path.parent, load_config(path.parent / CONFIG_NAME), [path])

    def skipped_notice(self) -> str | None:
        """One line naming our own outputs found in the folder and not read, or None."""
        return t("shop.skipped_own", names="、".join(p.name for p in self.skipped)) if self.skipped else None

    def say_skipped(self) -> None:
        if self.skipped:
            print(self.skipped_notice(), file=sys.stderr)

    @cached_property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar.from_config(self.config.section("calendar"))

    @cached_property
    def own_headers(self) -> dict:
        return own_aliases(self.config.section("headers"))

    def tables_in(self, path: Path, kind: str | None = None, read=None, fields=None) -> list[Table]:
        """The file's tables (of one kind, or all). Kinds come from the header rows only, and each
        sheet is read in full at most once per run (`automation.sheetcache`); tables are shared, so
        read-only. In a folder a file that is not a shop sheet gives []; a lone workbook raises.
        `read` reads a sheet not read yet; `fields` asks for tables typed in those fields only, kept
        apart from the shared ones (see `sheetcache.tables_of`)."""
        try:
            return tables_of(path, self.own_headers, kind, read, fields)
        except UserError:
            if len(self.files) == 1:
                raise
            return []  # a folder may hold unrelated files

    def kinds_in(self, path: Path) -> list[SheetKind]:
        """Which sheet of the file holds which kind, from the header rows (no full read)."""
        return kinds_of(path, self.own_headers)

    def tables(self, kind: str, read=None, fields=None) -> list[Table]:
        """The shop's tables of a kind; only the sheets of that kind are read in full."""
        return [tb for f in self.files for tb in self.tables_in(f, kind, read, fields)]

    def table(self, kind: str, read=None, fields=None) -> Table | None:
        """The shop's table of a kind (the largest if several sheets hold one), or None."""
        return largest_by_kind(self.tables(kind, read, fields)).get(kind)

    def require(self, kind: str, read=None, fields=None) -> Table:
        found = self.table(kind, read, fields)
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


def _workbooks_in(folder: Path) -> tuple[list[Path], list[Path]]:
    """The folder's workbooks, and apart from them the ones shopbook wrote itself (skipped)."""
    suffixes = WORKBOOK_SUFFIXES | CSV_SUFFIXES
    found = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(("~$", ".")))
    own = [p for p in found if any(m in p.name.lower() for m in OWN_OUTPUT_MARKERS)]
    return [p for p in found if p not in own], own
