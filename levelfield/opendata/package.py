"""Release and record packages with the metadata a harvester needs."""

from django.conf import settings

from levelfield.core import clock

# The extensions we publish with: the set Find a Tender declares, plus lots, metrics, contract
# completion, party scale, sustainability, submission terms and selection criteria. Each is
# pinned to the commit we validate against (see tests/data/ocds/SOURCES.md).
OCP = "open-contracting-extensions"
EXTENSIONS = (
    ("cabinetoffice/ocds_uk_extension", "aa0e43b84dfad0cb9b839a8135e0bc4b285d32fc"),
    (f"{OCP}/ocds_awardCriteria_extension", "9391240f353e8536992938fe9f7987cd89235331"),
    (f"{OCP}/ocds_bid_extension", "d62ff4b0ba393d823ca8113a9039b12edf7acb8f"),
    (f"{OCP}/ocds_communication_extension", "57a1567a85b9480ca10210fabbdbbbea5378f3f9"),
    (f"{OCP}/ocds_contract_completion_extension", "5c07b628802353251f0a22800f0003b556a2c209"),
    (f"{OCP}/ocds_location_extension", "fcd56abaea4214d7f4d712087be32141badbe60c"),
    (f"{OCP}/ocds_lots_extension", "8d3b52eb26ce0f1a015c91b665c120b17ef619a0"),
    (f"{OCP}/ocds_metrics_extension", "fad91df868907e339e5b3b4af5c334e02b80fa4f"),
    (f"{OCP}/ocds_otherRequirements_extension", "143e56e3166073b5d317826a745e46b9889e379b"),
    (f"{OCP}/ocds_partyDetails_scale_extension", "152cd9fb74e021e537b17d84420615acf7dec032"),
    (f"{OCP}/ocds_performance_failures_extension", "ba848ad627309a76e19a5ed9281ade5dbe080915"),
    (f"{OCP}/ocds_selectionCriteria_extension", "42109b4c5259f4a086744a4fd4f1ca4fd6ff1e7f"),
    (f"{OCP}/ocds_subcontracting_extension", "65d06d0af7e5dc56f0f28beb54e5d7dc5d9155e7"),
    (f"{OCP}/ocds_submissionTerms_extension", "449ade63333a50f1e8cd2b0704c0a3c5e329a8a8"),
    (f"{OCP}/ocds_suitability_extension", "271f51cef1160e66d8952a7e683f1d8375efcc95"),
    (f"{OCP}/ocds_sustainability_extension", "b8d93a0edb8e0ac2f27f733cccf3884e392346e9"),
    (f"{OCP}/ocds_techniques_extension", "5568b00a8dd694a3d34441bdd9ef2bd3f9d44b11"),
)


def extension_urls() -> list[str]:
    return [
        f"https://raw.githubusercontent.com/{repo}/{commit}/extension.json"
        for repo, commit in EXTENSIONS
    ]


def metadata(uri: str) -> dict:
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": clock.now().isoformat().replace("+00:00", "Z"),
        "publisher": dict(settings.LEVELFIELD_PUBLISHER),
        "license": settings.LEVELFIELD_OCDS_LICENSE,
        "publicationPolicy": settings.LEVELFIELD_OCDS_PUBLICATION_POLICY,
        "extensions": extension_urls(),
    }


def release_package(releases: list[dict], *, uri: str) -> dict:
    return {**metadata(uri), "releases": releases}


def record_package(records: list[dict], *, uri: str) -> dict:
    return {**metadata(uri), "records": records}
