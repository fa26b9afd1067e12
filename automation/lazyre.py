"""Regular expressions compiled when first used, not when their module is imported.

Every `shopbook` run pays for each pattern its modules compile at import, used or not: 0.1-5 ms
each (sre fills a 64K-entry table, in Python, for every range of CJK characters), and a validate
run used to compile about 70 module-level patterns of which a third it never matched. A module-level
`NAME = lazy_compile(r"...")` stands where `re.compile(r"...")` stood; the code using `NAME.search(...)`
stays as it is.

A call through the lazy pattern costs about a hundred machine instructions more than on the
pattern itself (the method is a slot, which Python 3.11 does not look up the specialised way): keep
`re.compile` for a cheap pattern that every run matches row by row (rules/orders.py).
"""

from __future__ import annotations

import re
from functools import partial

_METHODS = ("search", "match", "fullmatch", "sub", "subn", "split", "finditer", "findall")


class LazyPattern:
    """`re.compile(pattern, flags)`, compiled by the first call of one of its methods (`search`, `sub`…)
    or the first look-up of `compiled`, `pattern`, `flags`, `groups` or `groupindex`. The methods are
    slots: once compiled, each holds the compiled pattern's own bound method, so `NAME.search(text)`
    costs what it costs on an `re.Pattern` (a class with `__getattr__` would be looked up the slow
    way on every call). It is not an `re.Pattern`: where one is needed (`re.sub(NAME, ...)`,
    `isinstance`), pass `NAME.compiled`."""

    __slots__ = ("source", "_compiled", *_METHODS)

    def __init__(self, pattern: str | bytes, flags: int = 0):
        self.source = (pattern, flags)
        self._compiled = None
        for name in _METHODS:
            setattr(self, name, partial(self._first_call, name))

    def _first_call(self, name: str, *args, **kwargs):
        return getattr(self.compiled, name)(*args, **kwargs)

    @property
    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            compiled = re.compile(*self.source)
            for name in _METHODS:
                setattr(self, name, getattr(compiled, name))
            self._compiled = compiled
        return self._compiled

    pattern = property(lambda self: self.source[0])  # the source itself: no need to compile for it
    flags = property(lambda self: self.compiled.flags)
    groups = property(lambda self: self.compiled.groups)
    groupindex = property(lambda self: self.compiled.groupindex)

    def __repr__(self) -> str:
        return f"lazy_compile({self.source[0]!r}, {self.source[1]!r})"


def lazy_compile(pattern: str | bytes, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
