"""Courier stubs, monthly bills and their reconciliation (issue 4). Pure domain; I/O at the edges."""
