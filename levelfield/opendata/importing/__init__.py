"""Importing published OCDS data (Contracts Finder, Find a Tender, the OCP Data Registry) into the
external store: input files and their formats (`files`), their items read into batches of rows
(`reading`), release checks (`checks`), and a fast compile (`fastmerge`, `compiling`)."""
