"""Scheduling's MongoDB adapters: each keeps one kind of document, keyed by ``_id`` for the hot paths."""
