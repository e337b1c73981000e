"""Every audit action recorded anywhere in levelfield reads as words in a history."""

import re
from pathlib import Path

import levelfield
from levelfield.core.audit_words import WORDS, event_words

ROOT = Path(levelfield.__file__).parent
LITERAL = re.compile(r'\baction="([a-z_]+\.[a-z_.]+)"')
TEMPLATE = re.compile(r'\baction=f"([a-z_]+\.[a-z_]*)\{')


def _sources():
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path, path.read_text(encoding="utf-8")


def test_every_action_recorded_in_the_source_has_words():
    found = {code for _, text in _sources() for code in LITERAL.findall(text)}
    assert "tender.updated" in found  # the scan sees the source
    missing = sorted(found - WORDS.keys())
    assert missing == [], f"Give these audit actions words in core/audit_words.py: {missing}"


def test_every_action_made_from_a_template_has_words_for_its_family():
    prefixes = {prefix for _, text in _sources() for prefix in TEMPLATE.findall(text)}
    assert prefixes >= {"contract.checklist_", "socialvalue.report_"}
    for prefix in prefixes:
        assert any(code.startswith(prefix) for code in WORDS), prefix
    # The decisions a delivery report can get (socialvalue.actions.DECISIONS).
    for decision in ("accepted", "queried", "rejected"):
        assert f"socialvalue.report_{decision}" in WORDS


def test_the_words_are_words():
    assert event_words("tender.updated") == "Tender details changed"
    for code, words in WORDS.items():
        assert words and words[0].isupper() and "." not in words and "_" not in words, code
    assert event_words("made.up") == "Recorded: made.up"
