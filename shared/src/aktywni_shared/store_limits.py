"""The embedded database's limits that shape how every store writes and reads: one place for all.

The embedded default runs FerretDB 1.24 on SQLite (Go module proxy, no Docker); production may run
MongoDB. Every store is written so that it is correct and fast on both, which costs the shapes
below. The decision and what changes on MongoDB: ``docs/decisions/0001-embedded-database.md``.

- **Only exact ``_id`` lookups are pushed down** to SQLite; any other filter (``$in``, ``$or``,
  a secondary field) scans the collection. Hot paths (outbox markers, duplicate detection, the
  reporting view) therefore address documents by ``_id`` and keep small marker or index documents
  keyed by what they look up.
- **No multi-document transactions**: a change and its events go in one document write (the
  outbox array), and a consumer's effect and its inbox record are one idempotent write.
- **At most :data:`STATEMENTS_PER_COMMAND` statements in one command**: FerretDB keeps each
  statement's cursor open until the command ends and its SQLite pool (100 connections) runs dry past
  100, after which the command waits for ever.
- **Documents are decoded field by field**: many small fields cost far more than one string, so the
  reporting view stores its records as JSON text.
- **``$pull`` with a condition is ignored** by FerretDB 1.x: entries are removed with ``$pullAll``
  of the exact values.
"""

from __future__ import annotations

#: Statements (updates, deletes, inserts) per write command; FerretDB 1.24 deadlocks past 100.
STATEMENTS_PER_COMMAND = 50
#: Connections one process opens at most: well below FerretDB's 100 SQLite connections per database,
#: so that one busy process leaves room for the others.
MAX_POOL_SIZE = 32
#: A document stays well under the 16 MB BSON limit (MongoDB and FerretDB alike).
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
