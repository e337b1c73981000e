"""Who is emailed about a contract, once for every part of contract management.

At the supplier: the named contact for this contract plus the supplier's admins. The contact
(`Contract.supplier_contact_email`, named when the contract is entered) is the person who runs
the contract day to day, but may not be a levelfield user and may have left or be away; the
admins answer for the supplier and can act on what the email asks (report on a KPI, claim an
outcome, correct who is named). The supplier's other members are not emailed: a large supplier
has many people on work unrelated to this contract.

At the buyer: the contract manager, who runs it; without one, the buyer's admins, who must then
name one or act themselves."""

from collections.abc import Iterable

from levelfield.accounts.models import Membership, Role


def _unique(emails: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for email in emails:
        if email and email.lower() not in seen:
            seen.add(email.lower())
            kept.append(email)
    return kept


def supplier_emails(contract) -> list[str]:
    """The supplier's named contact for `contract` first, then its admins (oldest first),
    each once."""
    admins = (
        Membership.objects.filter(organisation_id=contract.supplier_id, role=Role.SUPPLIER_ADMIN)
        .order_by("id")
        .values_list("user__email", flat=True)
    )
    return _unique([contract.supplier_contact_email, *admins])


def buyer_admin_emails(buyer_ids: Iterable[int]) -> dict[int, list[str]]:
    """The admins' emails of each buyer, in one query (for reminders about many contracts)."""
    admins: dict[int, list[str]] = {}
    for organisation_id, email in (
        Membership.objects.filter(organisation_id__in=set(buyer_ids), role=Role.BUYER_ADMIN)
        .order_by("id")
        .values_list("organisation_id", "user__email")
    ):
        admins.setdefault(organisation_id, []).append(email)
    return admins


def manager_emails(contract, *, admins: dict[int, list[str]] | None = None) -> list[str]:
    """The contract manager; without one, the buyer's admins (from `admins`, made by
    buyer_admin_emails, when given)."""
    if contract.contract_manager_id:
        return [contract.contract_manager.email]
    if admins is None:
        admins = buyer_admin_emails([contract.buyer_id])
    return _unique(admins.get(contract.buyer_id, []))
