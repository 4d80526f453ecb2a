"""Tests of the resource generators (`shipyard scaffold`, `shipyard destroy`)."""
