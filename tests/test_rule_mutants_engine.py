"""The rule engine, needs, catalog, listing and reading rules (READ*) against the mutants that survived the mutation run (docs/testing.md): each case
is a rule function on in-memory records or a tiny real workbook, asserting exact rows and messages."""

from __future__ import annotations
