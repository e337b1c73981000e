"""The catalogue marketplace: frameworks with lots that suppliers apply to and list services on,
buyers searching the catalogue in projects, a frozen shortlist, and a direct award creating a
call-off contract under the framework, with the saving it made."""
