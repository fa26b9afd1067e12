"""The rule catalog and the checks, one module per area (see catalog.py for the model)."""

from __future__ import annotations

import importlib

AREA_MODULES = ("reading", "orders", "aftersales", "stock", "handover", "remarks", "service", "shipping", "staff")


def load_all() -> None:
    """Import every area module so its rules register themselves (idempotent)."""
    for name in AREA_MODULES:
        importlib.import_module(f"{__name__}.{name}")
