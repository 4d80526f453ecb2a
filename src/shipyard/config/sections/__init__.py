"""The settings sections, one module per area; :mod:`shipyard.config.models` assembles them."""
