"""Scheduling's use cases: authorise, apply the domain, store with the events. The API and handlers call these."""
