"""What makes an item an importable release: the fields the store and the merge rely on (ocid,
id, date, tag) with the right types. Everything else is the publisher's business and is kept as
published."""

import re
from datetime import UTC, datetime

import orjson

MAX_ID = 255  # the width of the ocid and release id columns
# orjson writes arrays and objects nested 254 deep at most ("Recursion limit reached" past
# it). A release is kept only if it can be written again inside the arrays and objects of a
# package, a record or an API page (ENVELOPE levels), so no download or answer fails on it.
ENVELOPE = 32
MAX_NESTING = 254 - ENVELOPE
TOO_DEEP = f"nested more than {MAX_NESTING} levels deep (arrays and objects within each other)"

# RFC 3339 date-time (JSON Schema's "date-time"): a date, "T", a time and an offset.
RFC3339 = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}:[0-9]{2}:[0-9]{2})(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})",
    re.ASCII,
)

JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def json_type(value) -> str:
    return JSON_TYPES.get(type(value), type(value).__name__)


def parse_datetime(value: str) -> datetime | None:
    """The datetime (in UTC) of an RFC 3339 date-time, or None if it is not one."""
    match = RFC3339.fullmatch(value)
    if match is None:
        return None
    day, time, fraction, offset = match.groups()
    fraction = (fraction or "")[:7]  # Python keeps microseconds
    offset = "+00:00" if offset in ("Z", "z") else offset
    try:
        return datetime.fromisoformat(f"{day}T{time}{fraction}{offset}").astimezone(UTC)
    except (ValueError, OverflowError):  # month 13, 25 o'clock, offset +24:00, year 0...
        return None


def sqlite_text_of_checked_date(value: str) -> str | None:
    """What Django's SQLite backend stores for a date that parse_datetime has accepted, cut out
    of the text without parsing it again when it has the usual form (YYYY-MM-DDTHH:MM:SSZ);
    None for any other form, which must be converted."""
    if len(value) == 20 and value[19] == "Z":
        return f"{value[:10]} {value[11:19]}"
    return None


def postgres_text_of_checked_date(value: str) -> str | None:
    """A date that parse_datetime has accepted, as it is when it has the usual form
    (YYYY-MM-DDTHH:MM:SSZ, which PostgreSQL reads as it is, in UTC whatever the session's
    time zone): COPY then sends the text rather than format a datetime again; None for any
    other form, which must be converted."""
    if len(value) == 20 and value[19] == "Z" and value[10] == "T":
        return value
    return None


def _identifier(release: dict, field: str) -> str | None:
    value = release.get(field)
    if value is None:
        return f"missing {field}" if field not in release else f"{field} is null"
    if type(value) is not str:
        return f"{field} is {json_type(value)}, not a string"
    if not value.strip():
        return f"{field} is empty"
    if len(value) > MAX_ID:
        return f"{field} is longer than {MAX_ID} characters"
    return None


def check_release(release) -> tuple[str | None, datetime | None]:
    """(reason it is not an importable release or None, its date in UTC)."""
    if type(release) is dict:
        # the usual case, checked in as few steps as possible
        ocid = release.get("ocid")
        release_id = release.get("id")
        date = release.get("date")
        tag = release.get("tag", ())
        if (
            type(ocid) is str
            and type(release_id) is str
            and type(date) is str
            and 0 < len(ocid) <= MAX_ID
            and 0 < len(release_id) <= MAX_ID
            and not ocid.isspace()
            and not release_id.isspace()
            and (type(tag) is list or tag == ())
        ):
            for item in tag:
                if type(item) is not str:
                    break
            else:
                moment = parse_datetime(date)
                if moment is not None:
                    return None, moment
    return _reason(release), None


def _reason(release) -> str:
    """Why an item is not an importable release."""
    if type(release) is not dict:
        return f"not a release: {json_type(release)}, not an object"
    for field in ("ocid", "id"):
        reason = _identifier(release, field)
        if reason:
            return reason
    date = release.get("date")
    if date is None:
        return "missing date" if "date" not in release else "date is null"
    if type(date) is not str:
        return f"date is {json_type(date)}, not a string"
    if "tag" in release:
        tag = release["tag"]
        if type(tag) is not list:
            return f"tag is {json_type(tag)}, not an array of strings"
        for item in tag:
            if type(item) is not str:
                return f"tag holds {json_type(item)}, not only strings"
    return f"date {date[:40]!r} is not an RFC 3339 date-time"


def json_text(value) -> str | None:
    """`value` as JSON text, or None when it is nested deeper than MAX_NESTING (written inside
    ENVELOPE arrays, which are cut off again: one pass over the value)."""
    for _ in range(ENVELOPE):
        value = [value]
    try:
        return orjson.dumps(value)[ENVELOPE:-ENVELOPE].decode()
    except orjson.JSONEncodeError:
        return None


def nested_too_deep(raw: bytes, value) -> bool:
    """Whether a value read from the JSON text `raw` is nested deeper than MAX_NESTING (a text
    with fewer brackets cannot be, and is not looked at again)."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_NESTING:
        return False
    return json_text(value) is None
