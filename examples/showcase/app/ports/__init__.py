"""Ports: the Port model, its pages and its JSON API."""
