"""`aktywni-contracts schemas DIR`: write the JSON Schemas of every event version into DIR."""

from __future__ import annotations

import argparse
from pathlib import Path

from aktywni_shared.contracts.schemas import export


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="aktywni-contracts", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    schemas = sub.add_parser("schemas", help="export the JSON Schemas of the envelope and every payload")
    schemas.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    if args.command == "schemas":
        for path in export(args.directory):
            print(path)
