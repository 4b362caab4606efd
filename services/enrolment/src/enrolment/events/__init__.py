"""Enrolment's handlers of other services' events."""
