"""Activities: a form of support of a project, for whom, how many hours, how many seats, what completes it."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN
from aktywni_shared.contracts.events import ActivityPlannedV1, CompletionRule
from aktywni_shared.contracts.vocabulary import ParticipantCategory, SupportForm

#: What completes an activity when the coordinator does not say: 80 % of the planned hours for
#: group forms, one attended meeting for individual meetings, trips, conferences and research.
ONE_MEETING_FORMS = frozenset(
    {SupportForm.INDIVIDUAL_MEETING, SupportForm.EDUCATIONAL_TRIP, SupportForm.CONFERENCE, SupportForm.RESEARCH}
)


def default_rule(form: SupportForm) -> CompletionRule:
    if form in ONE_MEETING_FORMS:
        return CompletionRule(kind="any_attendance")
    return CompletionRule(kind="attendance_share", min_share=0.8)


class PlanActivity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    form: SupportForm
    title: str = Field(min_length=1, max_length=300)
    target_categories: list[ParticipantCategory] = Field(min_length=1, max_length=4)
    planned_hours: float = Field(gt=0, le=10_000)
    capacity: int = Field(gt=0, le=10_000, description="seats per session at most")
    completion_rule: CompletionRule | None = Field(None, description="default: 80 % of hours, or one meeting")
    offer_window_hours: int | None = Field(
        None, ge=1, le=24 * 14, description="a freed seat is offered for this long; none: the next is booked at once"
    )

    @model_validator(mode="after")
    def _individual(self) -> PlanActivity:
        if self.form is SupportForm.INDIVIDUAL_MEETING and self.capacity != 1:
            raise ValueError("capacity of an individual meeting is 1")
        return self


class Activity(BaseModel):
    activity_id: uuid.UUID
    project_id: str
    organisation_id: str = Field(pattern=ORG_ID_PATTERN)
    form: SupportForm
    title: str
    target_categories: list[ParticipantCategory]
    planned_hours: float
    capacity: int
    completion_rule: CompletionRule
    offer_window_hours: int | None = None

    @classmethod
    def plan(cls, command: PlanActivity, project_id: str, organisation_id: str) -> Activity:
        return cls(
            activity_id=uuid.uuid4(),
            project_id=project_id,
            organisation_id=organisation_id,
            form=command.form,
            title=command.title,
            target_categories=list(dict.fromkeys(command.target_categories)),
            planned_hours=command.planned_hours,
            capacity=command.capacity,
            completion_rule=command.completion_rule or default_rule(command.form),
            offer_window_hours=command.offer_window_hours,
        )

    def planned_event(self) -> ActivityPlannedV1:
        return ActivityPlannedV1(
            activity_id=self.activity_id,
            form=self.form,
            title=self.title,
            target_categories=self.target_categories,
            planned_hours=self.planned_hours,
            capacity=self.capacity,
            completion_rule=self.completion_rule,
        )
