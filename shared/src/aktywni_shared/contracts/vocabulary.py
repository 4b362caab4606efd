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


class OrganisationKind(StrEnum):
    SOCIAL_ASSISTANCE_CENTRE = "social_assistance_centre"  # OPS / MOPS
    FOUNDATION = "foundation"
    NGO = "ngo"
    EMPLOYER = "employer"
    PUBLIC_BODY = "public_body"


class PartnerRole(StrEnum):
    LEADER = "leader"  # lider projektu
    PARTNER = "partner"  # partner projektu
    NON_PROJECT_PARTNER = "non_project_partner"  # partner pozaprojektowy (na podstawie porozumienia)


class WithdrawalReason(StrEnum):
    OWN_DECISION = "own_decision"
    HEALTH = "health"
    EMPLOYMENT = "employment"
    MOVED_AWAY = "moved_away"
    NO_CONTACT = "no_contact"
    NOT_ELIGIBLE = "not_eligible"
    OTHER = "other"


class DeclarationKind(StrEnum):
    IMPLEMENT_MODEL = "implement_model"  # jednostka pomocy społecznej deklaruje wdrożenie modelu
    COOPERATE = "cooperate"  # NGO / pracodawca deklaruje współpracę przy wdrażaniu


class SupportForm(StrEnum):
    """A form of support (forma wsparcia) an activity gives."""

    TRAINING = "training"  # szkolenie
    TRAINING_SESSION = "training_session"  # trening
    WORKSHOP = "workshop"  # warsztaty
    INDIVIDUAL_MEETING = "individual_meeting"  # spotkanie indywidualne
    EDUCATIONAL_TRIP = "educational_trip"  # wyjazd edukacyjny
    CONFERENCE = "conference"  # konferencja
    RESEARCH = "research"  # badanie (ankieta, grupa fokusowa)
    WORKING_GROUP_MEETING = "working_group_meeting"  # spotkanie grupy roboczej


class AttendanceStatus(StrEnum):
    PRESENT = "present"  # obecny
    ABSENT = "absent"  # nieobecny
    EXCUSED = "excused"  # nieobecność usprawiedliwiona


class BookingCancellationReason(StrEnum):
    REQUESTED = "requested"  # na prośbę uczestnika lub personelu
    PARTICIPANT_WITHDRAWN = "participant_withdrawn"
    PARTICIPANT_ERASED = "participant_erased"
    SESSION_CANCELLED = "session_cancelled"
    OFFER_EXPIRED = "offer_expired"  # miejsce z listy rezerwowej niepotwierdzone w terminie


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
    OrganisationKind.SOCIAL_ASSISTANCE_CENTRE: "Ośrodek pomocy społecznej",
    OrganisationKind.FOUNDATION: "Fundacja",
    OrganisationKind.NGO: "Organizacja pozarządowa",
    OrganisationKind.EMPLOYER: "Pracodawca",
    OrganisationKind.PUBLIC_BODY: "Podmiot publiczny",
    PartnerRole.LEADER: "Lider projektu",
    PartnerRole.PARTNER: "Partner projektu",
    PartnerRole.NON_PROJECT_PARTNER: "Partner pozaprojektowy (porozumienie o współpracy)",
    DeclarationKind.IMPLEMENT_MODEL: "Deklaracja wdrożenia modelu",
    DeclarationKind.COOPERATE: "Deklaracja współpracy przy wdrażaniu modelu",
    SupportForm.TRAINING: "Szkolenie",
    SupportForm.TRAINING_SESSION: "Trening",
    SupportForm.WORKSHOP: "Warsztaty",
    SupportForm.INDIVIDUAL_MEETING: "Spotkanie indywidualne",
    SupportForm.EDUCATIONAL_TRIP: "Wyjazd edukacyjny",
    SupportForm.CONFERENCE: "Konferencja",
    SupportForm.RESEARCH: "Badanie (ankieta, grupa fokusowa)",
    SupportForm.WORKING_GROUP_MEETING: "Spotkanie grupy roboczej",
    AttendanceStatus.PRESENT: "obecny",
    AttendanceStatus.ABSENT: "nieobecny",
    AttendanceStatus.EXCUSED: "nieobecność usprawiedliwiona",
    BookingCancellationReason.REQUESTED: "Rezygnacja z zapisu",
    BookingCancellationReason.PARTICIPANT_WITHDRAWN: "Uczestnik wycofany z projektu",
    BookingCancellationReason.PARTICIPANT_ERASED: "Dane uczestnika usunięte",
    BookingCancellationReason.SESSION_CANCELLED: "Zajęcia odwołane",
    BookingCancellationReason.OFFER_EXPIRED: "Miejsce z listy rezerwowej niepotwierdzone w terminie",
}
