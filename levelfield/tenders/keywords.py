"""What a keyword search asks PostgreSQL: the words people type, as a full-text query.

websearch_to_tsquery reads them (quotes for phrases, "or", "-" to exclude), then two rewrites:
- each stem of five letters or more is matched as a prefix (StemPrefixQuery);
- a hyphenated word is matched whole (whole_hyphenated_words). PostgreSQL's parser reads
  "re-procurement" as the whole word and its parts, and websearch_to_tsquery makes a phrase of
  them: 're-procur' <-> 're' <-> 'procur'. PostgreSQL then checks where each part stands in
  every tender that holds them all (on the bench's 200,000 tenders, "re-procurement" took 41 ms
  with the phrase and 5 ms without). A tender's search document holds the whole word where its
  text has the hyphenated word, so the whole word alone finds the same tenders, with two
  differences, both finding more: the stemmer reads the whole word as one ("co-operative"
  stems to 'co-op', so "co-op" finds it too), and, as every stem of five letters or more, it is
  matched as a prefix ("night-time" finds "night-timetable").
"""

import re

from django.contrib.postgres.search import SearchQuery
from django.db import connections

SEARCH_CONFIG = "english"

# A hyphen between two letters or digits: "re-procurement", not "cyber -testing" (an exclusion).
HYPHENATED = re.compile(r"\w-\w")

# The query as websearch_to_tsquery reads it, and the whole hyphenated words in it (the parser's
# token types for them; a host, an email address or a path with a hyphen has no parts).
_READ_SQL = """
SELECT websearch_to_tsquery(%(config)s::regconfig, %(words)s)::text,
       ARRAY(SELECT unnest(lexemes) FROM ts_debug(%(config)s::regconfig, %(words)s)
             WHERE alias IN ('asciihword', 'hword', 'numhword'))
"""

# The tokens of a tsquery as PostgreSQL writes it: a quoted lexeme (a quote inside doubled),
# maybe a prefix mark; a phrase operator (<-> or <N>); and, or, not, brackets.
_TOKEN = re.compile(r"'(?:[^']|'')*'(?::\*)?|<(?:-|[0-9]+)>|[&|!()]")


class StemPrefixQuery(SearchQuery):
    """The keyword query, with each stem of five letters or more matched as a prefix. The
    English stemmer keeps agent nouns whole, so "cleaning" stems to 'clean' but "cleaners" to
    'cleaner'; as a prefix 'clean' finds both. Shorter stems ('care', 'road') match exactly: as
    prefixes they would find 'career' and 'roadshow'.

    `parsed` is the query already read by PostgreSQL and rewritten (tsquery text, see
    keyword_query); without it, the words are read in the same statement."""

    def __init__(self, value: str, *, parsed: str | None = None):
        super().__init__(value, config=SEARCH_CONFIG, search_type="websearch")
        self.parsed = parsed

    def as_sql(self, compiler, connection, function=None, template=None):
        if self.parsed is None:
            sql, params = super().as_sql(compiler, connection, function, template)
        else:
            sql, params = "%s::tsquery", [self.parsed]
        # A lexeme is quoted and holds no space; operators between lexemes have spaces around
        # them (' <-> ' in a phrase), so the pattern cannot take one for a lexeme.
        return (
            f"regexp_replace(({sql})::text, %s, %s, 'g')::tsquery",
            [*params, r"'([^' ]{5,})'", r"'\1':*"],
        )


def keyword_query(keyword: str, *, using: str) -> StemPrefixQuery:
    """The query for `keyword`. Words with a hyphen inside are first read by PostgreSQL (one
    short query) so that they can be matched whole; other words need no reading of their own."""
    parsed = None
    if HYPHENATED.search(keyword):
        with connections[using].cursor() as cursor:
            cursor.execute(_READ_SQL, {"config": SEARCH_CONFIG, "words": keyword})
            read, whole_words = cursor.fetchone()
        rewritten = whole_hyphenated_words(read, set(whole_words))
        if rewritten != read:
            parsed = rewritten
    return StemPrefixQuery(keyword, parsed=parsed)


def _distance(operator: str) -> int:
    return 1 if operator == "<->" else int(operator[1:-1])


def _hyphenated_parts(token: str, whole_words: set[str]) -> int:
    """How many parts follow a whole hyphenated word in a phrase (0 for any other token): one
    for each piece between hyphens, each a position in the document ('in' of "in-house" is a
    stop word, so its 'hous' is two positions on)."""
    if not token.startswith("'"):
        return 0
    lexeme = token[1 : token.rindex("'")].replace("''", "'")
    return lexeme.count("-") + 1 if lexeme in whole_words else 0


def whole_hyphenated_words(tsquery: str, whole_words: set[str]) -> str:
    """The tsquery text with the parts of each of `whole_words` (lexemes of hyphenated words)
    taken out of its phrase, the word alone left: 're-procur' <-> 're' <-> 'procur' becomes
    're-procur'. A word after the parts in a quoted phrase keeps its place: "make-up artist"
    ('make-up' <-> 'make' <2> 'artist') becomes 'make-up' <3> 'artist'. Anything not in
    PostgreSQL's form is returned unchanged."""
    tokens = _TOKEN.findall(tsquery)
    if "".join(tokens) != re.sub(r"\s+", "", tsquery):
        return tsquery
    out: list[str] = []
    index, changed = 0, False
    while index < len(tokens):
        token = tokens[index]
        out.append(token)
        index += 1
        parts = _hyphenated_parts(token, whole_words)
        if not parts:
            continue
        # The phrase after the word: operators and lexemes in turn, each lexeme `offset`
        # positions after the word. Those within `parts` positions are its parts.
        offset, after = 0, index
        while after + 1 < len(tokens) and tokens[after].startswith("<"):
            step = offset + _distance(tokens[after])
            if step > parts or not tokens[after + 1].startswith("'"):
                break
            offset, after = step, after + 2
        if after == index:
            continue
        index, changed = after, True
        if index < len(tokens) and tokens[index].startswith("<"):
            # what follows in the phrase, as far from the whole word as it was from its start
            out.append(f"<{offset + _distance(tokens[index])}>")
            index += 1
    return " ".join(out) if changed else tsquery
