"""Enrolment's MongoDB adapters, one module per collection."""
