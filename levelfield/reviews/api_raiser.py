"""The API for a raiser: raise a concern (multipart, with evidence files), list and read one's
own cases (and one's organisation's), add evidence."""

from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from levelfield.accounts.api_auth import api_auth
from levelfield.core.api_helpers import OWN_OBJECT_ERRORS, SIGNED_IN_ERRORS, Pages, errors

from . import actions, selectors
from .api_common import raise_case_objects, raiser_case
from .schemas import ReviewCaseRaiseIn, ReviewCaseSummaryOut, ReviewFileOut, ReviewRaiserCaseOut

router = Router(auth=api_auth, tags=["Review service: raising a concern"])
ROUTERS = (("/reviews", router),)


@router.post(
    "/cases",
    response={201: ReviewRaiserCaseOut, **errors(*SIGNED_IN_ERRORS, 400, 404, 422)},
    operation_id="reviews_case_raise",
    summary="Raise a concern about a procurement, a prime contractor, or a late payment",
    description="Multipart form: the fields below and up to 10 files `evidence`. Anyone signed "
    "in with a confirmed email address. A procurement: `tender_id` (published in the last 2 "
    "years) or `procurement_title`, `notice_reference`, `procurement_date` and "
    "`authority_id` or `authority_name`. A subcontract: `contract_id`, or "
    "`procurement_title`, `prime_contractor_name` and the authority. A late payment: "
    "`invoice_id` (your organisation's; then `buyer_may_know` must be true: 400 "
    "`anonymous_invoice`), or `invoice_reference`, `invoice_amount`, `invoice_received_on` "
    "and the authority. A valid invoice on levelfield unpaid over 30 days is accepted at once. "
    "400 with the rule's code (`procurement_too_old`, `description_required`, ...) otherwise; "
    "404 for an id that is nothing.",
)
def raise_case(
    request,
    payload: Form[ReviewCaseRaiseIn],
    evidence: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    fields = payload.model_dump(
        exclude={
            "raiser_organisation_id",
            "tender_id",
            "contract_id",
            "invoice_id",
            "authority_id",
        }
    )
    case = actions.raise_case(
        by=request.user, evidence=evidence or [], **fields, **raise_case_objects(payload)
    )
    return Status(201, raiser_case(request, case.pk))


@router.get(
    "/my-cases",
    response={200: list[ReviewCaseSummaryOut], **errors(*SIGNED_IN_ERRORS, 422)},
    operation_id="reviews_raiser_cases",
    summary="The cases you raised, and your organisation's",
    description="Newest first. Paginated with `limit` and `offset`.",
)
@paginate(Pages)
def my_cases(request):
    return selectors.raiser_cases(request.user)


@router.get(
    "/my-cases/{case_id}",
    response={200: ReviewRaiserCaseOut, **errors(*OWN_OBJECT_ERRORS)},
    operation_id="reviews_raiser_case",
    summary="One of your cases: its progress, findings, recommendations and outcome",
    description="404 `not_found` for a case you did not raise (nor your organisation).",
)
def my_case(request, case_id: int):
    return raiser_case(request, case_id)


@router.post(
    "/my-cases/{case_id}/evidence",
    response={201: ReviewFileOut, **errors(*OWN_OBJECT_ERRORS, 400, 409, 422)},
    operation_id="reviews_raiser_evidence_add",
    summary="Add a file of evidence to your case (multipart, the file `upload`)",
    description="Checked as every upload is (type, content, size, viruses: 400 "
    "`validation_error`), stored under a neutral name. 400 `too_many_files` past 10; 409 "
    "`invalid_state` once the case has ended.",
)
def add_evidence(request, case_id: int, upload: File[UploadedFile]):
    item = actions.add_evidence(case=raiser_case(request, case_id), by=request.user, upload=upload)
    return Status(201, {"number": item.number, "name": item.original_name, "size": item.size})
