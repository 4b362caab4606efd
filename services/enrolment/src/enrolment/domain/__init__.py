"""Enrolment's domain: plain Python and pydantic, knowing nothing of Kafka, MongoDB or HTTP."""
