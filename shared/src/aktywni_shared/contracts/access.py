"""Who may do what on Kafka: one principal per service and the ACLs it is granted (docs/security.md).

The single source of the ACL plan: the production compose file, the Kubernetes manifests, the
documentation and the tests are checked against it. Each service

- writes (and may create) the topics it publishes and its own dead-letter topic,
- reads the topics it subscribes to, in consumer groups whose id starts with its name
  (``<SERVICE>_GROUP_ID`` must keep that prefix),
- and nothing else: no transactional ids (the producers are idempotent, which needs no extra ACL
  in Kafka 3.0 and later), no cluster-wide operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aktywni_shared.contracts.topics import (
    ENROLMENT_PARTICIPANTS,
    ENROLMENT_PROJECTS,
    REPORTING_INDICATORS,
    SCHEDULING_ATTENDANCE,
    SCHEDULING_SESSIONS,
    Topic,
    dead_letter,
)

#: The brokers' and the operators' principal: a super user (``super.users``), never a service's.
ADMIN_PRINCIPAL = "admin"

ResourceType = Literal["TOPIC", "GROUP"]
PatternType = Literal["LITERAL", "PREFIXED"]
Operation = Literal["READ", "WRITE", "CREATE", "DESCRIBE"]

WRITE_OPERATIONS: tuple[Operation, ...] = ("WRITE", "DESCRIBE", "CREATE")
READ_OPERATIONS: tuple[Operation, ...] = ("READ", "DESCRIBE")
GROUP_OPERATIONS: tuple[Operation, ...] = ("READ", "DESCRIBE")


@dataclass(frozen=True, order=True)
class Acl:
    """One ALLOW rule: ``User:<principal>`` may do ``operation`` on a resource, from any host."""

    principal: str
    resource_type: ResourceType
    resource_name: str
    pattern_type: PatternType
    operation: Operation


@dataclass(frozen=True)
class ServiceAccess:
    service: str
    writes: tuple[Topic, ...]
    reads: tuple[Topic, ...]

    @property
    def principal(self) -> str:
        """The SCRAM user name, the same as the service's."""
        return self.service

    @property
    def group_prefix(self) -> str:
        return self.service

    def acls(self) -> list[Acl]:
        rules = [Acl(self.principal, "TOPIC", t.name, "LITERAL", op) for t in self.writes for op in WRITE_OPERATIONS]
        rules += [Acl(self.principal, "TOPIC", t.name, "LITERAL", op) for t in self.reads for op in READ_OPERATIONS]
        rules += [Acl(self.principal, "GROUP", self.group_prefix, "PREFIXED", op) for op in GROUP_OPERATIONS]
        return rules


PLAN: dict[str, ServiceAccess] = {
    access.service: access
    for access in (
        ServiceAccess(
            "enrolment",
            writes=(ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS, dead_letter("enrolment")),
            reads=(SCHEDULING_ATTENDANCE,),
        ),
        ServiceAccess(
            "scheduling",
            writes=(SCHEDULING_SESSIONS, SCHEDULING_ATTENDANCE, dead_letter("scheduling")),
            reads=(ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS),
        ),
        ServiceAccess(
            "reporting",
            writes=(REPORTING_INDICATORS, dead_letter("reporting")),
            reads=(ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS, SCHEDULING_SESSIONS, SCHEDULING_ATTENDANCE),
        ),
    )
}


def all_acls() -> list[Acl]:
    """Every ACL of the plan, sorted."""
    return sorted(acl for access in PLAN.values() for acl in access.acls())


def deployment_topics() -> list[Topic]:
    """Every topic the deployment creates: the event topics and each service's dead-letter topic."""
    seen: dict[str, Topic] = {}
    for access in PLAN.values():
        for topic in (*access.writes, *access.reads):
            seen.setdefault(topic.name, topic)
    return list(seen.values())
