"""Incoming events: enrolment's facts applied to scheduling's views of projects and participants."""
