"""The compiled merge is the current source's: a stale build would merge by old rules."""

from pathlib import Path

import pytest

from levelfield.opendata.importing import fastmerge

SOURCE = Path(__file__).resolve().parents[1] / "importing" / "fastmerge.py"


def test_the_compiled_merge_is_built_from_the_current_source():
    if fastmerge.__file__.endswith(".py"):
        pytest.skip("fastmerge is not compiled here (no C compiler when it was installed)")
    built = Path(fastmerge.__file__).stat().st_mtime
    assert built >= SOURCE.stat().st_mtime, (
        f"{fastmerge.__file__} is older than {SOURCE.name}: run ./dev setup to rebuild it"
    )
