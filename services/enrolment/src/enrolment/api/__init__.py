"""Enrolment's HTTP API: one router per resource, all behind bearer-token authentication."""
