"""Dictionaries of the ESF participant record (SL2014 PEFS / CST2021 SM EFS), as codes and Polish labels.

Codes are stable English identifiers stored and sent in events; labels are what the funder's
participant file expects, so exports need no retyping.
"""

from __future__ import annotations

from enum import StrEnum


class Education(StrEnum):
    ISCED_0 = "isced_0"
    ISCED_1_2 = "isced_1_2"
    ISCED_3_4 = "isced_3_4"
    ISCED_5_8 = "isced_5_8"


class Citizenship(StrEnum):
    POLISH = "polish"
    EU = "eu"
    NON_EU = "non_eu"
    STATELESS = "stateless"


class Degurba(StrEnum):
    CITIES = "1"  # miasta (obszary gęsto zaludnione)
    TOWNS_AND_SUBURBS = "2"  # małe miasta i przedmieścia
    RURAL = "3"  # obszary wiejskie


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    REFUSED = "refused"  # odmowa podania informacji
    NOT_ASKED = "not_asked"  # the question was never put to the person: not the same as a refusal


LABELS: dict[StrEnum, str] = {
    Education.ISCED_0: "Niższe niż podstawowe (ISCED 0)",
    Education.ISCED_1_2: "Podstawowe (ISCED 1) lub gimnazjalne (ISCED 2)",
    Education.ISCED_3_4: "Ponadgimnazjalne (ISCED 3) lub policealne (ISCED 4)",
    Education.ISCED_5_8: "Wyższe (ISCED 5-8)",
    Citizenship.POLISH: "Obywatelstwo polskie",
    Citizenship.EU: "Brak polskiego obywatelstwa – obywatel kraju UE",
    Citizenship.NON_EU: "Brak polskiego obywatelstwa – obywatel kraju spoza UE",
    Citizenship.STATELESS: "Bezpaństwowiec",
    Degurba.CITIES: "1 – Miasta (obszary gęsto zaludnione)",
    Degurba.TOWNS_AND_SUBURBS: "2 – Małe miasta i przedmieścia (obszary o średnim stopniu zaludnienia)",
    Degurba.RURAL: "3 – Obszary wiejskie (obszary słabo zaludnione)",
    Answer.YES: "Tak",
    Answer.NO: "Nie",
    Answer.REFUSED: "Odmowa podania informacji",
    Answer.NOT_ASKED: "Nie zadano pytania",
}

#: The sensitive flags of the ESF record, each yes / no / refused / not asked, with their Polish names.
SENSITIVE_FLAGS: dict[str, str] = {
    "disability": "Osoba z niepełnosprawnościami",
    "foreign_origin_or_minority": "Osoba obcego pochodzenia lub należąca do mniejszości narodowej lub etnicznej",
    "homelessness": "Osoba w kryzysie bezdomności lub dotknięta wykluczeniem z dostępu do mieszkań",
    "other_disadvantage": "Osoba w innej niekorzystnej sytuacji społecznej",
}
