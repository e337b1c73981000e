"""Compiled and versioned releases with ocdsmerge, using merge rules kept in the code (derived
from the patched schema by scripts/derive_merge_rules.py) so nothing is fetched at run time."""

import json
from functools import cache
from pathlib import Path

import ocdsmerge

RULES_FILE = Path(__file__).with_name("data") / "merge_rules.json"


@cache
def merge_rules() -> dict[tuple[str, ...], str]:
    return {tuple(path): rule for path, rule in json.loads(RULES_FILE.read_text())}


@cache
def merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(merge_rules=merge_rules())


def compile_releases(releases: list[dict]) -> dict:
    return merger().create_compiled_release(releases)


def versioned_release(releases: list[dict]) -> dict:
    return merger().create_versioned_release(releases)
