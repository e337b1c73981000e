from .selectors import current_membership


class OrganisationMiddleware:
    """Puts the signed-in user's current membership (and organisation) on the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = current_membership(request)
        request.membership = membership
        request.organisation = membership.organisation if membership else None
        return self.get_response(request)
