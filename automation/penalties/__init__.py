"""Penalty points (扣分, M-PEN-*): the shop's rulebook, incidents recorded and detected, the report."""
