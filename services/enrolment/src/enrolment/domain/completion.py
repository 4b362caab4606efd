"""When a participant's path is complete: the project's rule for their category.

A project says, per participant category, which forms of support complete a path and how many
activities of each form the participant must have completed (e.g. a person with disability:
1 training, 2 individual meetings and 1 educational trip). Scheduling reports each completed
activity once (``SupportCompleted``); enrolment keeps the distinct activities per participant, so a
duplicate delivery or a replay counts nothing twice.

Where a project gives no rule for a category, no completed activity completes the path on its own:
nothing says which support makes the path whole, so the participant stays active (booked and
attended as before) until a coordinator closes the path by hand or the project gives a rule.

A changed rule applies to the facts that come after it: participants already completed stay
completed, and those who meet a looser rule are completed at their next completed activity (or by
the coordinator, who can always close a path by hand).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Annotated

from pydantic import Field

from aktywni_shared.contracts.vocabulary import ParticipantCategory, SupportForm

MAX_PER_FORM = 100

FormCount = Annotated[int, Field(ge=1, le=MAX_PER_FORM)]
PathRule = Annotated[
    dict[SupportForm, FormCount],
    Field(
        min_length=1,
        description="form of support → how many completed activities of that form complete the path",
        examples=[{"training": 1, "individual_meeting": 2, "educational_trip": 1}],
    ),
]
PathCompletion = Annotated[
    dict[ParticipantCategory, PathRule],
    Field(
        description=(
            "per participant category, the forms of support (and how many of each) that complete a path; "
            "a category left out completes only when a coordinator closes the path"
        ),
        examples=[{"person_with_disability": {"training": 1, "individual_meeting": 2, "educational_trip": 1}}],
    ),
]


def is_met(rule: Mapping[SupportForm, int] | None, completed: Iterable[SupportForm]) -> bool:
    """Whether the completed activities meet the rule (``None``, no rule: never on their own).

    ``completed`` holds the form of each distinct completed activity of the participant.
    """
    counts = Counter(completed)
    if rule is None:
        return False
    return all(counts[form] >= need for form, need in rule.items())


def stray_categories(
    rules: Mapping[ParticipantCategory, object], target_groups: Iterable[ParticipantCategory]
) -> list[str]:
    """The categories a rule is given for although the project does not serve them."""
    groups = set(target_groups)
    return [category.value for category in rules if category not in groups]
