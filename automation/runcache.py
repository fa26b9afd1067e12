"""What this run has computed and written for a month, so a later step of the same process reuses it.

`shopbook demo` (and the Excel console) runs reconcile and the two reports, then the monthly
e-mail, which needs the same month's reconciliation, penalty and sales reports and their workbooks.
Each is computed once per process while its inputs are the same:

- `computed(name, values, files, compute)`: an entry is found again when the values it was computed
  from are equal (month, language, shop.toml as loaded, the moment deadlines are judged at, …) and
  every file it may have read is unchanged (`sheetcache.FileIdentity`: mtime, size, inode, and a
  CRC for a file written just before). The files are taken *before* computing, so a file changed
  while it was read counts as changed. Results are shared: callers treat them as read-only, like
  the tables of `automation.sheetcache`.
- `written(name, result, target, write, outputs)`: the files written from `result` are written
  again unless the last write to `target` was from this very result and every file it wrote is
  still as it was left. A job the user runs (a report) always writes; the monthly e-mail after it
  takes its files.

Only the few most recently used entries of each name are kept, so a long-lived process does not hoard months.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .sheetcache import FileIdentity

T = TypeVar("T")
KEEP = 2  # entries per name


@dataclass
class _Entry:
    values: tuple
    files: tuple[FileIdentity, ...]
    result: Any

    def still(self, values: tuple, paths: list[str]) -> bool:
        return (self.values == values and [f.path for f in self.files] == paths
                and all(f.unchanged() for f in self.files))


_COMPUTED: dict[str, list[_Entry]] = {}
_WRITTEN: dict[str, list[_Entry]] = {}


def _identities(files: Iterable[Path]) -> tuple[FileIdentity, ...]:
    return tuple(FileIdentity.of(p) for p in dict.fromkeys(Path(f) for f in files))


def _remember(store: dict[str, list[_Entry]], name: str, entry: _Entry) -> None:
    entries = store.setdefault(name, [])
    entries.insert(0, entry)
    del entries[KEEP:]


def computed(name: str, values: tuple, files: Iterable[Path], compute: Callable[[], T]) -> T:
    """`compute()`, or its result from earlier in this process when `values` are equal and `files`
    (every file the computation may read) are unchanged."""
    identities = _identities(files)
    paths = [f.path for f in identities]
    entries = _COMPUTED.get(name, [])
    for i, entry in enumerate(entries):
        if entry.still(values, paths):
            entries.insert(0, entries.pop(i))  # the most recently used stays longest
            return entry.result
    result = compute()
    _remember(_COMPUTED, name, _Entry(values, identities, result))
    return result


def written(name: str, result: object, target: object, write: Callable[[], T], outputs: Callable[[T], Iterable[Path]],
            reuse: bool = True) -> T:
    """`write()` (which writes `result` to `target`: a path, with the language), unless that was done
    last and every file it wrote (`outputs` of what it returned) is still as it was left: then what
    it returned then. `reuse=False` always writes (a job the user asked for), and remembers it for
    the steps after it."""
    for entry in _WRITTEN.get(name, ()) if reuse else ():
        source, where, returned = entry.result
        if source is result and where == target and all(f.unchanged() for f in entry.files):
            return returned
    returned = write()
    _remember(_WRITTEN, name, _Entry((), _identities(outputs(returned)), (result, target, returned)))
    return returned


def for_month(name: str, shop, month: str, compute: Callable[[], T], *values, more: Iterable[Path] = ()) -> T:
    """`computed` for a month's figures of a shop: keyed on the month, `values`, the shop's folder,
    shop.toml as loaded, the language and today's date (what counts as a past month), over every
    file they can come from: the shop's workbooks, shop.toml (also when it is not there yet), each
    file in the bills folder (a bill added or removed is seen) and `more` (e.g. the rulebook)."""
    import datetime as dt

    from .config import CONFIG_NAME
    from .courier.settings import load_settings
    from .i18n import lang

    bills = shop.root / load_settings(shop.config).bills_dir
    files = [*shop.files, shop.config.path or shop.root / CONFIG_NAME,
             *(sorted(p for p in bills.iterdir() if p.is_file()) if bills.is_dir() else ()), *more]
    key = (month, *values, str(shop.root), shop.config, lang(), dt.date.today())
    return computed(name, key, files, compute)


def forget_all() -> None:
    """Drop everything remembered (tests; a long-lived process between jobs)."""
    _COMPUTED.clear()
    _WRITTEN.clear()
