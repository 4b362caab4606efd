"""The enrolment command's rules and the pseudonymous event a participant produces."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from aktywni_shared.contracts.events import ParticipantEnrolledV1
from aktywni_shared.contracts.vocabulary import DisabilityDegree, LabourMarketStatus, ParticipantCategory, Sex
from enrolment.domain import REQUIRED_CONSENT_SCOPE, EnrolParticipant, Participant, enrol

VALID_PESEL = "71030512348"  # born 1971-03-05, female
PESEL_BIRTH_DATE = date(1971, 3, 5)
TODAY = date(2012, 6, 4)


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


def errors_of(**overrides: Any) -> list[Any]:
    with pytest.raises(ValidationError) as caught:
        EnrolParticipant.model_validate(command_data(**overrides))
    return list(caught.value.errors())


def single_error(**overrides: Any) -> tuple[tuple[int | str, ...], str]:
    errors = errors_of(**overrides)
    assert len(errors) == 1, errors
    return tuple(errors[0]["loc"]), errors[0]["msg"]


# --- PESEL and identity ---------------------------------------------------------------------------


def test_derives_birth_date_and_sex_from_pesel() -> None:
    command = EnrolParticipant.model_validate(command_data())

    assert command.birth_date == PESEL_BIRTH_DATE
    assert command.sex is Sex.FEMALE


def test_accepts_birth_date_and_sex_that_agree_with_pesel() -> None:
    command = EnrolParticipant.model_validate(command_data(birth_date="1971-03-05", sex="K"))

    assert command.birth_date == PESEL_BIRTH_DATE
    assert command.sex is Sex.FEMALE


def test_strips_whitespace_around_pesel() -> None:
    command = EnrolParticipant.model_validate(command_data(pesel=f"  {VALID_PESEL} "))

    assert command.pesel == VALID_PESEL


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
    command = EnrolParticipant.model_validate(command_data(pesel=None, birth_date="1980-01-31", sex="M"))

    assert command.pesel is None
    assert command.birth_date == date(1980, 1, 31)
    assert command.sex is Sex.MALE


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

    command = EnrolParticipant.model_validate(command_data(consent=consent))

    assert REQUIRED_CONSENT_SCOPE in command.consent.scope


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
    command = EnrolParticipant.model_validate(
        command_data(category="person_with_disability", disability_degree="moderate")
    )

    assert command.disability_degree is DisabilityDegree.MODERATE


def test_environment_person_requires_linked_participant_id() -> None:
    loc, msg = single_error(category="environment_person")

    assert loc == ()
    assert "linked_participant_id" in msg


def test_accepts_environment_person_linked_to_a_participant() -> None:
    linked = uuid.uuid4()

    command = EnrolParticipant.model_validate(
        command_data(category="environment_person", linked_participant_id=str(linked))
    )

    assert command.linked_participant_id == linked


def test_rejects_unknown_category() -> None:
    loc, _ = single_error(category="tourist")

    assert loc == ("category",)


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


# --- participant and its event ----------------------------------------------------------------------


def test_enrol_makes_participant_of_the_project_and_organisation() -> None:
    command = EnrolParticipant.model_validate(command_data())

    participant = enrol("TA-2012", command, TODAY)

    assert participant.project_id == "TA-2012"
    assert participant.organisation_id == "fundacja-eudajmonia"
    assert participant.enrolled_on == TODAY
    assert participant.birth_date == PESEL_BIRTH_DATE
    assert participant.command is command


def test_enrol_gives_each_participant_a_new_id() -> None:
    command = EnrolParticipant.model_validate(command_data())

    assert enrol("TA-2012", command, TODAY).participant_id != enrol("TA-2012", command, TODAY).participant_id


def test_enrol_rejects_birth_date_in_the_future() -> None:
    command = EnrolParticipant.model_validate(command_data(pesel=None, birth_date="2012-06-05", sex="K"))

    with pytest.raises(ValueError, match="birth_date is in the future"):
        enrol("TA-2012", command, TODAY)


def test_enrol_accepts_birth_date_of_today() -> None:
    command = EnrolParticipant.model_validate(command_data(pesel=None, birth_date=TODAY.isoformat(), sex="K"))

    assert enrol("TA-2012", command, TODAY).birth_date == TODAY


def test_enrol_rejects_future_birth_date_derived_from_pesel() -> None:
    command = EnrolParticipant.model_validate(command_data())  # born 1971-03-05

    with pytest.raises(ValueError, match="future"):
        enrol("TA-2012", command, PESEL_BIRTH_DATE - timedelta(days=1))


def _participant(**overrides: Any) -> Participant:
    return enrol("TA-2012", EnrolParticipant.model_validate(command_data(**overrides)), TODAY)


def test_enrolled_event_carries_only_pseudonymous_attributes() -> None:
    linked = uuid.uuid4()
    participant = _participant(
        category="environment_person",
        linked_participant_id=str(linked),
        labour_market_status="long_term_unemployed",
        needs_step_free_access=True,
    )

    event = participant.enrolled_event()

    assert isinstance(event, ParticipantEnrolledV1)
    assert event.participant_id == participant.participant_id
    assert event.category is ParticipantCategory.ENVIRONMENT_PERSON
    assert event.sex is Sex.FEMALE
    assert event.birth_year == 1971
    assert event.labour_market_status is LabourMarketStatus.LONG_TERM_UNEMPLOYED
    assert event.linked_participant_id == linked
    assert event.needs_step_free_access is True
    assert event.enrolled_on == TODAY


def test_enrolled_event_has_no_name_pesel_contact_or_exact_birth_date() -> None:
    participant = _participant(category="person_with_disability", disability_degree="severe")

    event = participant.enrolled_event()
    dumped = event.model_dump(mode="json")
    as_json = event.model_dump_json()

    forbidden_fields = {"first_name", "last_name", "pesel", "birth_date", "phone", "email", "address", "consent"}
    assert forbidden_fields.isdisjoint(dumped)
    for secret in (
        "Anna",
        "Kowalska",
        VALID_PESEL,
        "600 100 200",
        "anna.kowalska@example.org",
        "Długa",
        "1971-03-05",
    ):
        assert secret not in as_json
    assert dumped["birth_year"] == 1971
    assert dumped["disability_degree"] == "severe"


def test_rejects_a_birth_date_before_1900_naming_it() -> None:
    _, message = single_error(pesel=None, birth_date="1850-01-01", sex="K")
    assert "birth_date 1850-01-01 is before 1900" in message
