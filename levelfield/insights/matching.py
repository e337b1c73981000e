"""Spend suppliers matched to known organisations: the organisations named in published data
(parties of our compiled records and of the compiled releases `import-ocds` stored), found first
by Companies House number, then by a person's resolution of the name, then by the name
normalised (case, punctuation, accents, "&"/"and", "The", and legal forms such as "Ltd",
"Limited", "PLC" and "LLP" do not count).

`refresh_index()` brings KnownOrganisation up to date with what was published since it last ran;
`Matcher` holds the index in memory for an import."""

import re
import unicodedata
from collections.abc import Iterable, Iterator

from django.db.models import Max

from levelfield.core import clock
from levelfield.opendata.models import ExternalCompiledRelease, Record

from .models import KnownOrganisation, MatchMethod, OrganisationIndexMark, SupplierResolution

# Words that do not tell one organisation from another: legal forms, "the", "and" ("&").
_IGNORED = {
    "the",
    "and",
    "ltd",
    "limited",
    "plc",
    "llp",
    "lp",
    "cic",
    "cio",
    "inc",
    "uk",  # "Acme UK Ltd" and "Acme Ltd" are one name in spend files more often than not
}
_WORDS = re.compile(r"[a-z0-9]+")
_CH = re.compile(r"^([A-Z]{2})?([0-9]{1,8})$")
CHUNK = 2000


def name_key(name: str) -> str:
    """ "The Acme & Sons Ltd." and "ACME and sons limited" -> "acme sons"; "A.B.C. Care" ->
    "abc care"."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    # Apostrophes and full stops join ("St John's", "C.T."); "&" is "and".
    text = re.sub(r"['\u2019.]", "", text).replace("&", " and ")
    words = [w for w in _WORDS.findall(text) if w not in _IGNORED]
    if not words:  # "The Limited Company Ltd": keep what there is rather than nothing
        words = _WORDS.findall(text)
    return " ".join(words)[:500]


def ch_number(value) -> str:
    """A Companies House number as 8 characters ("123456" -> "00123456", "sc 12345" ->
    "SC012345"); "" for anything that is not one."""
    if isinstance(value, float) and value.is_integer():  # a spreadsheet's number
        value = int(value)
    text = str(value or "").strip()
    if text.endswith(".0") and text[:-2].isdigit():  # the same, written out
        text = text[:-2]
    text = re.sub(r"[\s.-]", "", text).upper()
    found = _CH.match(text)
    if not found:
        return ""
    prefix, digits = found.group(1) or "", found.group(2)
    width = 8 - len(prefix)
    if len(digits) > width:
        return ""
    number = prefix + digits.zfill(width)
    return "" if number.strip("0") == "" else number


def _party_ch(party: dict) -> str:
    identifiers = [party.get("identifier")] + list(party.get("additionalIdentifiers") or [])
    for identifier in identifiers:
        if isinstance(identifier, dict) and identifier.get("scheme") == "GB-COH":
            number = ch_number(identifier.get("id"))
            if number:
                return number
    return ""


def _flag(details: dict, key: str):
    value = details.get(key)
    return value if isinstance(value, bool) else None


def party_organisation(party: dict) -> dict | None:
    """The KnownOrganisation fields for one OCDS party, or None for a party without a name."""
    if not isinstance(party, dict):
        return None
    name = str(party.get("name") or "").strip()
    if not name:
        identifier = party.get("identifier") or {}
        name = (
            str(identifier.get("legalName") or "").strip() if isinstance(identifier, dict) else ""
        )
    if not name:
        return None
    ch = _party_ch(party)
    key = name_key(name)
    identifier = party.get("identifier") or {}
    if ch:
        org_id = f"GB-COH-{ch}"
    elif isinstance(identifier, dict) and identifier.get("scheme") and identifier.get("id"):
        org_id = f"{identifier['scheme']}-{identifier['id']}"
    else:
        org_id = f"name:{key}"
    details = party.get("details")
    if not isinstance(details, dict):
        details = {}
    scale = details.get("scale")
    sme = True if scale in ("sme", "micro") else False if scale == "large" else None
    return {
        "identifier": org_id[:300],
        "name": name[:500],
        "name_key": key,
        "ch": ch,
        "sme": sme,
        "vcse": _flag(details, "vcse"),
    }


def organisations_in(compiled_releases: Iterable[dict]) -> dict[str, dict]:
    """The organisations the parties of these compiled releases name, by identifier; a later
    release's scale and VCSE status win over an earlier one's, none never over some."""
    found: dict[str, dict] = {}
    for compiled in compiled_releases:
        for party in (compiled or {}).get("parties") or []:
            org = party_organisation(party)
            if org is None:
                continue
            before = found.get(org["identifier"])
            if before is not None:
                for flag in ("sme", "vcse"):
                    if org[flag] is None:
                        org[flag] = before[flag]
            found[org["identifier"]] = org
    return found


def _store(orgs: dict[str, dict]) -> None:
    if not orgs:
        return
    now = clock.now()
    KnownOrganisation.objects.bulk_create(
        [KnownOrganisation(updated=now, **org) for org in orgs.values()],
        update_conflicts=True,
        unique_fields=["identifier"],
        update_fields=["name", "name_key", "ch", "sme", "vcse", "updated"],
        batch_size=500,
    )


def _chunks(queryset, since) -> Iterator[tuple[list[dict], object]]:
    rows = queryset.order_by("updated").values_list("compiled", "updated")
    if since is not None:
        rows = rows.filter(updated__gt=since)
    batch, last = [], since
    for compiled, updated in rows.iterator(chunk_size=CHUNK):
        batch.append(compiled)
        last = updated
        if len(batch) >= CHUNK:
            yield batch, last
            batch = []
    if batch:
        yield batch, last


def refresh_index() -> int:
    """Read the compiled releases published or imported since the last refresh into the index;
    returns how many organisations it wrote. Each chunk commits with its mark (the caller's
    transaction, if any, holds them all)."""
    mark = OrganisationIndexMark.objects.first() or OrganisationIndexMark.objects.create()
    written = 0
    for field, queryset in (
        ("records_through", Record.objects.all()),
        ("external_through", ExternalCompiledRelease.objects.all()),
    ):
        for batch, last in _chunks(queryset, getattr(mark, field)):
            orgs = organisations_in(batch)
            _store(orgs)
            written += len(orgs)
            setattr(mark, field, last)
            mark.save(update_fields=[field])
    return written


def index_is_current() -> bool:
    mark = OrganisationIndexMark.objects.first()
    if mark is None:
        return not (Record.objects.exists() or ExternalCompiledRelease.objects.exists())
    latest_record = Record.objects.aggregate(m=Max("updated"))["m"]
    latest_external = ExternalCompiledRelease.objects.aggregate(m=Max("updated"))["m"]
    return (latest_record is None or mark.records_through == latest_record) and (
        latest_external is None or mark.external_through == latest_external
    )


class Matcher:
    """The index and the resolutions in memory: match(name, ch) -> (organisation id, method),
    (None, "") when nothing matches."""

    def __init__(self):
        self.by_ch: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        rows = KnownOrganisation.objects.order_by("pk").values_list("pk", "ch", "name_key")
        with_ch: set[str] = set()
        for pk, ch, key in rows.iterator(chunk_size=5000):
            if ch:
                self.by_ch.setdefault(ch, pk)
            # A name is matched to the organisation with a Companies House number first.
            if key not in self.by_name or (ch and key not in with_ch):
                self.by_name[key] = pk
                if ch:
                    with_ch.add(key)
        self.resolved: dict[str, int | None] = dict(
            SupplierResolution.objects.values_list("name_key", "organisation_id")
        )

    def match(self, name_key_: str, ch: str = "") -> tuple[int | None, str]:
        if ch and ch in self.by_ch:
            return self.by_ch[ch], MatchMethod.COMPANIES_HOUSE
        if name_key_ in self.resolved:
            pk = self.resolved[name_key_]
            return pk, MatchMethod.PERSON if pk else MatchMethod.NOT_KNOWN
        if name_key_ in self.by_name:
            return self.by_name[name_key_], MatchMethod.NAME
        return None, ""
