"""Importing published OCDS data (Contracts Finder, Find a Tender, the OCP Data Registry) into the
external store: readers for the input formats, release checks, and a fast compile."""
