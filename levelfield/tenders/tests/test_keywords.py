"""A hyphenated keyword is matched as the whole word rather than a phrase of its parts: the
rewrite of PostgreSQL's query text, and (on PostgreSQL) that it finds exactly what the phrase
found."""

import pytest
from django.db import connection

from levelfield.tenders.keywords import SEARCH_CONFIG, keyword_query, whole_hyphenated_words

# What websearch_to_tsquery('english', ...) gives (PostgreSQL 15), and the rewrite of it.
REWRITES = [
    # a hyphenated word alone: the whole word
    ("'re-procur' <-> 're' <-> 'procur'", "'re-procur'"),
    # a stop word among the parts ("in"): its place still counts
    ("'in-hous' <2> 'hous'", "'in-hous'"),
    ("'state-of-the-art' <-> 'state' <3> 'art'", "'state-of-the-art'"),
    ("'a-b-c-d' <2> 'b' <-> 'c' <-> 'd'", "'a-b-c-d'"),
    # a stop word as the last part ("being"): nothing of it is in the query
    ("'well-b' <-> 'well'", "'well-b'"),
    # in a quoted phrase, the words around keep their distances
    ("'make-up' <-> 'make' <2> 'artist'", "'make-up' <3> 'artist'"),
    (
        "'late' <-> 'night-tim' <-> 'night' <-> 'time' <-> 'economi'",
        "'late' <-> 'night-tim' <3> 'economi'",
    ),
    ("'o' <-> 'brien-smith' <-> 'brien' <-> 'smith'", "'o' <-> 'brien-smith'"),
    # with "and", "or" and exclusions
    (
        "'night-tim' <-> 'night' <-> 'time' & 'e-learn' <-> 'e' <-> 'learn' "
        "& !( 'in-hous' <2> 'hous' )",
        "'night-tim' & 'e-learn' & ! ( 'in-hous' )",
    ),
    ("'post' <-> '-16' | 'co-op' <-> 'co' <-> 'oper'", "'post' <-> '-16' | 'co-op'"),
    # a quote inside a lexeme is doubled
    ("'it''s-ok' <-> 'it''s' <-> 'ok'", "'it''s-ok'"),
]


@pytest.mark.parametrize(("read", "rewritten"), REWRITES)
def test_a_hyphenated_word_is_matched_whole(read, rewritten):
    assert whole_hyphenated_words(read) == rewritten


@pytest.mark.parametrize(
    "read",
    [
        "'cleaning' & 'servic'",
        "'street' <-> 'light'",
        "'cyber' & !'test'",
        "'post' <-> '-16'",  # a signed number, not a hyphenated word
        "",
        "something PostgreSQL would not write",
    ],
)
def test_a_query_without_hyphenated_words_is_left_alone(read):
    assert whole_hyphenated_words(read) == read


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


def _matches(document: str, query_sql: str, params: list) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT to_tsvector(%s::regconfig, %s) @@ {query_sql}",
            [SEARCH_CONFIG, document, *params],
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("keyword", KEYWORDS)
def test_the_whole_word_finds_what_the_phrase_found(postgres_only, keyword):
    query = keyword_query(keyword, using="default")
    assert query.parsed is not None, "every keyword here has a hyphenated word to rewrite"
    phrase = [
        d
        for d in DOCUMENTS
        if _matches(d, "websearch_to_tsquery(%s::regconfig, %s)", [SEARCH_CONFIG, keyword])
    ]
    whole = [d for d in DOCUMENTS if _matches(d, "%s::tsquery", [query.parsed])]
    assert whole == phrase
    assert phrase, "each keyword finds at least one document"


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_keyword_without_a_hyphen_is_not_read_first(postgres_only, django_assert_num_queries):
    with django_assert_num_queries(0):
        query = keyword_query("cyber -testing", using="default")
    assert query.parsed is None
