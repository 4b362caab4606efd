"""Enrolment's MongoDB adapters of the use cases' ports, one module per collection.

``crypto.py`` is the envelope encryption the participant store applies to personal data.
"""
