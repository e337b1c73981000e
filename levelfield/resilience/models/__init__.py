"""The resilience app's models, one module per concern, each re-exported here."""
