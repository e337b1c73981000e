"""Every form a page offers, sent back with hostile or odd values, never gives a server error.

The world is the authorisation matrix's (tests/authz/world.py: the demo's councils, suppliers,
tenders in every state, bids, contracts, reviews and the marketplace, built once for the module
and rolled back at the end). Each GET page of the matrix is opened as each of a few roles
allowed to open it (FUZZ_ROLES), and each ``<form method="post">`` on it is read (lxml) and sent
back, URL-encoded as a browser sends it, with hostile values:

- each value of HOSTILE in every field at once: text of 100,000 characters, digits of other
  scripts ("²", "٣", full-width "１２"), dates that do not exist or that Python cannot hold
  (31/2/2026, 29/2/2027, 1/1/0001, 1/1/99999), numbers too large for a column, for Decimal's
  rounding or for a float (twenty and forty nines, 1e309), NaN, -Infinity, -0, -1, text of
  spaces only, markup, a choice that is not offered, a field sent twice where one value is
  expected, and nothing. A field's own check and its error message run whatever the others
  hold, so one request tries them all; a form of choices alone gets only CHOICE_VALUES;
- each of DATES in every date of three boxes (GOV.UK's date input, ``x_day``, ``x_month``,
  ``x_year``) at once;
- then one field at a time, the others as the page filled them in, the values of DEEP that a
  field may accept and hand on to an action or a column (100,000 characters, twenty nines, -1,
  1/1/0001; for date boxes 1/1/0001 and 31/12/9999); not for a field offering choices.

Each request runs in a savepoint rolled back after it, so a form that goes through (publishing,
removing) leaves the world as it was for the next. Any answer of 500 or more is recorded with
its address, role, field and value, and the exception and the product line it came from; each
page's test reports all of its own at once. Rate limits are off for the module's requests.

Not sent: file fields (tests/test_upload_fuzz.py tries those); a page that only answers POST (a
button: it is tried as a form of the page showing it); and the same form (the same address and
fields) a second time, on another page or as another role: the first role allowed to send it
tries it.

A box the page leaves empty is filled with a plausible value (a number, dates in the order the
form asks for them, words) and a radio group none of whose buttons is checked sends its first,
so that a "new" page's form too can get past its own checks with one field hostile. The limit
of the method: where those guesses do not make a valid form (a rule across fields, an id to
type), its one-field requests stop at the form's checks; with SQLite about a third of the
requests go through or are refused by an action (3xx), a sixth are answered with the form's
errors as 400 or 422, or 404, and the rest with the form again (200).
"""

import traceback
from collections import Counter
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html
import pytest
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from tests.authz import roles as r
from tests.authz.matrix_pages import PAGES
from tests.authz.requests import client_for
from tests.authz.routes import url_patterns
from tests.authz.test_matrix import in_world, world  # noqa: F401 - the matrix's world, reused

pytestmark = pytest.mark.django_db

# Who opens the pages, in this order: the first allowed to send a form tries it.
FUZZ_ROLES = (
    r.BUYER_OFFICER,
    r.BUYER_ADMIN,
    r.EVALUATOR,
    r.SUPPLIER_ADMIN,
    r.REVIEW_TEAM,
    r.RESILIENCE_TEAM,
    r.PLATFORM_ADMIN,
    r.ANONYMOUS,
)

LONG = "x" * 100_000
# (label, value): a list is the field sent once per item.
HOSTILE = (
    ("100,000 characters", LONG),
    ("spaces only", "   "),
    ("markup", '<script>alert(1)</script>"><b>x'),
    ("nothing", ""),
    ("sent twice", ["1", "2"]),
    ("superscript two", "²"),
    ("Arabic-Indic three", "٣"),
    ("full-width 12", "１２"),
    ("minus one", "-1"),
    ("twenty nines", "9" * 20),
    ("forty nines", "9" * 40),
    ("1e309", "1e309"),
    ("minus zero", "-0"),
    ("NaN", "NaN"),
    ("Infinity", "-Infinity"),
    ("31/2/2026", "31/2/2026"),
    ("29/2/2027", "29/2/2027"),
    ("1/1/0001", "1/1/0001"),
    ("1/1/99999", "1/1/99999"),
    ("a choice not offered", "not-offered"),
)
# What a form of choices alone (buttons, radios, a select) is sent: the other values are not
# choices either, and try nothing these do not.
CHOICE_VALUES = {
    "100,000 characters",
    "nothing",
    "sent twice",
    "forty nines",
    "minus one",
    "a choice not offered",
}
# A date in three boxes sent whole: (day, month, year).
DATES = (
    ("31/2/2026", ("31", "2", "2026")),
    ("29/2/2027", ("29", "2", "2027")),
    ("1/1/0001", ("1", "1", "0001")),
    ("1/1/99999", ("1", "1", "99999")),
    ("0/0/0", ("0", "0", "0")),
    ("Arabic-Indic digits", ("٣", "٣", "٢٠٢٦")),
    ("full-width digits", ("１", "１", "２０２６")),
    ("superscript digits", ("²", "²", "２０２６")),
)
# One field at a time: what a field may accept and hand on (to a length, a column, a sum).
DEEP = (
    ("100,000 characters", LONG),
    ("twenty nines", "9" * 20),
    ("minus one", "-1"),
    ("1/1/0001", "1/1/0001"),
)
DEEP_DATES = (("1/1/0001", ("1", "1", "0001")), ("31/12/9999", ("31", "12", "9999")))
PARTS = ("_day", "_month", "_year")
NOT_SENT = {"csrfmiddlewaretoken"}
CHOOSING = ("submit", "image", "radio", "checkbox")  # inputs that offer their own values
FORM_ENCODED = "application/x-www-form-urlencoded"

ROUTE_KWARGS = {route.name: route.kwargs for route in url_patterns()}
# The forms tried so far in this module, by address and fields: each is tried once.
_tried: set[tuple] = set()
TALLY: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _tally():
    """What the module sent, said at its end (seen with -s): pages opened, forms, posts."""
    yield
    print(f"\npage forms fuzz: {dict(sorted(TALLY.items()))}")


def _params(built, scene: str, names) -> dict | None:
    values = built.scenes.get(scene, {})
    if "unbuilt" in values or any(values.get(name) is None for name in names):
        return None
    return {name: values[name] for name in names}


def _roles(entry) -> list[str]:
    """The roles that may open the page, those that may also send its forms first."""
    shown = [role for role in FUZZ_ROLES if entry.expect[role] != r.DENY]
    sent = entry.post or entry.expect
    return sorted(shown, key=lambda role: sent[role] == r.DENY)


def _filler(element, kind: str, name: str, dates: list[str]) -> str:
    """A plausible value for a box the page left empty, so that a form sent with one hostile
    field and the rest filled in can get past its own checks to the action and the database:
    a number for a numeric box, dates in the order the form asks for them (a deadline before
    the next), a time, an address, or words."""
    stem = name.rsplit("_", 1)[0]
    if name.endswith(PARTS):
        if stem not in dates:
            dates.append(stem)
        part = name[len(stem) :]
        return {"_day": "1", "_month": str(dates.index(stem) % 12 + 1), "_year": "2028"}[part]
    if name.endswith("time"):
        return "12:00"
    if "date" in name or name.endswith("_on"):
        dates.append(name)
        return f"1/{len(dates) % 12 + 1}/2028"
    if kind == "email" or name.endswith("email"):
        return "fuzz@example.org"
    if kind == "url" or name.endswith("url"):
        return "https://example.org/"
    if kind == "number" or element.get("inputmode") in ("numeric", "decimal"):
        return "10"
    return "Fuzzed words"


def _forms(page_url: str, html: bytes):
    """Each POST form on the page: (address, its fields as (name, value) pairs, as the page
    filled them in or, where it left a box empty, filled with a plausible value and the first
    choice offered; the names to try; those of them that offer choices)."""
    if not html.strip():
        return
    document = lxml.html.document_fromstring(html)
    for form in document.iter("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        action = urlsplit(urljoin(page_url, form.get("action") or page_url))
        address = action.path + (f"?{action.query}" if action.query else "")
        pairs, names, choices, pressed, dates = [], [], set(), False, []
        radios: dict[str, str] = {}  # each group's first value, sent when none is checked
        for element in form.iter("input", "select", "textarea", "button"):
            name = element.get("name")
            if not name or element.get("disabled") is not None or name in NOT_SENT:
                continue
            kind = (element.get("type") or "").lower()
            if element.tag == "input" and kind == "file":
                continue
            if element.tag in ("button", "select") or kind in CHOOSING:
                choices.add(name)
            if element.tag == "button" or kind in ("submit", "image"):
                if not pressed:  # the first button, as pressing Enter would
                    pairs.append((name, element.get("value") or ""))
                    pressed = True
            elif element.tag == "select":
                options = [o.get("value", o.text_content()) for o in element.iter("option")]
                chosen = [
                    o.get("value", o.text_content())
                    for o in element.iter("option")
                    if o.get("selected") is not None
                ]
                if not chosen and options:
                    chosen = [next((o for o in options if o), options[0])]
                pairs.extend((name, value) for value in chosen)
            elif kind == "radio":
                radios.setdefault(name, element.get("value", "on"))
                if element.get("checked") is not None:
                    pairs.append((name, element.get("value", "on")))
            elif kind == "checkbox":
                if element.get("checked") is not None:
                    pairs.append((name, element.get("value", "on")))
            else:
                value = element.text or "" if element.tag == "textarea" else element.get("value")
                if not value and kind != "hidden":
                    value = _filler(element, kind, name, dates)
                pairs.append((name, value or ""))
            if name not in names:
                names.append(name)
        sent = {name for name, _ in pairs}
        pairs.extend((name, value) for name, value in radios.items() if name not in sent)
        yield address, pairs, names, choices


def _with(pairs, changes: dict) -> dict:
    """The form's fields as the test client's data, with `changes` in place of theirs (a list
    value is the field sent once per item)."""
    data: dict = {}
    for name, value in pairs:
        if name not in changes:
            data.setdefault(name, []).append(value)
    data.update(
        {name: value if isinstance(value, list) else [value] for name, value in changes.items()}
    )
    return data


def _variants(names, choices):
    """(what is tried, the changed fields): each hostile value in every field at once (a
    field's own check and its error message, which run whatever the others hold), each date in
    every group of date boxes at once; then, one field at a time with the others as the page
    gave them, the values a field may accept and pass on to the action and the database (not
    for a field offering choices, which accepts only its own)."""
    groups = sorted(
        name[: -len("_day")]
        for name in names
        if name.endswith("_day") and all(name[: -len("_day")] + p in names for p in PARTS)
    )
    only_choices = set(names) <= choices
    for label, value in HOSTILE:
        if not only_choices or label in CHOICE_VALUES:
            yield f"every field={label}", dict.fromkeys(names, value)
    for label, values in DATES:
        changes = {}
        for stem in groups:
            changes.update(zip((stem + p for p in PARTS), values, strict=True))
        if changes:
            yield f"every date={label}", changes
    for name in names:
        if name in choices:
            continue
        for label, value in DEEP:
            yield f"{name}={label}", {name: value}
    for stem in groups:
        for label, values in DEEP_DATES:
            yield f"{stem}={label}", dict(zip((stem + p for p in PARTS), values, strict=True))


def _post(built, role: str, address: str, data: dict):
    """Sent as a browser sends a form with no file: URL-encoded (a multipart POST counts as an
    upload against its rate)."""
    body = urlencode(data, doseq=True)
    with transaction.atomic():
        response = client_for(built, role).post(address, body, content_type=FORM_ENCODED)
        transaction.set_rollback(True)
    return response


def _failure(response) -> str | None:
    if response.status_code < 500:
        return None
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        frames = traceback.extract_tb(exc_info[2])
        ours = [f for f in frames if "/levelfield/" in f.filename] or frames[-1:]
        where = (
            f" at {ours[-1].filename.split('/levelfield/')[-1]}:{ours[-1].lineno}" if ours else ""
        )
        return f"{response.status_code} {exc_info[0].__name__}: {str(exc_info[1])[:300]}{where}"
    return f"{response.status_code}"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_forms_give_no_server_error(in_world, settings, name):  # noqa: F811 - the fixture
    settings.LEVELFIELD_RATE_LIMITS = {}  # hundreds of posts a minute, by one person
    entry = PAGES[name]
    if entry.method != "GET":
        pytest.skip("a button only: tried through the page that shows it")
    params = _params(in_world, entry.scene, ROUTE_KWARGS.get(name, ()))
    if params is None:
        pytest.skip(f"the world has no object for scene {entry.scene!r}")
    try:
        url = reverse(name, kwargs=params or None)
    except NoReverseMatch as error:
        pytest.fail(f"{name}: {error}")
    failures = []
    for role in _roles(entry):
        page = client_for(in_world, role).get(url)
        TALLY["pages"] += 1
        if (problem := _failure(page)) is not None:
            failures.append(f"GET {url} as {role}: {problem}")
            continue
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        for address, pairs, names, choices in _forms(url, page.content):
            key = (address, tuple(sorted(names)))
            if key in _tried:
                continue
            _tried.add(key)
            TALLY["forms"] += 1
            for tried, changes in _variants(names, choices):
                TALLY["posts"] += 1
                response = _post(in_world, role, address, _with(pairs, changes))
                TALLY[f"answered {response.status_code // 100}xx"] += 1
                if (problem := _failure(response)) is not None:
                    failures.append(f"POST {address} as {role}, {tried}: {problem}")
    assert not failures, f"{len(failures)} server error(s):\n" + "\n".join(failures)
