"""Reading the lists staff keep (CSV in UTF-8 or Windows-1250, or XLSX) as a header and rows of text."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import load_workbook

MAX_ROWS = 50_000
XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(ValueError):
    pass


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells); the header is row 1
    encoding: str


def decode_text(raw: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) if it decodes, else Windows-1250, the usual Polish Excel export."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1250"), "windows-1250"
    except UnicodeDecodeError as error:
        raise UnreadableFile("plik nie jest tekstem w kodowaniu UTF-8 ani Windows-1250") from error


def _clean(cells: list[object]) -> list[str]:
    return ["" if c is None else str(c).strip() for c in cells]


def read_csv(raw: bytes) -> Table:
    text, encoding = decode_text(raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [_clean(list(r)) for r in reader]
    except csv.Error as error:
        raise UnreadableFile(f"nie można odczytać pliku CSV: {error}") from error
    return _table(rows, encoding)


def read_xlsx(raw: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:
        raise UnreadableFile(f"nie można odczytać skoroszytu XLSX: {error}") from error
    sheet = workbook.worksheets[0]
    rows = []
    for cells in sheet.iter_rows(values_only=True):
        rows.append(_clean([_cell_text(c) for c in cells]))
        if len(rows) > MAX_ROWS + 1:
            break
    workbook.close()
    return _table(rows, "xlsx")


def _cell_text(value: object) -> object:
    if hasattr(value, "date") and hasattr(value, "hour"):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _table(rows: list[list[str]], encoding: str) -> Table:
    numbered = [(number, r) for number, r in enumerate(rows, start=1) if any(r)]
    if not numbered:
        raise UnreadableFile("plik jest pusty")
    if len(numbered) - 1 > MAX_ROWS:
        raise UnreadableFile(f"więcej niż {MAX_ROWS} wierszy; podziel plik")
    return Table(header=numbered[0][1], rows=numbered[1:], encoding=encoding)


def read(raw: bytes, filename: str = "") -> Table:
    if raw.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return read_xlsx(raw)
    return read_csv(raw)
