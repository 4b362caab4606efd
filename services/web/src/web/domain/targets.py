"""The indicators form: each indicator's target from the form, the rest of its definition unchanged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web.domain.errors import FieldError

#: The reporting API's bound of a target.
MAX_TARGET = 10_000_000


def field_name(code: str) -> str:
    return f"target-{code}"


def with_targets(
    definitions: list[dict[str, Any]], form: Mapping[str, str]
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """The definitions with the form's targets; a target that is not a whole number 0–10 000 000 is refused."""
    changed, errors = [], []
    for definition in definitions:
        name = field_name(str(definition["code"]))
        text = form.get(name, str(definition.get("target", 0))).strip()
        if not text.isdigit() or int(text) > MAX_TARGET:
            errors.append(FieldError(name, "Cel to liczba całkowita od 0 do 10 000 000."))
            changed.append(definition)
            continue
        changed.append({**definition, "target": int(text)})
    return changed, errors
