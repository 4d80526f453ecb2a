"""Shipments: the Shipment model, its pages and its JSON API."""
