"""Aktywni's staff web application: server-rendered pages in Polish over the three services' APIs."""
