"""How the words of an answer are counted, one way everywhere: here for the checklist and
submission, and in the browser by GOV.UK Frontend's character count (its `data-maxwords`
option counts `text.match(/\\S+/g)`). A word is a run of characters that are not white space,
so "well-known" is one word, "£500" is one, and spaces, tabs and line breaks of any number
separate words without counting. tests/browser/test_word_count.py checks both agree."""

import re

# JavaScript's \s, exactly (ECMAScript WhiteSpace and LineTerminator): Python's own \s and
# str.split() differ from it (they split on \x1c-\x1f and not on U+FEFF), so the class is spelt
# out, and the browser and the server never disagree about whether an answer is over its limit.
_JS_WHITE_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_WORD = re.compile(f"[^{_JS_WHITE_SPACE}]+")


def count_words(text: str) -> int:
    """The number of words in `text`, as the bidder's browser counts them."""
    return sum(1 for _ in _WORD.finditer(text or ""))


def over_limit_by(text: str, limit: int | None) -> int:
    """How many words `text` has beyond `limit` (0 when within it, or when there is no limit)."""
    if not limit:
        return 0
    return max(0, count_words(text) - limit)
