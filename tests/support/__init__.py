"""Helpers for the tests, kept out of the installed package: `testing` builds people,
organisations and procurements through the same actions a user's clicks call."""
