"""The enrolment command's rules, the participant's non-identifying profile, its lifecycle and its events."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from aktywni_shared.contracts.events import (
    ParticipantEnrolledV2,
    ParticipantErasedV1,
    ParticipantUpdatedV1,
    ParticipantWithdrawnV1,
)
from aktywni_shared.contracts.vocabulary import (
    DisabilityDegree,
    LabourMarketStatus,
    ParticipantCategory,
    Sex,
    WithdrawalReason,
)
from enrolment.domain.esf import Answer, Citizenship, Degurba, Education
from enrolment.domain.participants import (
    REQUIRED_CONSENT_SCOPE,
    DomainError,
    EnrolParticipant,
    InvalidTransition,
    Participant,
    ParticipantDetails,
    Profile,
    Residence,
    SensitiveFlags,
    Status,
    enrol,
    recorded_answers,
)

VALID_PESEL = "71030512348"  # born 1971-03-05, female
PESEL_BIRTH_DATE = date(1971, 3, 5)
TODAY = date(2012, 6, 4)
WROCLAW = {
    "voivodeship": "dolnośląskie",
    "county": "Wrocław",
    "commune": "Wrocław",
    "teryt": "0264011",
    "locality": "Wrocław",
    "postal_code": "50-001",
    "street": "ul. Długa 1 m. 2",
    "degurba": "1",
}


def command_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisation_id": "fundacja-eudajmonia",
        "category": "client_at_risk",
        "first_name": "Anna",
        "last_name": "Kowalska",
        "pesel": VALID_PESEL,
        "phone": "+48 600 100 200",
        "email": "anna.kowalska@example.org",
        "address": "ul. Długa 1, 00-001 Warszawa",
        "consent": {"given": True, "given_on": "2012-06-01", "scope": [REQUIRED_CONSENT_SCOPE]},
    }
    data.update(overrides)
    return data


def command(**overrides: Any) -> EnrolParticipant:
    return EnrolParticipant.model_validate(command_data(**overrides))


def errors_of(**overrides: Any) -> list[Any]:
    with pytest.raises(ValidationError) as caught:
        EnrolParticipant.model_validate(command_data(**overrides))
    return list(caught.value.errors())


def single_error(**overrides: Any) -> tuple[tuple[int | str, ...], str]:
    errors = errors_of(**overrides)
    assert len(errors) == 1, errors
    return tuple(errors[0]["loc"]), errors[0]["msg"]


def participant(**overrides: Any) -> Participant:
    return enrol("TA-2012", command(**overrides), TODAY)


def with_status(status: Status, **overrides: Any) -> Participant:
    subject = participant(**overrides)
    subject.status = status
    return subject


# --- PESEL and identity ---------------------------------------------------------------------------


def test_derives_birth_date_and_sex_from_pesel() -> None:
    enrolment = command()

    assert enrolment.birth_date == PESEL_BIRTH_DATE
    assert enrolment.sex is Sex.FEMALE


def test_accepts_birth_date_and_sex_that_agree_with_pesel() -> None:
    enrolment = command(birth_date="1971-03-05", sex="K")

    assert enrolment.birth_date == PESEL_BIRTH_DATE
    assert enrolment.sex is Sex.FEMALE


def test_strips_whitespace_around_pesel() -> None:
    assert command(pesel=f"  {VALID_PESEL} ").pesel == VALID_PESEL


def test_rejects_pesel_with_wrong_checksum_naming_the_pesel_field() -> None:
    loc, msg = single_error(pesel="71030512349")

    assert loc == ("pesel",)
    assert "invalid PESEL" in msg
    assert "checksum" in msg


@pytest.mark.parametrize("pesel", ["7103051234", "7103051234x", "710305123480"])
def test_rejects_malformed_pesel_naming_the_pesel_field(pesel: str) -> None:
    loc, msg = single_error(pesel=pesel)

    assert loc == ("pesel",)
    assert "11 digits" in msg


@pytest.mark.parametrize(
    "pesel",
    [
        pytest.param("".join(chr(0xFF10 + int(c)) for c in VALID_PESEL), id="fullwidth"),
        pytest.param("".join(chr(0x0660 + int(c)) for c in VALID_PESEL), id="arabic-indic"),
    ],
)
def test_rejects_pesel_written_in_non_ascii_digits(pesel: str) -> None:
    loc, msg = single_error(pesel=pesel)

    assert loc == ("pesel",)
    assert "11 digits" in msg


def test_rejects_pesel_encoding_30_february() -> None:
    loc, msg = single_error(pesel="71023012349")  # checksum-valid, 1971-02-30

    assert loc == ("pesel",)
    assert "valid birth date" in msg


def test_rejects_birth_date_that_differs_from_pesel() -> None:
    loc, msg = single_error(birth_date="1971-03-06")

    assert loc == ()
    assert "birth_date" in msg
    assert "1971-03-06" in msg
    assert "1971-03-05" in msg


def test_rejects_sex_that_differs_from_pesel() -> None:
    loc, msg = single_error(sex="M")

    assert loc == ()
    assert "sex" in msg
    assert "differs from the PESEL" in msg


def test_accepts_birth_date_and_sex_without_pesel() -> None:
    enrolment = command(pesel=None, birth_date="1980-01-31", sex="M")

    assert enrolment.pesel is None
    assert enrolment.birth_date == date(1980, 1, 31)
    assert enrolment.sex is Sex.MALE


@pytest.mark.parametrize(
    "identity",
    [
        pytest.param({}, id="neither"),
        pytest.param({"birth_date": "1980-01-31"}, id="no sex"),
        pytest.param({"sex": "M"}, id="no birth date"),
    ],
)
def test_requires_birth_date_and_sex_without_pesel(identity: dict[str, str]) -> None:
    data = command_data(**identity)
    del data["pesel"]

    with pytest.raises(ValidationError) as caught:
        EnrolParticipant.model_validate(data)

    (error,) = caught.value.errors()
    assert "without a PESEL, birth_date and sex are required" in error["msg"]


def test_rejects_a_birth_date_before_1900_naming_it() -> None:
    _, message = single_error(pesel=None, birth_date="1850-01-01", sex="K")

    assert "birth_date 1850-01-01 is before 1900" in message


def test_accepts_a_birth_date_in_1900() -> None:
    assert command(pesel=None, birth_date="1900-01-01", sex="K").birth_date == date(1900, 1, 1)


# --- consent ----------------------------------------------------------------------------------------


def test_rejects_consent_not_given() -> None:
    loc, msg = single_error(consent={"given": False, "given_on": "2012-06-01", "scope": [REQUIRED_CONSENT_SCOPE]})

    assert loc == ("consent",)
    assert "consent" in msg
    assert "required" in msg


def test_rejects_consent_whose_scope_lacks_processing_for_project() -> None:
    loc, msg = single_error(consent={"given": True, "given_on": "2012-06-01", "scope": ["marketing"]})

    assert loc == ("consent",)
    assert "processing_for_project" in msg


def test_rejects_consent_with_empty_scope() -> None:
    loc, _ = single_error(consent={"given": True, "given_on": "2012-06-01", "scope": []})

    assert loc == ("consent", "scope")


def test_accepts_consent_with_additional_scopes() -> None:
    consent = {"given": True, "given_on": "2012-06-01", "scope": ["newsletter", REQUIRED_CONSENT_SCOPE]}

    assert command(consent=consent).consent.scope == ["newsletter", REQUIRED_CONSENT_SCOPE]


def test_requires_consent() -> None:
    data = command_data()
    del data["consent"]

    with pytest.raises(ValidationError) as caught:
        EnrolParticipant.model_validate(data)

    assert [(tuple(e["loc"]), e["type"]) for e in caught.value.errors()] == [(("consent",), "missing")]


def test_rejects_extra_field_inside_consent() -> None:
    consent = {"given": True, "given_on": "2012-06-01", "scope": [REQUIRED_CONSENT_SCOPE], "signed_by": "x"}

    loc, _ = single_error(consent=consent)

    assert loc == ("consent", "signed_by")


# --- category rules ---------------------------------------------------------------------------------


def test_person_with_disability_requires_disability_degree() -> None:
    loc, msg = single_error(category="person_with_disability")

    assert loc == ()
    assert "disability_degree" in msg


def test_accepts_person_with_disability_with_degree() -> None:
    enrolment = command(category="person_with_disability", disability_degree="moderate")

    assert enrolment.disability_degree is DisabilityDegree.MODERATE


def test_environment_person_requires_linked_participant_id() -> None:
    loc, msg = single_error(category="environment_person")

    assert loc == ()
    assert "linked_participant_id" in msg


def test_accepts_environment_person_linked_to_a_participant() -> None:
    linked = uuid.uuid4()

    assert command(category="environment_person", linked_participant_id=str(linked)).linked_participant_id == linked


def test_rejects_unknown_category() -> None:
    loc, _ = single_error(category="tourist")

    assert loc == ("category",)


# --- ESF attributes ---------------------------------------------------------------------------------


def test_esf_attributes_default_to_polish_citizen_not_a_client_nor_mops_employee() -> None:
    enrolment = command()

    assert enrolment.citizenship is Citizenship.POLISH
    assert enrolment.education is None
    assert enrolment.social_assistance_client is False
    assert enrolment.mops_employee is False
    assert enrolment.residence is None
    assert enrolment.enrolled_on is None


def test_accepts_the_esf_attributes() -> None:
    enrolment = command(
        citizenship="non_eu",
        education="isced_3_4",
        social_assistance_client=True,
        mops_employee=True,
        enrolled_on="2012-06-01",
    )

    assert enrolment.citizenship is Citizenship.NON_EU
    assert enrolment.education is Education.ISCED_3_4
    assert enrolment.social_assistance_client is True
    assert enrolment.mops_employee is True
    assert enrolment.enrolled_on == date(2012, 6, 1)


@pytest.mark.parametrize(("name", "value"), [("citizenship", "martian"), ("education", "isced_9")])
def test_rejects_unknown_esf_codes(name: str, value: str) -> None:
    loc, _ = single_error(**{name: value})

    assert loc == (name,)


def test_sensitive_flags_not_given_are_not_asked_rather_than_refused() -> None:
    flags = command().sensitive

    assert flags == SensitiveFlags()
    assert {flags.disability, flags.foreign_origin_or_minority, flags.homelessness, flags.other_disadvantage} == {
        Answer.NOT_ASKED
    }


def test_sensitive_flags_accept_yes_no_and_refused() -> None:
    sensitive = {"disability": "yes", "foreign_origin_or_minority": "no", "homelessness": "refused"}

    flags = command(sensitive=sensitive).sensitive

    assert flags.disability is Answer.YES
    assert flags.foreign_origin_or_minority is Answer.NO
    assert flags.homelessness is Answer.REFUSED
    assert flags.other_disadvantage is Answer.NOT_ASKED


def test_an_older_record_without_an_answer_reads_as_not_asked_and_a_refusal_stays_a_refusal() -> None:
    older = '{"disability": "yes", "homelessness": "refused"}'

    answers = recorded_answers(older)

    assert answers is not None
    assert (answers.disability, answers.homelessness) == (Answer.YES, Answer.REFUSED)
    assert (answers.foreign_origin_or_minority, answers.other_disadvantage) == (Answer.NOT_ASKED, Answer.NOT_ASKED)
    assert recorded_answers(None) is None


def test_rejects_a_sensitive_answer_other_than_yes_no_or_refused() -> None:
    loc, _ = single_error(sensitive={"homelessness": "maybe"})

    assert loc == ("sensitive", "homelessness")


def test_rejects_an_unknown_sensitive_flag() -> None:
    loc, _ = single_error(sensitive={"religion": "no"})

    assert loc == ("sensitive", "religion")


# --- residence --------------------------------------------------------------------------------------


def test_accepts_a_full_polish_residence() -> None:
    residence = command(residence=WROCLAW).residence

    assert residence is not None
    assert residence.country == "PL"
    assert residence.teryt == "0264011"
    assert residence.postal_code == "50-001"
    assert residence.degurba is Degurba.CITIES


@pytest.mark.parametrize("missing", ["voivodeship", "county", "commune", "degurba"])
def test_polish_residence_requires_voivodeship_county_commune_and_degurba(missing: str) -> None:
    residence = {k: v for k, v in WROCLAW.items() if k != missing}

    loc, msg = single_error(residence=residence)

    assert loc == ("residence",)
    assert f"a residence in Poland needs {missing}" in msg


def test_polish_residence_names_every_missing_part() -> None:
    _, msg = single_error(residence={"locality": "Wrocław"})

    assert "voivodeship, county, commune, degurba" in msg


def test_residence_abroad_needs_no_polish_administrative_units() -> None:
    residence = command(residence={"country": "DE", "locality": "Berlin"}).residence

    assert residence is not None
    assert residence.country == "DE"
    assert residence.voivodeship is None


@pytest.mark.parametrize("teryt", ["026401", "02640111", "026401a", "0264 011"])
def test_teryt_must_be_seven_digits(teryt: str) -> None:
    loc, _ = single_error(residence=WROCLAW | {"teryt": teryt})

    assert loc == ("residence", "teryt")


@pytest.mark.parametrize("postal_code", ["50001", "5-0001", "50-01", "50-0011", "AB-123"])
def test_postal_code_must_be_nn_nnn(postal_code: str) -> None:
    loc, _ = single_error(residence=WROCLAW | {"postal_code": postal_code})

    assert loc == ("residence", "postal_code")


@pytest.mark.parametrize("country", ["pl", "POL", "P"])
def test_country_must_be_two_capital_letters(country: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Residence.model_validate({"country": country})

    assert [tuple(e["loc"]) for e in caught.value.errors()] == [("country",)]


def test_rejects_unknown_degurba_class() -> None:
    loc, _ = single_error(residence=WROCLAW | {"degurba": "4"})

    assert loc == ("residence", "degurba")


# --- other fields -----------------------------------------------------------------------------------


def test_forbids_extra_fields() -> None:
    loc, msg = single_error(nickname="Ania")

    assert loc == ("nickname",)
    assert "not permitted" in msg


@pytest.mark.parametrize("organisation_id", ["Fundacja", "-fundacja", "f", "fundacja eudajmonia"])
def test_rejects_malformed_organisation_id(organisation_id: str) -> None:
    loc, _ = single_error(organisation_id=organisation_id)

    assert loc == ("organisation_id",)


def test_rejects_empty_first_name_after_stripping_whitespace() -> None:
    loc, _ = single_error(first_name="   ")

    assert loc == ("first_name",)


def test_rejects_malformed_email() -> None:
    loc, _ = single_error(email="not-an-email")

    assert loc == ("email",)


def test_rejects_malformed_phone() -> None:
    loc, _ = single_error(phone="call me maybe")

    assert loc == ("phone",)


# --- profile ----------------------------------------------------------------------------------------


def test_profile_of_carries_the_non_identifying_attributes() -> None:
    linked = uuid.uuid4()
    enrolment = command(
        category="environment_person",
        linked_participant_id=str(linked),
        citizenship="eu",
        education="isced_5_8",
        labour_market_status="inactive",
        social_assistance_client=True,
        needs_step_free_access=True,
        residence=WROCLAW,
    )

    profile = Profile.of(enrolment)

    assert profile == Profile(
        category=ParticipantCategory.ENVIRONMENT_PERSON,
        sex=Sex.FEMALE,
        birth_year=1971,
        citizenship=Citizenship.EU,
        education=Education.ISCED_5_8,
        labour_market_status=LabourMarketStatus.INACTIVE,
        disability_degree=None,
        social_assistance_client=True,
        mops_employee=False,
        linked_participant_id=linked,
        needs_step_free_access=True,
        country="PL",
        voivodeship="dolnośląskie",
        county="Wrocław",
        commune="Wrocław",
        teryt="0264011",
        degurba=Degurba.CITIES,
    )


def test_profile_leaves_out_name_pesel_contact_birth_date_street_and_sensitive_flags() -> None:
    enrolment = command(residence=WROCLAW, sensitive={"homelessness": "yes"})

    dumped = Profile.of(enrolment).model_dump_json()

    identifying = {
        "first_name",
        "last_name",
        "pesel",
        "birth_date",
        "phone",
        "email",
        "address",
        "locality",
        "postal_code",
        "street",
        "sensitive",
        "consent",
    }
    assert identifying.isdisjoint(Profile.model_fields)
    for secret in ("Anna", "Kowalska", VALID_PESEL, "1971-03-05", "50-001", "Długa", "600 100 200", "homelessness"):
        assert secret not in dumped


def test_profile_without_residence_is_in_poland_with_no_units() -> None:
    profile = Profile.of(command())

    assert profile.country == "PL"
    assert (profile.voivodeship, profile.county, profile.commune, profile.teryt, profile.degurba) == (None,) * 5


# --- enrol ------------------------------------------------------------------------------------------


def test_enrol_makes_participant_of_the_project_and_organisation() -> None:
    enrolment = command()

    enrolled = enrol("TA-2012", enrolment, TODAY)

    assert enrolled.project_id == "TA-2012"
    assert enrolled.organisation_id == "fundacja-eudajmonia"
    assert enrolled.status is Status.ENROLLED
    assert enrolled.profile == Profile.of(enrolment)
    assert enrolled.history == [{"status": "enrolled", "on": TODAY.isoformat()}]


def test_participant_holds_the_profile_and_not_the_command() -> None:
    names = {f.name for f in dataclasses.fields(Participant)}

    assert "profile" in names
    assert names.isdisjoint({"command", "first_name", "last_name", "pesel", "birth_date", "email", "phone"})


def test_enrol_dates_the_enrolment_today_by_default() -> None:
    assert enrol("TA-2012", command(), TODAY).enrolled_on == TODAY


def test_enrol_takes_an_enrolment_date_in_the_past() -> None:
    enrolled = enrol("TA-2012", command(enrolled_on="2012-05-02"), TODAY)

    assert enrolled.enrolled_on == date(2012, 5, 2)
    assert enrolled.history == [{"status": "enrolled", "on": "2012-05-02"}]


def test_enrol_rejects_an_enrolment_date_in_the_future_naming_it() -> None:
    with pytest.raises(DomainError, match="enrolled_on 2012-06-05 is in the future") as caught:
        enrol("TA-2012", command(enrolled_on="2012-06-05"), TODAY)

    assert caught.value.field == "enrolled_on"


def test_enrol_gives_each_participant_a_new_id() -> None:
    enrolment = command()

    assert enrol("TA-2012", enrolment, TODAY).participant_id != enrol("TA-2012", enrolment, TODAY).participant_id


def test_enrol_rejects_birth_date_after_the_enrolment_naming_it() -> None:
    enrolment = command(pesel=None, birth_date="2012-06-03", sex="K", enrolled_on="2012-06-02")

    with pytest.raises(DomainError, match="birth_date is after the enrolment date") as caught:
        enrol("TA-2012", enrolment, TODAY)

    assert caught.value.field == "birth_date"


def test_enrol_accepts_birth_on_the_day_of_enrolment() -> None:
    enrolled = enrol("TA-2012", command(pesel=None, birth_date=TODAY.isoformat(), sex="K"), TODAY)

    assert enrolled.profile.birth_year == 2012


def test_enrol_rejects_future_birth_date_derived_from_pesel() -> None:
    with pytest.raises(DomainError) as caught:
        enrol("TA-2012", command(), PESEL_BIRTH_DATE - timedelta(days=1))  # born 1971-03-05

    assert caught.value.field == "birth_date"


# --- the enrolled event -----------------------------------------------------------------------------


def test_enrolled_event_carries_only_pseudonymous_attributes() -> None:
    linked = uuid.uuid4()
    subject = participant(
        category="environment_person",
        linked_participant_id=str(linked),
        labour_market_status="long_term_unemployed",
        needs_step_free_access=True,
    )

    event = subject.enrolled_event()

    assert isinstance(event, ParticipantEnrolledV2)
    assert event.participant_id == subject.participant_id
    assert event.category is ParticipantCategory.ENVIRONMENT_PERSON
    assert event.sex is Sex.FEMALE
    assert event.birth_year == 1971
    assert event.labour_market_status is LabourMarketStatus.LONG_TERM_UNEMPLOYED
    assert event.linked_participant_id == linked
    assert event.needs_step_free_access is True
    assert event.enrolled_on == TODAY


def test_enrolled_event_has_no_name_pesel_contact_or_exact_birth_date() -> None:
    subject = participant(
        category="person_with_disability",
        disability_degree="severe",
        residence=WROCLAW,
        sensitive={"disability": "yes"},
    )

    event = subject.enrolled_event()
    dumped = event.model_dump(mode="json")
    as_json = event.model_dump_json()

    forbidden_fields = {
        "first_name",
        "last_name",
        "pesel",
        "birth_date",
        "phone",
        "email",
        "address",
        "consent",
        "residence",
        "street",
        "postal_code",
        "sensitive",
    }
    assert forbidden_fields.isdisjoint(dumped)
    for secret in (
        "Anna",
        "Kowalska",
        VALID_PESEL,
        "600 100 200",
        "anna.kowalska@example.org",
        "Długa",
        "50-001",
        "1971-03-05",
    ):
        assert secret not in as_json
    assert dumped["birth_year"] == 1971
    assert dumped["disability_degree"] == "severe"


# --- withdraw ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.ENROLLED, Status.ACTIVE])
def test_withdraw_from_enrolled_or_active_emits_the_withdrawal(status: Status) -> None:
    subject = with_status(status)

    event = subject.withdraw(date(2012, 7, 1), WithdrawalReason.EMPLOYMENT)

    assert event == ParticipantWithdrawnV1(
        participant_id=subject.participant_id, withdrawn_on=date(2012, 7, 1), reason=WithdrawalReason.EMPLOYMENT
    )
    assert subject.status is Status.WITHDRAWN
    assert subject.history[-1] == {"status": "withdrawn", "on": "2012-07-01", "reason": "employment"}


def test_withdraw_on_the_day_of_enrolment_is_allowed() -> None:
    subject = participant()

    assert subject.withdraw(TODAY, WithdrawalReason.HEALTH).withdrawn_on == TODAY


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.COMPLETED, Status.ERASED])
def test_withdraw_is_refused_unless_enrolled_or_active(status: Status) -> None:
    subject = with_status(status)

    with pytest.raises(InvalidTransition, match=f"who is {status.value} cannot withdraw") as caught:
        subject.withdraw(date(2012, 7, 1), WithdrawalReason.OTHER)

    assert caught.value.field == "status"
    assert subject.status is status


def test_withdraw_before_the_enrolment_is_refused_naming_the_date() -> None:
    subject = participant()

    with pytest.raises(DomainError, match="before the enrolment") as caught:
        subject.withdraw(TODAY - timedelta(days=1), WithdrawalReason.OWN_DECISION)

    assert caught.value.field == "withdrawn_on"
    assert subject.status is Status.ENROLLED
    assert len(subject.history) == 1


def test_invalid_transition_is_a_domain_error() -> None:
    assert issubclass(InvalidTransition, DomainError)


# --- re-enrol ---------------------------------------------------------------------------------------


def test_re_enrol_after_withdrawal_emits_enrolled_again_with_the_same_id() -> None:
    subject = participant(labour_market_status="inactive")
    subject.withdraw(date(2012, 7, 1), WithdrawalReason.HEALTH)

    event = subject.re_enrol(date(2012, 9, 3))

    assert isinstance(event, ParticipantEnrolledV2)
    assert event.participant_id == subject.participant_id
    assert event.enrolled_on == date(2012, 9, 3)
    assert event.labour_market_status is LabourMarketStatus.INACTIVE
    assert subject.status is Status.ENROLLED
    assert subject.enrolled_on == date(2012, 9, 3)
    assert [entry["status"] for entry in subject.history] == ["enrolled", "withdrawn", "enrolled"]


def test_re_enrolled_participant_may_withdraw_again() -> None:
    subject = participant()
    subject.withdraw(date(2012, 7, 1), WithdrawalReason.HEALTH)
    subject.re_enrol(date(2012, 9, 3))

    subject.withdraw(date(2012, 10, 1), WithdrawalReason.MOVED_AWAY)

    assert subject.status is Status.WITHDRAWN


@pytest.mark.parametrize("status", [Status.ENROLLED, Status.ACTIVE, Status.COMPLETED, Status.ERASED])
def test_re_enrol_is_refused_unless_withdrawn(status: Status) -> None:
    subject = with_status(status)

    with pytest.raises(InvalidTransition, match=f"only a withdrawn participant can be re-enrolled, not {status}"):
        subject.re_enrol(date(2012, 9, 3))

    assert subject.status is status
    assert subject.enrolled_on == TODAY


# --- update -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        pytest.param(
            {"labour_market_status": "employed"},
            {"labour_market_status": LabourMarketStatus.EMPLOYED},
            id="labour status",
        ),
        pytest.param(
            {"disability_degree": "light"},
            {"disability_degree": DisabilityDegree.LIGHT},
            id="disability degree",
        ),
        pytest.param(
            {"needs_step_free_access": True},
            {"needs_step_free_access": True},
            id="step-free access",
        ),
    ],
)
def test_update_emits_updated_when_an_attribute_other_services_know_changes(
    details: dict[str, Any], expected: dict[str, Any]
) -> None:
    subject = participant(labour_market_status="inactive")

    event = subject.update(ParticipantDetails.model_validate(details))

    current = {
        "labour_market_status": LabourMarketStatus.INACTIVE,
        "disability_degree": None,
        "needs_step_free_access": False,
    }
    assert event == ParticipantUpdatedV1(participant_id=subject.participant_id, **(current | expected))
    for name, value in expected.items():
        assert getattr(subject.profile, name) == value


@pytest.mark.parametrize(
    "details",
    [
        pytest.param({"education": "isced_1_2"}, id="education"),
        pytest.param({"residence": WROCLAW}, id="residence"),
        pytest.param({"sensitive": {"homelessness": "yes"}}, id="sensitive flags"),
        pytest.param({"phone": "+48 700 800 900", "email": "anna@example.org"}, id="contact"),
        pytest.param({"labour_market_status": "inactive"}, id="the same labour status"),
        pytest.param({}, id="nothing"),
    ],
)
def test_update_emits_nothing_when_no_attribute_other_services_know_changes(details: dict[str, Any]) -> None:
    subject = participant(labour_market_status="inactive")

    assert subject.update(ParticipantDetails.model_validate(details)) is None


def test_update_records_education_and_residence_in_the_profile_without_the_street() -> None:
    subject = participant()

    subject.update(ParticipantDetails.model_validate({"education": "isced_1_2", "residence": WROCLAW}))

    assert subject.profile.education is Education.ISCED_1_2
    assert subject.profile.commune == "Wrocław"
    assert subject.profile.teryt == "0264011"
    assert "Długa" not in subject.profile.model_dump_json()
    assert "50-001" not in subject.profile.model_dump_json()


def test_update_keeps_the_degree_of_a_person_with_a_disability() -> None:
    subject = participant(category="person_with_disability", disability_degree="moderate")

    event = subject.update(ParticipantDetails(disability_degree=None))

    assert event is None
    assert subject.profile.disability_degree is DisabilityDegree.MODERATE


def test_update_of_a_withdrawn_participant_is_allowed() -> None:
    subject = participant()
    subject.withdraw(TODAY, WithdrawalReason.OTHER)

    event = subject.update(ParticipantDetails(labour_market_status=LabourMarketStatus.EMPLOYED))

    assert event is not None
    assert event.labour_market_status is LabourMarketStatus.EMPLOYED


def test_erased_participant_cannot_be_updated() -> None:
    subject = participant(labour_market_status="inactive")
    subject.erase(TODAY)

    with pytest.raises(InvalidTransition, match="erased participant cannot be changed") as caught:
        subject.update(ParticipantDetails(labour_market_status=LabourMarketStatus.EMPLOYED))

    assert caught.value.field == "status"
    assert subject.profile.labour_market_status is LabourMarketStatus.INACTIVE


# --- erase ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.ENROLLED, Status.ACTIVE, Status.COMPLETED, Status.WITHDRAWN])
def test_erase_from_any_state_emits_erased(status: Status) -> None:
    subject = with_status(status)

    event = subject.erase(date(2013, 1, 2))

    assert event == ParticipantErasedV1(participant_id=subject.participant_id, erased_on=date(2013, 1, 2))
    assert subject.status is Status.ERASED
    assert subject.history[-1] == {"status": "erased", "on": "2013-01-02"}


def test_erase_happens_only_once() -> None:
    subject = participant()
    subject.erase(TODAY)

    with pytest.raises(InvalidTransition, match="already erased") as caught:
        subject.erase(TODAY)

    assert caught.value.field == "status"
    assert len(subject.history) == 2


def test_erased_participant_can_neither_withdraw_nor_re_enrol() -> None:
    subject = participant()
    subject.erase(TODAY)

    with pytest.raises(InvalidTransition):
        subject.withdraw(TODAY, WithdrawalReason.OTHER)
    with pytest.raises(InvalidTransition):
        subject.re_enrol(TODAY)
    assert subject.status is Status.ERASED


def test_a_new_residence_replaces_the_old_one_whole() -> None:
    subject = participant(residence=WROCLAW)

    subject.update(ParticipantDetails(residence=Residence(country="DE")))

    assert subject.profile.country == "DE"
    assert (subject.profile.voivodeship, subject.profile.commune, subject.profile.teryt) == (None, None, None)
    assert subject.profile.degurba is None


def test_re_enrolment_before_the_withdrawal_is_refused_naming_the_date() -> None:
    subject = participant(enrolled_on="2012-06-01")
    subject.withdraw(date(2012, 7, 1), WithdrawalReason.HEALTH)

    with pytest.raises(DomainError) as caught:
        subject.re_enrol(date(2012, 6, 15))

    assert caught.value.field == "enrolled_on"
    assert subject.status is Status.WITHDRAWN
