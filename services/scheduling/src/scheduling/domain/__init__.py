"""Scheduling's domain: venues, staff, activities, sessions, bookings, attendance (no Kafka, Mongo or HTTP)."""
