"""Enrolment's console scripts besides the service itself."""
