"""What the audit log of personal data records: the actions on a participant's data."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """An action on personal data, as the audit log names it."""

    READ = "read"
    LIST = "list"
    SEARCH = "search"
    ENROL = "enrol"
    REGISTER_CANDIDATE = "register_candidate"
    QUALIFY = "qualify"
    UPDATE = "update"
    IMPORT = "import"
    IMPORT_PREVIEW = "import_preview"
    EXPORT = "export"
    ERASE = "erase"
