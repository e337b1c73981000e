"""A hyphenated keyword is matched as the whole word rather than a phrase of its parts: the
rewrite of PostgreSQL's query text, and (on PostgreSQL) that the search finds what the phrase
found, the two differences named in keywords.py apart."""

import pytest
from django.db import connection

from levelfield.tenders.keywords import (
    SEARCH_CONFIG,
    StemPrefixQuery,
    keyword_query,
    whole_hyphenated_words,
)
from levelfield.tenders.models import Tender

# What websearch_to_tsquery('english', ...) gives (PostgreSQL 15), the lexemes of the whole
# hyphenated words in it, and the rewrite.
REWRITES = [
    # a hyphenated word alone: the whole word
    ("'re-procur' <-> 're' <-> 'procur'", {"re-procur"}, "'re-procur'"),
    # a stop word among the parts ("in", "it's" read as "it" and "s"): its place still counts
    ("'in-hous' <2> 'hous'", {"in-hous"}, "'in-hous'"),
    ("'s-ok' <2> 'ok'", {"s-ok"}, "'s-ok'"),
    ("'state-of-the-art' <-> 'state' <3> 'art'", {"state-of-the-art"}, "'state-of-the-art'"),
    ("'a-b-c-d' <2> 'b' <-> 'c' <-> 'd'", {"a-b-c-d"}, "'a-b-c-d'"),
    # a stop word as the last part ("being"): nothing of it is in the query
    ("'well-b' <-> 'well'", {"well-b"}, "'well-b'"),
    # in a quoted phrase, the words around keep their distances
    ("'make-up' <-> 'make' <2> 'artist'", {"make-up"}, "'make-up' <3> 'artist'"),
    (
        "'late' <-> 'night-tim' <-> 'night' <-> 'time' <-> 'economi'",
        {"night-tim"},
        "'late' <-> 'night-tim' <3> 'economi'",
    ),
    ("'o' <-> 'brien-smith' <-> 'brien' <-> 'smith'", {"brien-smith"}, "'o' <-> 'brien-smith'"),
    # with "and", "or" and exclusions
    (
        "'night-tim' <-> 'night' <-> 'time' & 'e-learn' <-> 'e' <-> 'learn' "
        "& !( 'in-hous' <2> 'hous' )",
        {"night-tim", "e-learn", "in-hous"},
        "'night-tim' & 'e-learn' & ! ( 'in-hous' )",
    ),
    ("'post' <-> '-16' | 'co-op' <-> 'co' <-> 'oper'", {"co-op"}, "'post' <-> '-16' | 'co-op'"),
]


@pytest.mark.parametrize(("read", "whole_words", "rewritten"), REWRITES)
def test_a_hyphenated_word_is_matched_whole(read, whole_words, rewritten):
    assert whole_hyphenated_words(read, whole_words) == rewritten


@pytest.mark.parametrize(
    ("read", "whole_words"),
    [
        ("'cleaning' & 'servic'", set()),
        ("'street' <-> 'light'", set()),
        ("'cyber' & !'test'", set()),
        ("'post' <-> '-16'", set()),  # "post-16": a word and a signed number
        # a host, an email address: one token each, with no parts after them
        ("'foo-bar.com' <-> 'servic'", set()),
        ("'a-b@x.org' <-> 'team'", set()),
        ("", set()),
        ("something PostgreSQL would not write", {"something"}),
    ],
)
def test_a_query_without_hyphenated_words_is_left_alone(read, whole_words):
    assert whole_hyphenated_words(read, whole_words) == read


# --- PostgreSQL: the same matches as the phrase -------------------------------------------------

DOCUMENTS = [
    "Re-procurement of the home care framework",
    "Procurement re-run for the framework",
    "A re procurement of waste services",
    "Night-time economy support",
    "The night time economy",
    "Late night-time economy patrols",
    "Night-time and late economy",
    "Make-up artist for the theatre",
    "Artist make-up and costume",
    "Make-up for the stage",
    "In-house team transfer",
    "House in the town",
    "Team building days",
    "State-of-the-art CCTV",
    "The art of the state",
    "Well-being services for carers",
    "E-learning platform and e-learning content",
    "Post-16 education",
    "Co-operative housing",
    "foo-bar.com services",
    "foo-bar.com and other services",
    "Write to a-b@x.org for the team",
]

KEYWORDS = [
    "re-procurement",
    "re-procurements",
    '"re-procurement of"',
    "night-time",
    '"night-time economy"',
    '"late night-time economy"',
    '"make-up artist"',
    "make-up -artist",
    "in-house",
    "-in-house team",
    "state-of-the-art",
    "well-being",
    "e-learning or post-16",
    "co-operative housing",
    "night-time or make-up",
]

# Hyphens in tokens that are not hyphenated words: nothing to rewrite.
NOT_HYPHENATED_WORDS = ['"foo-bar.com services"', '"a-b@x.org team"', "post-16"]


def _found(query: StemPrefixQuery) -> list[str]:
    """The documents the query matches, through the SQL the search uses."""
    compiler = Tender.objects.all().query.get_compiler(connection=connection)
    sql, params = query.as_sql(compiler, connection)
    found = []
    with connection.cursor() as cursor:
        for document in DOCUMENTS:
            cursor.execute(
                f"SELECT to_tsvector(%s::regconfig, %s) @@ {sql}",
                [SEARCH_CONFIG, document, *params],
            )
            if cursor.fetchone()[0]:
                found.append(document)
    return found


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("keyword", KEYWORDS)
def test_the_whole_word_finds_what_the_phrase_found(postgres_only, keyword):
    query = keyword_query(keyword, using="default")
    assert query.parsed is not None, "every keyword here has a hyphenated word to rewrite"
    phrase = _found(StemPrefixQuery(keyword))
    assert _found(query) == phrase
    assert phrase, "each keyword finds at least one document"


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("keyword", NOT_HYPHENATED_WORDS)
def test_a_host_an_address_or_a_number_keeps_its_phrase(postgres_only, keyword):
    query = keyword_query(keyword, using="default")
    assert query.parsed is None
    assert _found(query) == _found(StemPrefixQuery(keyword))


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_whole_word_is_what_the_stemmer_makes_of_it(postgres_only):
    # "co-operative" stems whole to 'co-op': "co-op" finds it, where its phrase ('co-op' <->
    # 'co' <-> 'op') did not, the part 'op' not being 'oper'.
    assert _found(StemPrefixQuery("co-op")) == []
    assert _found(keyword_query("co-op", using="default")) == ["Co-operative housing"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_keyword_without_a_hyphen_is_not_read_first(postgres_only, django_assert_num_queries):
    with django_assert_num_queries(0):
        query = keyword_query("cyber -testing", using="default")
    assert query.parsed is None
