"""Amending a published tender (buyer), and its amendments and document versions (public)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from levelfield.accounts.api_auth import api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, errors

from . import actions_amend
from .actions_amend import Amendment
from .api_common import buyer_tender
from .models import TenderDocument
from .schemas_amend import AmendmentIn, AmendmentOut, DocumentVersionIn, DocumentVersionOut
from .selectors import public_opportunity

router = Router(auth=api_auth, tags=["Buyer: tenders"])
public_router = Router(tags=["Opportunities (public)"])
ROUTERS = (("/buyer", router), ("/opportunities", public_router))

REFUSALS = (
    "400 `validation_error` for no reason, no change, a deadline in the past or out of order; "
    "409 `invalid_state` for a tender not published or a document already replaced or "
    "withdrawn; 409 `deadline_passed` after the submission deadline; 422 `rule_failed` for a "
    "submission deadline brought forward below the s.54 minimum tendering period. Buyer "
    "officers and admins only (403 `forbidden`)."
)


@router.post(
    "/tenders/{tender_id}/amendments",
    response={201: AmendmentOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_tenders_amend",
    summary="Amend a published tender before its submission deadline",
    description="Extends deadlines and withdraws documents, with a reason; publishes a "
    "tenderAmendment release and emails every interested supplier (viewed while signed in, "
    "asked a question, drafted or submitted a bid). Bids, drafts included, are not changed. "
    + REFUSALS,
)
def amend(request, tender_id: int, payload: AmendmentIn):
    tender = buyer_tender(request, tender_id)
    ids = set(payload.withdraw_documents)
    if ids and TenderDocument.objects.filter(tender=tender, pk__in=ids).count() != len(ids):
        raise Http404("No such document on this tender")
    item = actions_amend.amend_tender(
        tender=tender,
        by=request.user,
        amendment=Amendment(
            reason=payload.reason,
            clarification_deadline=payload.clarification_deadline,
            submission_deadline=payload.submission_deadline,
            withdrawals=sorted(ids),
        ),
    )
    return Status(201, item)


@router.post(
    "/tenders/{tender_id}/documents/{document_id}/versions",
    response={201: AmendmentOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="buyer_tenders_document_new_version",
    summary="Replace a document of a published tender with a new version (multipart form)",
    description="Fields `reason` and the file `file`. The earlier version stays published and "
    "downloadable. 400 `invalid_file` for a file of a type not accepted. " + REFUSALS,
)
def new_version(
    request,
    tender_id: int,
    document_id: int,
    payload: Form[DocumentVersionIn],
    file: File[UploadedFile],
):
    tender = buyer_tender(request, tender_id)
    document = get_object_or_404(TenderDocument.objects.filter(tender=tender), pk=document_id)
    item = actions_amend.amend_tender(
        tender=tender,
        by=request.user,
        amendment=Amendment(reason=payload.reason, replacements={document.pk: file}),
    )
    return Status(201, item)


@router.get(
    "/tenders/{tender_id}/amendments",
    response={200: list[AmendmentOut], **errors(*OWN_OBJECT_ERRORS)},
    operation_id="buyer_tenders_amendments",
    summary="A tender's amendments, oldest first",
)
def amendments(request, tender_id: int):
    return list(buyer_tender(request, tender_id).amendments.all())


def _version(tender, document: TenderDocument) -> dict:
    return {
        "id": document.pk,
        "title": document.title,
        "version": document.version,
        "current": document.is_current,
        "replaces": document.replaces_id,
        "uploaded_at": document.uploaded_at,
        "superseded_at": document.superseded_at,
        "withdrawn_at": document.withdrawn_at,
        "url": reverse("public:document", args=[tender.reference, document.pk]),
    }


@public_router.get(
    "/{reference}/amendments",
    response={200: list[AmendmentOut], **errors(404)},
    operation_id="opportunities_amendments",
    summary="A published opportunity's amendments, oldest first",
    description="What changed and why. A draft or unknown reference is 404 `not_found`.",
)
def public_amendments(request, reference: str):
    return list(get_object_or_404(public_opportunity(reference)).amendments.all())


@public_router.get(
    "/{reference}/documents",
    response={200: list[DocumentVersionOut], **errors(404)},
    operation_id="opportunities_documents",
    summary="Every version of every document of a published opportunity",
    description="Current, replaced and withdrawn, oldest first; each downloadable. A draft "
    "or unknown reference is 404 `not_found`.",
)
def public_documents(request, reference: str):
    tender = get_object_or_404(public_opportunity(reference))
    documents = tender.documents.select_related("replaces")
    return [_version(tender, d) for d in documents]
