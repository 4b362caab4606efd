"""The web application's outside world: the services' HTTP clients and the in-memory sessions."""
