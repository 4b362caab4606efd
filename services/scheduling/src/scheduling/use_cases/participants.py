"""Participants who may be booked, as each caller may list them (the policy: domain/access.participant_list_scope)."""

from __future__ import annotations

from dataclasses import dataclass

from aktywni_shared.identity import Principal
from scheduling.domain import access
from scheduling.domain.bookings import active_state
from scheduling.domain.participants import ParticipantView
from scheduling.use_cases.context import Stores


@dataclass
class Participants:
    stores: Stores

    async def bookable(self, principal: Principal, project_id: str) -> list[ParticipantView]:
        """The leader's coordinator lists everyone, a partner its own, a trainer the people in their sessions."""
        scope = access.participant_list_scope(principal, await self.stores.projects.get(project_id), project_id)
        views = await self.stores.participants.of_project(project_id, scope.organisation_id)
        if not scope.trainer_sessions_only:
            return views
        sessions = await self.stores.sessions.of_project(project_id)
        trainees = access.trainees_of(
            principal,
            (
                (s.staff_users, s.session.organisation_id, [p for p in s.bookings if active_state(s, p)])
                for s in sessions
            ),
        )
        return [v for v in views if v.participant_id in trainees]
