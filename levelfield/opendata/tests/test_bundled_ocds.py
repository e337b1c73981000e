"""The OCDS files the tests validate against are part of the project (tests/data/ocds): every
folder SOURCES.md lists is there with the data and the licence of the repository it comes from,
and nothing reads such files from outside the project, so a fresh clone runs every test."""

import re
from pathlib import Path

from levelfield.opendata.tests import schema

ROOT = Path(__file__).resolve().parents[3]

# The words each licence's text carries, as SOURCES.md names it.
LICENCE_TEXT = {
    "Apache-2.0": ["Apache License", "Version 2.0, January 2004"],
    "MIT": ["MIT License", "Permission is hereby granted, free of charge"],
    "BSD-3-Clause": ["BSD 3-Clause License", "Neither the name of the copyright holder"],
}
# (folder, repository, licence) for each line of SOURCES.md.
SOURCE_LINE = re.compile(r"^- (\S+)/: (\S+?),? .*\((Apache-2\.0|MIT|BSD-3-Clause)[;)]", re.M)


def sources() -> list[tuple[str, str, str]]:
    return SOURCE_LINE.findall(schema.SOURCES.read_text())


def test_every_folder_sources_lists_is_there_with_its_licence():
    listed = sources()
    assert len(listed) == len(re.findall(r"^- ", schema.SOURCES.read_text(), re.M))
    for folder, repo, licence in listed:
        path = schema.OCDS / folder
        assert path.is_dir(), f"{folder} ({repo}) is missing from {schema.OCDS}"
        text = (path / "LICENSE").read_text()
        for words in LICENCE_TEXT[licence]:
            assert words in text, f"{folder}/LICENSE is not the {licence} licence of {repo}"
        if licence != "Apache-2.0":  # the extensions' Apache licences name no holder
            assert re.search(r"^Copyright \(c\) \d{4}", text, re.M), f"{folder}/LICENSE"


def test_every_bundled_folder_is_listed_with_its_data():
    listed = {folder for folder, _repo, _licence in sources()}
    on_disk = {schema.CORE} | {
        f"{kind}/{path.name}"
        for kind in ("extensions", "examples")
        for path in (schema.OCDS / kind).iterdir()
    }
    assert on_disk == listed
    core = schema.OCDS / schema.CORE
    for name in ("release", "release-package", "record-package"):
        assert (core / f"{name}-schema.json").is_file(), name
    assert len(list((core / "codelists").glob("*.csv"))) == 19
    for directory in schema.extension_dirs():
        assert (directory / "release-schema.json").is_file(), directory.name
    example = schema.EXAMPLES / "fictional-1.1"
    assert len(list(example.glob("*.json"))) == 7
    assert len(list((example / "record").glob("*.json"))) == 2


def test_no_code_or_test_reads_ocds_files_from_outside_the_project():
    # A folder beside the repository is not there in a fresh clone.
    outside = re.compile(r"\.\./shared\b|[\"']shared[\"']")
    modules = [
        path
        for top in ("levelfield", "tests", "scripts", "bench")
        for path in (ROOT / top).rglob("*.py")
    ]
    modules.append(ROOT / "conftest.py")
    assert ROOT / "levelfield" / "opendata" / "tests" / "schema.py" in modules
    found = []
    for path in modules:
        test_module = path.name.startswith("test_") or path.name == "conftest.py"
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if outside.search(line) and (test_module or "ocds" in line.lower()):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
