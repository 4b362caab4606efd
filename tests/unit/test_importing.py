"""The import's pure logic: accepted values, Polish column names and reasons, repeated rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from enrolment.domain import importing
from enrolment.domain.importing import COLUMNS, RowError

HEADERS = [c.header for c in COLUMNS]


def _column(header: str) -> importing.Column:
    return next(c for c in COLUMNS if c.header == header)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("nie", False),
        ("false", False),
        ("0", False),
        ("NIE", False),
        ("tak", True),
        ("true", True),
        ("1", True),
        (" Tak ", True),
    ],
)
def test_yes_no_columns_accept_the_usual_spellings(text: str, value: bool) -> None:
    assert _column("Pracownik MOPS").parse(text) is value


def test_an_unreadable_cell_is_named_by_its_column_header_with_a_polish_reason() -> None:
    columns = importing.columns_of(HEADERS)
    cells = ["" for _ in HEADERS]
    cells[HEADERS.index("Data zgody na przetwarzanie danych")] = "jutro"
    cells[HEADERS.index("Płeć")] = "x"

    _, problems = importing.row_body(columns, cells)

    assert problems == [
        ("Płeć", "„x” nie jest dozwoloną wartością (płeć)"),
        ("Data zgody na przetwarzanie danych", "„jutro” nie jest poprawną datą (RRRR-MM-DD lub DD.MM.RRRR)"),
    ]


@pytest.mark.parametrize(
    ("path", "header"),
    [
        ("consent.given_on", "Data zgody na przetwarzanie danych"),
        ("residence.postal_code", "Kod pocztowy"),
        ("linked_participant_id", "PESEL osoby z niepełnosprawnością (dla otoczenia)"),
        ("sensitive.homelessness", "Osoba w kryzysie bezdomności"),
        ("", "(wiersz)"),
    ],
)
def test_api_paths_are_reported_as_the_templates_headers(path: str, header: str) -> None:
    assert importing.header_of(path) == header


def test_model_messages_become_polish_reasons_on_the_column_they_concern() -> None:
    assert importing.polish_reason("", "invalid PESEL: bad checksum") == ("PESEL", "nieprawidłowy numer PESEL")
    assert importing.polish_reason("first_name", "Field required", "missing") == ("Imię", "pole wymagane")
    assert importing.polish_reason("", "without a PESEL, birth_date and sex are required") == (
        "Data urodzenia",
        "bez numeru PESEL wymagane są data urodzenia i płeć",
    )


def test_a_repeated_person_is_refused_at_each_repeat_naming_the_first_row() -> None:
    bodies = [
        (2, {"pesel": "44051401458", "first_name": "A"}),
        (3, {"first_name": "Ewa", "last_name": "Nowak", "birth_date": "1980-01-01"}),
        (4, {"pesel": "44051401458", "first_name": "B"}),
        (5, {"first_name": " ewa", "last_name": "NOWAK", "birth_date": "1980-01-01"}),
        (6, {"first_name": "Ewa", "last_name": "Nowak"}),
    ]

    kept, errors = importing.repeated_rows(bodies)

    assert [n for n, _ in kept] == [2, 3, 6]
    assert errors == [
        RowError(4, "PESEL", "ta sama osoba co w wierszu 2; pominięto"),
        RowError(5, "Imię", "ta sama osoba co w wierszu 3; pominięto"),
    ]


def test_every_column_says_what_it_accepts_and_every_closed_set_parses_what_it_offers() -> None:
    for column in COLUMNS:
        assert column.accepts
        for choice in column.choices:
            column.parse(choice)  # every value offered in the drop-down list is accepted
    described = importing.columns_markdown()
    assert all(f"| {h}" in described for h in HEADERS)


def test_the_xlsx_template_reads_back_as_an_empty_import_file() -> None:
    book = load_workbook(io.BytesIO(importing.template_xlsx()))

    assert [cell.value for cell in book["Uczestnicy"][1]] == HEADERS
    assert importing.columns_of(HEADERS)
    assert book["Listy"].sheet_state == "hidden"
    assert len(book["Uczestnicy"].data_validations.dataValidation) == len([c for c in COLUMNS if c.choices])


def test_the_committed_import_documentation_is_up_to_date() -> None:
    committed = (Path(__file__).resolve().parents[2] / "docs" / "imports.md").read_text(encoding="utf-8")
    assert committed == importing.documentation(), "stale: write importing.documentation() to docs/imports.md"
