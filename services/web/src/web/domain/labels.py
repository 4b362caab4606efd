"""Polish names of the API's values, as staff know them."""

from __future__ import annotations

STATUS = {
    "candidate": "kandydat",
    "qualified": "zakwalifikowany",
    "enrolled": "uczestnik (przystąpił)",
    "active": "w trakcie wsparcia",
    "completed": "zakończył udział",
    "withdrawn": "przerwał udział",
    "erased": "dane usunięte",
}
CATEGORY = {
    "client_at_risk": "osoba zagrożona wykluczeniem społecznym",
    "person_with_disability": "osoba z niepełnosprawnością",
    "environment_person": "osoba z otoczenia",
    "staff_trainee": "kadra szkolona (trener aktywności)",
}
WITHDRAWAL_REASON = {
    "own_decision": "własna decyzja",
    "health": "stan zdrowia",
    "employment": "podjęcie zatrudnienia",
    "moved_away": "przeprowadzka",
    "no_contact": "brak kontaktu",
    "not_eligible": "niespełnienie kryteriów",
    "other": "inny powód",
}
ROLE = {
    "administrator": "administrator",
    "coordinator": "koordynator",
    "partner_staff": "pracownik partnera",
    "trainer": "trener",
    "auditor": "audytor",
}
CITIZENSHIP = {"polish": "polskie", "eu": "innego kraju UE", "non_eu": "spoza UE", "stateless": "bezpaństwowiec"}
DEGURBA = {
    "1": "miasto (DEGURBA 1)",
    "2": "małe miasto lub przedmieście (DEGURBA 2)",
    "3": "obszar wiejski (DEGURBA 3)",
}
SEX = {"K": "kobieta", "M": "mężczyzna"}
EDUCATION = {
    "isced_0": "brak (ISCED 0)",
    "isced_1_2": "podstawowe lub gimnazjalne (ISCED 1–2)",
    "isced_3_4": "ponadpodstawowe lub policealne (ISCED 3–4)",
    "isced_5_8": "wyższe (ISCED 5–8)",
}
DISABILITY_DEGREE = {"light": "lekki", "moderate": "umiarkowany", "severe": "znaczny"}
LABOUR_MARKET = {
    "registered_unemployed": "bezrobotny zarejestrowany w urzędzie pracy",
    "long_term_unemployed": "długotrwale bezrobotny",
    "unregistered_unemployed": "bezrobotny niezarejestrowany",
    "inactive": "bierny zawodowo",
    "employed": "pracujący",
}


def label(table: dict[str, str], value: object) -> str:
    """The Polish name of ``value``, or the value itself when the table does not know it."""
    text = str(value) if value is not None else ""
    return table.get(text, text)


DECLARATION_KIND = {
    "implement_model": "wdrożenie modelu (jednostka pomocy społecznej)",
    "cooperate": "współpraca przy wdrażaniu (organizacja, pracodawca)",
}
ORGANISATION_KIND = {
    "social_assistance_centre": "ośrodek pomocy społecznej",
    "foundation": "fundacja",
    "ngo": "organizacja pozarządowa",
    "employer": "pracodawca",
    "public_body": "instytucja publiczna",
}

#: The consent scopes a project may require (the enrolment API takes any code; these are the known ones).
CONSENT = {
    "processing_for_project": "przetwarzanie danych osobowych na potrzeby projektu",
    "image": "wykorzystanie wizerunku",
    "follow_up": "kontakt po zakończeniu udziału (badanie sytuacji po projekcie)",
    "electronic_contact": "kontakt e-mailem i SMS-em",
}
