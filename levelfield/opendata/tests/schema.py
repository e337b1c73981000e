"""The OCDS 1.1.5 release schema patched with the extensions we publish with.

Used by tests and by the developer tools (`scripts/derive_merge_rules.py`,
`bench/import_bench.py`), never by the running product, which keeps the merge rules it needs in
`opendata/data/merge_rules.json`; so it is not installed with it. The standard, the extensions
and OCP's fictional example are part of the project, unchanged, in `data/ocds/` beside this
module; its SOURCES.md says where each folder comes from, at which commit, under which
licence."""

import copy
import json
from pathlib import Path

import json_merge_patch

OCDS = Path(__file__).resolve().parent / "data" / "ocds"
CORE = "standard-1.1.5"
SOURCES = OCDS / "SOURCES.md"
EXAMPLES = OCDS / "examples"


def extension_dirs() -> list[Path]:
    return sorted(p for p in (OCDS / "extensions").iterdir() if (p / "extension.json").exists())


def patched_release_schema() -> dict:
    schema = json.loads((OCDS / CORE / "release-schema.json").read_text())
    for directory in extension_dirs():
        patch_file = directory / "release-schema.json"
        if patch_file.exists():
            schema = json_merge_patch.merge(schema, json.loads(patch_file.read_text()))
    return schema


def patched_package_schema() -> dict:
    """The release package schema, with its release items checked against the patched schema."""
    package = json.loads((OCDS / CORE / "release-package-schema.json").read_text())
    package = copy.deepcopy(package)
    release = patched_release_schema()
    package["properties"]["releases"]["items"] = {"$ref": "#/definitions/Release"}
    package.setdefault("definitions", {})
    package["definitions"].update(release.get("definitions", {}))
    release_only = {k: v for k, v in release.items() if k not in {"definitions", "$schema", "id"}}
    package["definitions"]["Release"] = release_only
    return package
