"""Errors the user can act on: one line, exit code 2, no traceback."""

from __future__ import annotations

from .i18n import t


class UserError(Exception):
    """Bad input or environment; `str()` is the one line shown to the user in their language."""

    exit_code = 2

    def __init__(self, key: str, **params: object):
        self.key = key
        self.params = params
        super().__init__(key)

    def __str__(self) -> str:
        return t(self.key, **self.params)
