"""Dictionaries the services share in events: values are stable English codes, labels are Polish."""

from __future__ import annotations

from enum import StrEnum


class ParticipantCategory(StrEnum):
    CLIENT_AT_RISK = "client_at_risk"  # klient zagrożony wykluczeniem społecznym
    PERSON_WITH_DISABILITY = "person_with_disability"  # osoba niepełnosprawna (ON)
    ENVIRONMENT_PERSON = "environment_person"  # otoczenie ON: członek rodziny, opiekun
    STAFF_TRAINEE = "staff_trainee"  # osoba szkolona na trenera aktywności (TA)


class Sex(StrEnum):
    FEMALE = "K"
    MALE = "M"


class DisabilityDegree(StrEnum):
    LIGHT = "light"  # lekki
    MODERATE = "moderate"  # umiarkowany
    SEVERE = "severe"  # znaczny


class LabourMarketStatus(StrEnum):
    REGISTERED_UNEMPLOYED = "registered_unemployed"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed"
    UNREGISTERED_UNEMPLOYED = "unregistered_unemployed"
    INACTIVE = "inactive"
    EMPLOYED = "employed"


POLISH_LABELS: dict[StrEnum, str] = {
    ParticipantCategory.CLIENT_AT_RISK: "Klient MOPS zagrożony wykluczeniem społecznym",
    ParticipantCategory.PERSON_WITH_DISABILITY: "Osoba niepełnosprawna (ON)",
    ParticipantCategory.ENVIRONMENT_PERSON: "Otoczenie ON (rodzina, opiekun)",
    ParticipantCategory.STAFF_TRAINEE: "Osoba szkolona na trenera aktywności (TA)",
    Sex.FEMALE: "Kobieta",
    Sex.MALE: "Mężczyzna",
    DisabilityDegree.LIGHT: "lekki",
    DisabilityDegree.MODERATE: "umiarkowany",
    DisabilityDegree.SEVERE: "znaczny",
    LabourMarketStatus.REGISTERED_UNEMPLOYED: "Osoba bezrobotna zarejestrowana w ewidencji urzędów pracy",
    LabourMarketStatus.LONG_TERM_UNEMPLOYED: "Osoba długotrwale bezrobotna",
    LabourMarketStatus.UNREGISTERED_UNEMPLOYED: "Osoba bezrobotna niezarejestrowana w ewidencji urzędów pracy",
    LabourMarketStatus.INACTIVE: "Osoba bierna zawodowo",
    LabourMarketStatus.EMPLOYED: "Osoba pracująca",
}
