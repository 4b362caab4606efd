"""Kafka and outbox/inbox plumbing shared by the services."""
