"""The merge rules kept in the code (so nothing is fetched at run time) are exactly those
ocdsmerge derives from OCDS 1.1.5 patched with our extensions."""

import json
import re

import ocdsmerge.rules

from levelfield.opendata import merge
from levelfield.opendata.package import EXTENSIONS
from levelfield.opendata.tests import schema


def test_the_kept_merge_rules_equal_those_derived_from_the_patched_schema(patched_schema):
    derived = ocdsmerge.rules.get_merge_rules(patched_schema)
    kept = merge.merge_rules()

    missing = sorted(set(derived) - set(kept))
    extra = sorted(set(kept) - set(derived))
    changed = sorted(path for path in set(kept) & set(derived) if kept[path] != derived[path])
    assert not (missing or extra or changed), (
        f"missing {missing}, extra {extra}, changed {changed}: "
        "run `python scripts/derive_merge_rules.py`"
    )


def test_the_rules_file_is_sorted_without_duplicates():
    paths = [tuple(path) for path, _rule in json.loads(merge.RULES_FILE.read_text())]
    assert paths == sorted(set(paths))


def test_the_schema_is_patched_with_the_extensions_our_packages_declare(patched_schema):
    # tests/data/ocds/SOURCES.md names the repository and commit of each extension folder; our
    # packages declare the same extensions at the same commits, so the merge rules and the
    # validation tests use the schema a consumer of our data builds.
    sources = schema.SOURCES.read_text()
    folders = dict(re.findall(r"^- extensions/(\w+)/: (\S+ at [0-9a-f]{40})", sources, re.M))
    assert {f.name for f in schema.extension_dirs()} == set(folders)
    assert sorted(folders.values()) == sorted(f"{repo} at {commit}" for repo, commit in EXTENSIONS)
    # A few fields the extensions add, which our releases use.
    definitions = patched_schema["definitions"]
    assert "lots" in definitions["Tender"]["properties"]
    assert "noticeType" in definitions["Document"]["properties"]
    assert "scale" in definitions["Organization"]["properties"]["details"]["properties"]
