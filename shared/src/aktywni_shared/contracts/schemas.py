"""JSON Schema export of the envelope and of every payload version, and the golden samples' paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.registry import PAYLOADS

GOLDEN_DIR = Path(__file__).with_name("golden")


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema, for the envelope and each (type, version) payload."""
    schemas = {"Envelope.schema.json": Envelope.model_json_schema()}
    for (event_type, version), model in sorted(PAYLOADS.items()):
        schema = model.model_json_schema()
        schema["title"] = f"{event_type} v{version}"
        schemas[f"{event_type}.v{version}.schema.json"] = schema
    return schemas


def export(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = directory / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        written.append(path)
    return written


def golden_samples() -> list[Path]:
    """One file per event version, named ``<Type>.v<version>.json``; they are never edited."""
    return sorted(GOLDEN_DIR.glob("*.json"))
