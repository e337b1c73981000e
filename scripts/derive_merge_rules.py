"""Writes levelfield/opendata/data/merge_rules.json from the patched schema (the OCDS files kept
in levelfield/opendata/tests/data/ocds).

The product keeps the merge rules it needs in the code, so it never fetches a schema at run time;
a test checks that they equal what ocdsmerge derives from the patched schema."""

import json
from pathlib import Path

import ocdsmerge.rules

from levelfield.opendata.tests.schema import patched_release_schema

OUT = Path(__file__).resolve().parents[1] / "levelfield" / "opendata" / "data" / "merge_rules.json"


def derive() -> list[list]:
    rules = ocdsmerge.rules.get_merge_rules(patched_release_schema())
    return sorted([list(path), rule] for path, rule in rules.items())


if __name__ == "__main__":
    lines = ",\n".join(" " + json.dumps(rule) for rule in derive())
    OUT.write_text("[\n" + lines + "\n]\n")
    print(f"wrote {OUT}")
