"""Aktywni's local infrastructure: where Kafka and the database come from, and how they start."""
