"""Projects as scheduling knows them from enrolment's events: the leader, the partners, the period."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from aktywni_shared.contracts.vocabulary import PartnerRole


class ProjectView(BaseModel):
    project_id: str
    leader_organisation_id: str
    starts_on: date
    ends_on: date
    partners: dict[str, PartnerRole] = Field(default_factory=dict)

    def takes_part(self, organisation_id: str) -> bool:
        return organisation_id == self.leader_organisation_id or organisation_id in self.partners
