"""The OCDS 1.1.5 release schema patched with the extensions we publish with.

Used by tests and by `scripts/derive_merge_rules.py`, never by the running product: it reads the
schema files from a `shared/ocds` folder (`../shared/ocds` beside the repository)."""

import copy
import json
from pathlib import Path

import json_merge_patch

SHARED_OCDS = Path(__file__).resolve().parents[2].parent / "shared" / "ocds"
CORE = "standard-1.1.5"


def missing(shared: Path = SHARED_OCDS) -> str | None:
    """What is missing to build the patched schema, or None."""
    needed = [shared / CORE / "release-schema.json", shared / "extensions"]
    for path in needed:
        if not path.exists():
            return str(path)
    return None


def extension_dirs(shared: Path = SHARED_OCDS) -> list[Path]:
    return sorted(p for p in (shared / "extensions").iterdir() if (p / "extension.json").exists())


def patched_release_schema(shared: Path = SHARED_OCDS) -> dict:
    schema = json.loads((shared / CORE / "release-schema.json").read_text())
    for directory in extension_dirs(shared):
        patch_file = directory / "release-schema.json"
        if patch_file.exists():
            schema = json_merge_patch.merge(schema, json.loads(patch_file.read_text()))
    return schema


def patched_package_schema(shared: Path = SHARED_OCDS) -> dict:
    """The release package schema, with its release items checked against the patched schema."""
    package = json.loads((shared / CORE / "release-package-schema.json").read_text())
    package = copy.deepcopy(package)
    release = patched_release_schema(shared)
    package["properties"]["releases"]["items"] = {"$ref": "#/definitions/Release"}
    package.setdefault("definitions", {})
    package["definitions"].update(release.get("definitions", {}))
    release_only = {k: v for k, v in release.items() if k not in {"definitions", "$schema", "id"}}
    package["definitions"]["Release"] = release_only
    return package
