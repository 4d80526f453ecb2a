"""Shipyard: a batteries-included web framework built on FastAPI."""
