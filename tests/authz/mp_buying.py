"""The authorisation matrix's lines for the marketplace's buying: its pages (PAGES), its API
operations (OPERATIONS) and the scenes they are tried on (`scenes`, called once the world is
built; it adds what it needs through the actions and returns scene name -> URL parameters).

The catalogue is searched by any buyer's staff (evaluators too); suppliers and people of no
organisation get 404 (403 from the API). Wessex County Council keeps two projects here: one
still searching with a saved search, one ended with its frozen shortlist. Its admins and
officers change them (an award, which signs, is for admins: the action says so), its
evaluators read them, and another council finds neither (404)."""

# ruff: noqa: E501 (one route a line reads best as a table)

from levelfield.accounts.models import Organisation
from levelfield.marketplace.actions import projects
from levelfield.marketplace.search import Criteria
from tests.support import marketplace

from . import roles as r
from .roles import (
    BUYER_AREA,
    BUYER_MANAGERS_AREA,
    OWN_BUYER_MANAGERS,
    OWN_BUYER_STAFF,
    Entry,
    form,
    page,
    post,
)

SEARCH_WHY = "any buyer's staff search the catalogue, evaluators too; no object in the address"
READ_WHY = "the buyer's evaluators read its projects (read-only)"


def op(scene: str, policy: dict[str, str], why: str = "") -> Entry:
    return Entry(scene, policy, "", why)


PAGES: dict = {
    "marketplace:search": page("none", BUYER_AREA, why=SEARCH_WHY),
    "marketplace:projects": page("none", BUYER_AREA, why="one's own organisation's projects"),
    "marketplace:project_create": form(
        "none", BUYER_MANAGERS_AREA, BUYER_MANAGERS_AREA, why="admins and officers start projects"
    ),
    "marketplace:project": page("mp_project_ended", OWN_BUYER_STAFF, why=READ_WHY),
    "marketplace:project_save_search": post("mp_project_searching", OWN_BUYER_MANAGERS),
    "marketplace:project_end": post("mp_project_searching", OWN_BUYER_MANAGERS),
    "marketplace:project_shortlist_download": page(
        "mp_project_ended", OWN_BUYER_STAFF, why=READ_WHY
    ),
    "marketplace:project_compare": page("mp_project_ended", OWN_BUYER_STAFF, why=READ_WHY),
    "marketplace:project_outcome": form(
        "mp_project_ended",
        OWN_BUYER_MANAGERS,
        OWN_BUYER_MANAGERS,
        why="officers record no award; an award (it signs the contract) is for admins, refused by the action",
    ),
}

OPERATIONS: dict = {
    "marketplace_search": op("none", BUYER_AREA, why=SEARCH_WHY),  # GET /api/marketplace/search
    "marketplace_projects_list": op("none", BUYER_AREA),  # GET /api/marketplace/projects
    "marketplace_project_create": op("none", BUYER_MANAGERS_AREA),  # POST /api/marketplace/projects
    "marketplace_project_get": op(
        "mp_project_ended", OWN_BUYER_STAFF, why=READ_WHY
    ),  # GET .../{project_id}
    "marketplace_project_search_save": op(
        "mp_project_searching", OWN_BUYER_MANAGERS
    ),  # POST .../searches
    "marketplace_project_end": op("mp_project_searching", OWN_BUYER_MANAGERS),  # POST .../end
    "marketplace_project_shortlist": op(
        "mp_project_ended", OWN_BUYER_STAFF, why=READ_WHY
    ),  # GET .../shortlist
    "marketplace_project_outcome": op(
        "mp_project_ended",
        OWN_BUYER_MANAGERS,
        why="the example body records no award, which officers may",
    ),  # POST .../outcome
}


def scenes(world) -> dict[str, dict]:
    platform_admin = world.people[r.PLATFORM_ADMIN]
    officer = world.people[r.BUYER_OFFICER]
    wessex = Organisation.objects.get(name="Wessex County Council")
    supplier = Organisation.objects.get(name="Wessex Community Care Trust")
    framework = marketplace.framework(by=platform_admin, reference="LF-MATRIX-BUYING")
    application = marketplace.admitted(
        framework, supplier, by=world.people[r.SUPPLIER_ADMIN], admin=platform_admin
    )
    lot = framework.lots.get(number=3)
    marketplace.listing(
        application,
        lot,
        by=world.people[r.SUPPLIER_ADMIN],
        name="Matrix migration support",
        category="Migration",
    )
    only_lot = Criteria(lots=(lot.pk,))
    searching = projects.create_project(buyer=wessex, by=officer, name="Still searching")
    projects.save_search(project=searching, by=officer, criteria=only_lot)
    ended = projects.create_project(buyer=wessex, by=officer, name="Search ended")
    projects.save_search(project=ended, by=officer, criteria=only_lot)
    projects.end_project(project=ended, by=officer)
    return {
        "mp_project_searching": {"pk": searching.pk, "project_id": searching.pk},
        "mp_project_ended": {"pk": ended.pk, "project_id": ended.pk, "kind": "csv"},
    }
