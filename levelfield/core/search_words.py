"""A search's words read as PostgreSQL's `websearch_to_tsquery` reads them, for a database
without full-text search (SQLite: the demo and the quick test run), so that a search box's hint
("use quotes for a phrase") holds on both: a quoted phrase is matched as it stands, a word or
phrase after "-" is left out, "or" between words finds either, and every other word must be
there, in any order and anywhere in the fields searched. PostgreSQL matches stems and these
match the text as typed (casefolded), so a few more or fewer may be found on SQLite."""

import operator
import re
from collections.abc import Sequence
from functools import reduce

from django.db.models import Q

# A term: a phrase in quotes (left open, to the end), with "-" before it or not, or anything else
# up to a space.
_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')

Terms = list[list[tuple[bool, str]]]


def websearch_terms(keywords: str) -> Terms:
    """Groups joined by "or" (a row matches any group), each a list of (left out, casefolded
    text) that a row must hold (or, left out, not hold). Quotes are never looked for; a group
    left with nothing to match is dropped."""
    groups: Terms = [[]]
    for match in _TERM.finditer(keywords.casefold()):
        minus, phrase, word = match.groups()
        if word is None:
            excluded, text = minus == "-", " ".join(phrase.split())
        elif word == "or":
            if groups[-1]:
                groups.append([])
            continue
        else:
            excluded = word.startswith("-") and len(word) > 1
            text = (word[1:] if excluded else word).replace('"', "")
        if text:
            groups[-1].append((excluded, text))
    return [group for group in groups if group]


def terms_condition(
    keywords: str, fields: Sequence[str], *, lookup: str = "icontains", wanted_only: bool = False
) -> Q:
    """The condition for rows matching `keywords` (websearch_terms) in any of `fields` with
    `lookup`: a group's every wanted term in one of the fields and none of its left-out ones in
    any. `wanted_only`: the left-out terms ignored (for a rank: "the name holds the words").
    Nothing to match: a condition no row meets."""
    found = []
    for group in websearch_terms(keywords):
        holds = []
        for excluded, text in group:
            anywhere = reduce(operator.or_, (Q(**{f"{name}__{lookup}": text}) for name in fields))
            if not excluded:
                holds.append(anywhere)
            elif not wanted_only:
                holds.append(~anywhere)
        if holds:
            found.append(reduce(operator.and_, holds))
    return reduce(operator.or_, found) if found else Q(pk__in=[])
