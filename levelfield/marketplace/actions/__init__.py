"""The marketplace's use cases, one module per part (frameworks, applications, listings,
projects, outcomes): import the module (`from levelfield.marketplace.actions import listings`).
Each action checks permission and state, writes in one transaction with its audit event, and
emails after the commit."""
