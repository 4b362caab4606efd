"""The participant list in the layout of the funder's participant file (CST2021 SM EFS, "Uczestnicy").

Polish headers and Polish dictionary labels, so that the file needs no retyping: organisations by
name, statuses in Polish, a sensitive question never asked kept apart from a refused one. The date
support started is the first SupportStarted scheduling reported; the kind of support stays empty.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from aktywni_shared.contracts.vocabulary import POLISH_LABELS, DisabilityDegree, LabourMarketStatus, ParticipantCategory
from enrolment.domain.esf import LABELS, SENSITIVE_FLAGS, Answer, Citizenship, Degurba, Education
from enrolment.domain.participants import Participant, Status, recorded_answers

#: Not in the funder's file: candidates never entered the project; erased people have no data left.
NOT_IN_FILE = (Status.CANDIDATE, Status.QUALIFIED, Status.ERASED)

HEADERS = [
    "Imię",
    "Nazwisko",
    "PESEL",
    "Brak PESEL",
    "Płeć",
    "Wiek w chwili przystąpienia do projektu",
    "Wykształcenie",
    "Obywatelstwo",
    "Kraj",
    "Województwo",
    "Powiat",
    "Gmina",
    "Miejscowość",
    "Kod pocztowy",
    "DEGURBA",
    "Telefon",
    "E-mail",
    "Status osoby na rynku pracy w chwili przystąpienia do projektu",
    "Rodzaj przyznanego wsparcia",
    "Data rozpoczęcia udziału we wsparciu",
    "Data rozpoczęcia udziału w projekcie",
    "Data zakończenia udziału w projekcie",
    *SENSITIVE_FLAGS.values(),
    "Stopień niepełnosprawności",
    "Kategoria uczestnika",
    "Organizacja",
    "Status uczestnictwa",
]


STATUS_LABELS: dict[Status, str] = {
    Status.ENROLLED: "Przystąpił do projektu",
    Status.ACTIVE: "W trakcie udziału we wsparciu",
    Status.COMPLETED: "Zakończył udział zgodnie z planem",
    Status.WITHDRAWN: "Przerwał udział w projekcie",
}


def _label(enum: Any, value: str | None) -> str:
    if value is None:
        return ""
    member = enum(value)
    return POLISH_LABELS.get(member) or LABELS.get(member) or value


def _age(born: str | None, on: date) -> str:
    if not born:
        return ""
    b = date.fromisoformat(born)
    return str(on.year - b.year - ((on.month, on.day) < (b.month, b.day)))


def _ended_on(participant: Participant) -> str:
    if participant.status in (Status.WITHDRAWN, Status.COMPLETED):
        return participant.history[-1]["on"]
    return ""


def _support_started_on(participant: Participant) -> str:
    started = participant.support_started_on
    return started.isoformat() if started else ""


def row(participant: Participant, personal: dict[str, Any], organisation_names: dict[str, str]) -> list[str]:
    profile = participant.profile
    residence: dict[str, Any] = json.loads(personal["residence"]) if personal.get("residence") else {}
    answers = recorded_answers(personal.get("sensitive"))
    sensitive: dict[str, str] = answers.model_dump(mode="json") if answers else {}
    return [
        personal.get("first_name", ""),
        personal.get("last_name", ""),
        personal.get("pesel", ""),
        "Nie" if personal.get("pesel") else "Tak",
        "Kobieta" if profile.sex.value == "K" else "Mężczyzna",
        _age(personal.get("birth_date"), participant.enrolled_on),
        _label(Education, profile.education),
        _label(Citizenship, profile.citizenship),
        profile.country,
        profile.voivodeship or "",
        profile.county or "",
        profile.commune or "",
        residence.get("locality") or "",
        residence.get("postal_code") or "",
        _label(Degurba, profile.degurba),
        personal.get("phone", ""),
        personal.get("email", ""),
        _label(LabourMarketStatus, profile.labour_market_status),
        "",
        _support_started_on(participant),
        participant.enrolled_on.isoformat(),
        _ended_on(participant),
        # A record without the answer (older records, or the question left out) was not asked.
        *(_label(Answer, sensitive.get(flag, Answer.NOT_ASKED)) for flag in SENSITIVE_FLAGS),
        _label(DisabilityDegree, profile.disability_degree),
        _label(ParticipantCategory, profile.category),
        organisation_names.get(participant.organisation_id, participant.organisation_id),
        STATUS_LABELS.get(participant.status, participant.status.value),
    ]


def participants_csv(
    rows: list[tuple[Participant, dict[str, Any]]], organisation_names: dict[str, str] | None = None
) -> str:
    """The file; ``organisation_names`` maps organisation ids to the names shown (the id when unknown)."""
    names = organisation_names or {}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerows(row(p, personal, names) for p, personal in rows if p.status not in NOT_IN_FILE)
    return out.getvalue()
