"""The Shipyard showcase application package: `app.main:app` is what Shipyard serves."""
