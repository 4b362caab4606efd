"""Every Kafka topic of the system, its partition count and what its records are keyed by."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    key: str  # what the record key is, so that one aggregate's events stay in order


ENROLMENT_PROJECTS = Topic("enrolment.projects", 3, "project_id")
ENROLMENT_PARTICIPANTS = Topic("enrolment.participants", 6, "participant_id")
SCHEDULING_SESSIONS = Topic("scheduling.sessions", 6, "session_id")
SCHEDULING_ATTENDANCE = Topic("scheduling.attendance", 6, "participant_id")
REPORTING_INDICATORS = Topic("reporting.indicators", 3, "project_id")

ALL: tuple[Topic, ...] = (
    ENROLMENT_PROJECTS,
    ENROLMENT_PARTICIPANTS,
    SCHEDULING_SESSIONS,
    SCHEDULING_ATTENDANCE,
    REPORTING_INDICATORS,
)


def dead_letter(consumer: str) -> Topic:
    """The dead-letter topic of one consumer (service): records it could not accept, with the reason."""
    return Topic(f"deadletter.{consumer}", 1, "source key")


#: Which topic each event type is published on. A record's key is the aggregate id the topic names
#: (``ActivityPlanned`` is keyed by its activity id on the sessions topic).
EVENT_TOPICS: dict[str, Topic] = {
    "ProjectRegistered": ENROLMENT_PROJECTS,
    "ProjectAmended": ENROLMENT_PROJECTS,
    "PartnerJoined": ENROLMENT_PROJECTS,
    "DeclarationRecorded": ENROLMENT_PROJECTS,
    "CandidateRegistered": ENROLMENT_PARTICIPANTS,
    "CandidateQualified": ENROLMENT_PARTICIPANTS,
    "ParticipantEnrolled": ENROLMENT_PARTICIPANTS,
    "ParticipantUpdated": ENROLMENT_PARTICIPANTS,
    "ParticipantActivated": ENROLMENT_PARTICIPANTS,
    "ParticipantCompleted": ENROLMENT_PARTICIPANTS,
    "ParticipantWithdrawn": ENROLMENT_PARTICIPANTS,
    "ParticipantErased": ENROLMENT_PARTICIPANTS,
    "ActivityPlanned": SCHEDULING_SESSIONS,
    "SessionScheduled": SCHEDULING_SESSIONS,
    "SessionRescheduled": SCHEDULING_SESSIONS,
    "SessionCancelled": SCHEDULING_SESSIONS,
    "BookingConfirmed": SCHEDULING_SESSIONS,
    "ParticipantWaitlisted": SCHEDULING_SESSIONS,
    "SeatOffered": SCHEDULING_SESSIONS,
    "BookingCancelled": SCHEDULING_SESSIONS,
    "AttendanceRecorded": SCHEDULING_ATTENDANCE,
    "SupportStarted": SCHEDULING_ATTENDANCE,
    "SupportCompleted": SCHEDULING_ATTENDANCE,
    "IndicatorProgressed": REPORTING_INDICATORS,
    "TargetReached": REPORTING_INDICATORS,
    "TargetAtRisk": REPORTING_INDICATORS,
}


#: Events whose record key is not the field their topic is keyed by.
_KEY_FIELDS: dict[str, str] = {"ActivityPlanned": "activity_id"}


def topic_of(event_type: str) -> Topic:
    """The topic an event type is published on (a KeyError names an event no contract maps)."""
    return EVENT_TOPICS[event_type]


def record_key(event_type: str, payload: dict[str, object], *, project_id: str) -> str:
    """The record key of one event: the aggregate id its topic is keyed by, so its events stay in order.

    Project topics are keyed by the envelope's project id (a payload need not repeat it).
    """
    field = _KEY_FIELDS.get(event_type, topic_of(event_type).key)
    if field == "project_id":
        return str(payload.get("project_id") or project_id)
    return str(payload[field])
