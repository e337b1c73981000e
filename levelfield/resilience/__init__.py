"""Supplier resilience (issue 15): living wills tied to live contracts, financial standing, and
"what if this supplier fails" scenarios. A domain app: it reads contracts, suppliers and
accounts; nothing below it imports it."""
